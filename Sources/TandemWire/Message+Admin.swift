import TandemModel

// The admin and divergence messages (`Protocol/README.md`, sections 6.6 and 6.7):
// an operator's `tandem admin …` asks a running server, and the server asks a
// plan's connected replicas for a digest of their state at one sequence.

/// An admin command for a running server (`tandem admin …`), sent only on a
/// connection authenticated with an admin token.
public struct AdminRequest: Hashable, Sendable {
    /// Chosen by the client, echoed by every part of the response.
    public var id: UInt64
    /// `plans`, `replicas`, `history`, `conflicts`, `state`, `verify`, `compact` or `divergence`.
    public var command: String
    /// Named arguments (`plan`, `entity`, `member`, `since`, …), at most ``maxArguments``.
    public var arguments: [String: String]

    public static let maxArguments = 16
    public static let maxNameBytes = 32
    public static let maxValueBytes = 1024

    public init(id: UInt64, command: String, arguments: [String: String] = [:]) {
        self.id = id
        self.command = command
        self.arguments = arguments
    }
}

/// One part of an admin command's answer. The parts' `data`, in order, make
/// the ``AdminResponseBody``; `more` is set on every part but the last, so an
/// answer of any size fits under the frame limit.
public struct AdminResponsePart: Hashable, Sendable {
    public var id: UInt64
    public var more: Bool
    public var data: [UInt8]

    /// Bytes of body per part: far under the 4 MiB frame limit.
    public static let maxPartBytes = 1 << 20

    public init(id: UInt64, more: Bool, data: [UInt8]) {
        self.id = id
        self.more = more
        self.data = data
    }
}

/// The whole answer to an ``AdminRequest``: the table the CLI prints, the JSON
/// it prints with `--json`, and whether the command succeeded.
public struct AdminResponseBody: Hashable, Sendable {
    public enum Status: UInt64, Sendable {
        /// The command ran; print the output, exit 0.
        case ok = 0
        /// The command ran and found problems (`verify`): print the output, exit 1.
        case problems = 1
        /// The command could not run (unknown plan, bad argument): `text` says why, `json` is `{"code","message"}`.
        case failed = 2
    }

    public var status: Status
    /// With `.failed`: a stable code (`not-found`, `invalid-request`, `corrupt`, …); else empty.
    public var code: String
    public var text: String
    /// Rendered JSON text.
    public var json: String

    /// The most a client reassembles (64 MiB); a larger answer is refused by the server instead.
    public static let maxBytes = 64 << 20

    public init(status: Status, code: String = "", text: String, json: String) {
        self.status = status
        self.code = code
        self.text = text
        self.json = json
    }

    public func encoded() -> [UInt8] {
        var w = ByteWriter(capacity: text.utf8.count + json.utf8.count + 16)
        w.varint(status.rawValue)
        w.string(code)
        w.string(text)
        w.string(json)
        return w.bytes
    }

    public init(decoding bytes: [UInt8]) throws(WireError) {
        var r = ByteReader(bytes)
        do {
            let raw = try r.varint()
            guard let status = Status(rawValue: raw) else { throw WireError(.malformedMessage, "unknown admin response status \(raw)") }
            self.status = status
            code = try r.string(maxBytes: 64)
            text = try r.string(maxBytes: Self.maxBytes)
            json = try r.string(maxBytes: Self.maxBytes)
            guard r.isAtEnd else { throw WireError(.malformedMessage, "\(r.remaining) bytes after the admin response") }
        } catch let error as WireError {
            throw error
        } catch {
            throw WireError(.malformedMessage, "admin response: \(error)")
        }
    }

    /// The body cut into parts of at most ``AdminResponsePart/maxPartBytes``.
    public func parts(id: UInt64, partBytes: Int = AdminResponsePart.maxPartBytes) -> [AdminResponsePart] {
        let bytes = encoded()
        var parts: [AdminResponsePart] = []
        var start = 0
        repeat {
            let end = min(bytes.count, start + partBytes)
            parts.append(AdminResponsePart(id: id, more: end < bytes.count, data: Array(bytes[start..<end])))
            start = end
        } while start < bytes.count
        return parts
    }
}

/// The server's answer to a `HELLO` carrying an admin token: the connection
/// may now send `ADMIN_REQUEST` (and nothing of a plan member's).
public struct AdminWelcome: Hashable, Sendable {
    public var version: UInt64
    /// The admin token's name, as given to `tandemd admin token create --name`.
    public var name: String
    public var maxFrameBytes: UInt64
    public var agent: String

    public init(version: UInt64, name: String, maxFrameBytes: UInt64, agent: String) {
        self.version = version
        self.name = name
        self.maxFrameBytes = maxFrameBytes
        self.agent = agent
    }
}

/// The server asks a replica for the digest of its plan at `sequence` (`divergence`).
public struct DigestProbe: Hashable, Sendable {
    public var id: UInt64
    public var sequence: UInt64

    public init(id: UInt64, sequence: UInt64) {
        self.id = id
        self.sequence = sequence
    }
}

/// A replica's answer to a ``DigestProbe``.
public struct ReplicaDigest: Hashable, Sendable {
    public enum Status: UInt64, Sendable {
        /// `digest` is the replica's acknowledged state at the probe's sequence.
        case digest = 0
        /// The replica's cursor is below the sequence: it has not received everything yet.
        case behind = 1
        /// The replica's cursor is past the sequence.
        case ahead = 2
        /// The replica has pushed operations not yet acknowledged, or acknowledged ones stored past its cursor.
        case unsyncedEdits = 3
    }

    public var id: UInt64
    public var status: Status
    /// The replica's cursor when it answered.
    public var cursor: UInt64
    public var algorithm: String
    /// Empty unless `status` is `.digest`.
    public var bytes: [UInt8]

    public init(id: UInt64, status: Status, cursor: UInt64, algorithm: String = PlanDigest.algorithm, bytes: [UInt8] = []) {
        self.id = id
        self.status = status
        self.cursor = cursor
        self.algorithm = algorithm
        self.bytes = bytes
    }
}

extension Capabilities {
    /// The client answers `DIGEST_AT` with `REPLICA_DIGEST` (admin `divergence`).
    public static let digestProbes = Capabilities(rawValue: 1 << 1)
}

// MARK: Encoding

extension Message {
    static func encodeAdmin(_ message: Message, _ w: inout ByteWriter) {
        switch message {
        case .adminRequest(let request):
            w.varint(request.id)
            w.string(request.command)
            w.varint(request.arguments.count)
            for (name, value) in request.arguments.sorted(by: { $0.key < $1.key }) {
                w.string(name)
                w.string(value)
            }
        case .adminResponse(let part):
            w.varint(part.id)
            w.varint(part.more ? 1 : 0)
            w.varint(part.data.count)
            w.raw(part.data)
        case .adminWelcome(let welcome):
            w.varint(welcome.version)
            w.string(welcome.name)
            w.varint(welcome.maxFrameBytes)
            w.string(welcome.agent)
        case .digestAt(let probe):
            w.varint(probe.id)
            w.varint(probe.sequence)
        case .replicaDigest(let answer):
            w.varint(answer.id)
            w.varint(answer.status.rawValue)
            w.varint(answer.cursor)
            w.string(answer.algorithm)
            w.varint(answer.bytes.count)
            w.raw(answer.bytes)
        default:
            preconditionFailure("\(message.kind) is not an admin message")
        }
    }

    static func decodeAdmin(_ kind: Kind, _ r: inout ByteReader) throws -> Message {
        switch kind {
        case .adminRequest:
            let id = try r.varint()
            let command = try r.string(maxBytes: AdminRequest.maxNameBytes)
            let count = try r.count(max: AdminRequest.maxArguments, "admin argument count")
            var arguments: [String: String] = [:]
            for _ in 0..<count {
                let at = r.offset
                let name = try r.string(maxBytes: AdminRequest.maxNameBytes)
                guard arguments.updateValue(try r.string(maxBytes: AdminRequest.maxValueBytes), forKey: name) == nil else {
                    throw DecodingError("admin argument '\(name)' given twice", at: at)
                }
            }
            return .adminRequest(AdminRequest(id: id, command: command, arguments: arguments))
        case .adminResponse:
            let id = try r.varint()
            let at = r.offset
            let flags = try r.varint()
            guard flags <= 1 else { throw DecodingError("unknown ADMIN_RESPONSE flags \(flags)", at: at) }
            let length = try r.count(max: AdminResponsePart.maxPartBytes, "admin response part length")
            return .adminResponse(AdminResponsePart(id: id, more: flags == 1, data: Array(try r.raw(length))))
        case .adminWelcome:
            return .adminWelcome(AdminWelcome(version: try r.varint(), name: try r.string(maxBytes: 256), maxFrameBytes: try r.varint(),
                                              agent: try r.string(maxBytes: 256)))
        case .digestAt:
            return .digestAt(DigestProbe(id: try r.varint(), sequence: try r.varint()))
        case .replicaDigest:
            let id = try r.varint()
            let at = r.offset
            guard let status = ReplicaDigest.Status(rawValue: try r.varint()) else { throw DecodingError("unknown REPLICA_DIGEST status", at: at) }
            let cursor = try r.varint()
            let algorithm = try r.string(maxBytes: 64)
            let length = try r.count(max: 64, "digest length")
            return .replicaDigest(ReplicaDigest(id: id, status: status, cursor: cursor, algorithm: algorithm, bytes: Array(try r.raw(length))))
        default:
            preconditionFailure("\(kind) is not an admin message")
        }
    }
}
