import Foundation
import TandemModel
import TandemWire

/// Foundation has an `Operation` too; these tests mean the model's.
typealias Operation = TandemModel.Operation

/// Reads and writes `Protocol/vectors/*.json`, and renders messages as the
/// plain JSON ("decoded meaning") stored beside each frame's hex.
enum Vectors {
    static var directory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Protocol/vectors")
    }

    static func load(_ name: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        return try JSONSerialization.jsonObject(with: data) as! [[String: Any]]
    }

    static func write(_ name: String, _ vectors: [[String: Any]]) throws {
        let data = try JSONSerialization.data(withJSONObject: vectors, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try (data + Data("\n".utf8)).write(to: directory.appendingPathComponent(name))
    }

    static func hex(_ bytes: [UInt8]) -> String { bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() }

    static func bytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
    }

    /// The decoded meaning of a message, field by field.
    static func describe(_ message: Message) -> [String: Any] {
        var out: [String: Any] = ["type": "\(message.kind)"]
        switch message {
        case .hello(let h):
            out["minVersion"] = h.minVersion; out["maxVersion"] = h.maxVersion; out["replica"] = h.replica.description
            out["token"] = h.token; out["capabilities"] = h.capabilities.rawValue; out["agent"] = h.agent
        case .welcome(let w):
            out["version"] = w.version; out["plan"] = w.plan.description; out["member"] = w.member.description; out["head"] = w.head
            out["maxFrameBytes"] = w.maxFrameBytes; out["maxBatchOperations"] = w.maxBatchOperations; out["agent"] = w.agent
        case .push(let p):
            out["batch"] = p.batch; out["operations"] = p.operations.map(describe)
        case .ack(let a):
            out["batch"] = a.batch; out["count"] = a.count; out["head"] = a.head
            out["refusals"] = a.refusals.map { ["index": $0.index, "code": $0.code.rawValue, "reason": $0.reason] as [String: Any] }
        case .subscribe(let s):
            out["cursor"] = s.cursor; out["live"] = s.live
        case .operations(let o):
            out["from"] = o.from; out["to"] = o.to; out["operations"] = o.operations.map(describe)
        case .caughtUp(let sequence):
            out["sequence"] = sequence
        case .digestRequest:
            break
        case .digest(let d):
            out["sequence"] = d.sequence; out["algorithm"] = d.algorithm; out["digest"] = hex(d.bytes)
        case .snapshot(let s):
            out["sequence"] = s.sequence; out["documentBytes"] = s.document.count
        case .ping(let nonce), .pong(let nonce):
            out["nonce"] = nonce
        case .error(let e):
            out["code"] = e.code.rawValue; out["message"] = e.message
        case .adminRequest(let r):
            out["id"] = r.id; out["command"] = r.command; out["arguments"] = r.arguments
        case .adminResponse(let p):
            out["id"] = p.id; out["more"] = p.more; out["data"] = hex(p.data)
        case .adminWelcome(let w):
            out["version"] = w.version; out["name"] = w.name; out["maxFrameBytes"] = w.maxFrameBytes; out["agent"] = w.agent
        case .digestAt(let p):
            out["id"] = p.id; out["sequence"] = p.sequence
        case .replicaDigest(let d):
            out["id"] = d.id; out["status"] = d.status.rawValue; out["cursor"] = d.cursor; out["algorithm"] = d.algorithm; out["digest"] = hex(d.bytes)
        }
        return out
    }

    /// One operation as a line: `counter@replica time author verb …`.
    static func describe(_ op: Operation) -> String {
        let author = op.author.map { "author=\($0.origin)" } ?? "author=none"
        let head = "\(op.id) t=\(op.time.rawValue) \(author)"
        switch op.action {
        case .create(let kind, let parent, let position):
            return "\(head) create kind=\(kind) parent=\(parent.map { "\($0.origin)" } ?? "none") position=\(position.digits)"
        case .set(let entity, let field, let value, let previous):
            return "\(head) set entity=\(entity.origin) field=\(field) value=\(value) previous=\(previous.map { "\($0)" } ?? "none")"
        case .delete(let entity): return "\(head) delete entity=\(entity.origin)"
        case .restore(let entity): return "\(head) restore entity=\(entity.origin)"
        case .move(let entity, let parent, let position):
            return "\(head) move entity=\(entity.origin) parent=\(parent.origin) position=\(position.digits)"
        case .addToSet(let entity, let field, let element):
            return "\(head) add entity=\(entity.origin) field=\(field) element=\(element)"
        case .removeFromSet(let entity, let field, let element, let observed):
            return "\(head) remove entity=\(entity.origin) field=\(field) element=\(element) observed=\(observed.map(\.description))"
        case .insertText(let entity, let field, let insertion):
            return "\(head) insert-text entity=\(entity.origin) field=\(field) \(insertion)"
        case .deleteText(let entity, let field, let deletion):
            return "\(head) delete-text entity=\(entity.origin) field=\(field) \(deletion)"
        }
    }
}

/// The messages the vectors are made from: every type, every action, every value kind.
enum VectorMessages {
    static let client = ReplicaID(0x0000_0000_0000_00AA)
    static let server = ReplicaID(0x3F9A_0C1D_22E4_B801)
    static let plan = EntityID(OperationID(replica: server, counter: 1))
    static let member = EntityID(OperationID(replica: server, counter: 5))
    static let phase = EntityID(OperationID(replica: server, counter: 9))
    static let base: UInt64 = 1_780_000_000_000

    static func op(_ counter: UInt64, _ ms: UInt64, _ action: Action, author: EntityID? = member, replica: ReplicaID = client) -> Operation {
        Operation(id: OperationID(replica: replica, counter: counter), time: HybridTimestamp(milliseconds: ms, logical: 0), author: author, action: action)
    }

    /// A typical offline session: a task created, titled, assigned, tagged, moved, edited.
    static var typicalEdits: [Operation] {
        let task = EntityID(OperationID(replica: client, counter: 1))
        return [
            op(1, base, .create(kind: .task, parent: phase, position: Position(digits: [5]))),
            op(2, base, .set(entity: task, field: "title", value: .string("Configure SSO"), previous: nil)),
            op(3, base + 1, .set(entity: task, field: "status", value: .symbol("todo"), previous: nil)),
            op(4, base + 1, .set(entity: task, field: "due", value: .date(CalendarDate(daysSinceEpoch: 20_600)), previous: nil)),
            op(5, base + 40, .addToSet(entity: task, field: "responsible", element: .reference(member))),
            op(6, base + 41, .set(entity: task, field: "estimate", value: .int(3), previous: nil)),
            op(7, base + 900, .set(entity: task, field: "status", value: .symbol("in-progress"), previous: OperationID(replica: client, counter: 3))),
        ]
    }

    static var everyAction: [Operation] {
        let task = EntityID(OperationID(replica: client, counter: 11))
        return [
            op(11, base, .create(kind: .task, parent: phase, position: Position(digits: [3, 7]))),
            op(12, base + 2, .set(entity: task, field: "done", value: .bool(true), previous: nil)),
            op(13, base + 2, .set(entity: task, field: "completed", value: .instant(Instant(milliseconds: 1_780_000_123_456)), previous: nil)),
            op(14, base + 3, .set(entity: task, field: "description", value: .null, previous: nil)),
            op(15, base + 4, .set(entity: task, field: "estimate", value: .int(-2), previous: OperationID(replica: server, counter: 40))),
            op(16, base + 4, .addToSet(entity: task, field: "tags", element: .string("sso"))),
            op(17, base + 5, .removeFromSet(entity: task, field: "tags", element: .string("sso"), observed: [OperationID(replica: client, counter: 16)])),
            op(18, base + 6, .move(entity: task, parent: plan, position: Position(digits: [1]))),
            op(19, base + 7, .delete(entity: task)),
            op(20, base + 8, .restore(entity: task)),
            op(21, base + 9, .insertText(entity: task, field: "notes", insertion: TextInsertion(id: CharacterID(replica: client, sequence: 1), leftOrigin: nil, rightOrigin: nil, text: "SSO via Okta"))),
            op(22, base + 10, .insertText(entity: task, field: "notes", insertion: TextInsertion(id: CharacterID(replica: client, sequence: 13), leftOrigin: CharacterID(replica: client, sequence: 12), rightOrigin: nil, text: "!"))),
            op(23, base + 11, .deleteText(entity: task, field: "notes", deletion: TextDeletion(runs: [TextDeletion.Run(replica: client, first: 9, length: 4)]))),
            op(3, base - 5000, .create(kind: .phase, parent: plan, position: Position(digits: [2])), author: nil, replica: server),
        ]
    }

    /// Every form of a `set`'s `previous` (none, after the entity, before the
    /// operation, elsewhere) and clock readings with a logical part.
    static var previousForms: [Operation] {
        let task = EntityID(OperationID(replica: client, counter: 30))
        func at(_ counter: UInt64, _ ms: UInt64, logical: UInt16, _ action: Action) -> Operation {
            Operation(id: OperationID(replica: client, counter: counter), time: HybridTimestamp(milliseconds: ms, logical: logical), author: member, action: action)
        }
        return [
            at(30, base, logical: 0, .create(kind: .task, parent: phase, position: Position(digits: [9]))),
            at(31, base, logical: 1, .set(entity: task, field: "title", value: .string("Kick-off"), previous: nil)),
            at(32, base, logical: 2, .set(entity: task, field: "title", value: .string("Kick-off call"), previous: OperationID(replica: client, counter: 31))),
            at(33, base + 7, logical: 0, .set(entity: phase, field: "title", value: .string("Setup"), previous: OperationID(replica: client, counter: 12))),
            at(34, base + 8, logical: 300, .set(entity: phase, field: "status", value: .symbol("done"), previous: OperationID(replica: server, counter: 10))),
        ]
    }

    static var valid: [(name: String, message: Message, compress: Bool)] {
        [
            ("hello", .hello(Hello(replica: client, token: "tdm_00112233445566778899aabbccddeeff00112233", capabilities: [.snapshots], agent: "tandem/0.1.0")), false),
            ("welcome", .welcome(Welcome(version: 2, plan: plan, member: member, head: 117, maxFrameBytes: 4_194_304, maxBatchOperations: 10_000, agent: "tandemd/0.1.0")), false),
            ("push-typical-edits", .push(Push(batch: 1, operations: typicalEdits)), false),
            ("push-every-action", .push(Push(batch: 2, operations: everyAction)), false),
            ("push-empty", .push(Push(batch: 3, operations: [])), false),
            ("push-previous-forms", .push(Push(batch: 4, operations: previousForms)), false),
            ("ack", .ack(Ack(batch: 1, count: 7, refusals: [], head: 124)), false),
            ("ack-with-refusal", .ack(Ack(batch: 2, count: 11, refusals: [Refusal(index: 10, code: .wrongReplica, reason: "operation 3@3f9a0c1d22e4b801 was made by another replica")], head: 134)), false),
            ("subscribe-live", .subscribe(Subscribe(cursor: 117, live: true)), false),
            ("subscribe-once", .subscribe(Subscribe(cursor: 0, live: false)), false),
            ("operations", .operations(Operations(from: 117, to: 124, operations: typicalEdits)), false),
            ("operations-compressed", .operations(Operations(from: 0, to: 60, operations: Array(repeating: typicalEdits, count: 8).enumerated().flatMap { block, ops in
                ops.map { op in Operation(id: OperationID(replica: op.id.replica, counter: op.id.counter + UInt64(block * 7)), time: op.time, author: op.author, action: op.action) }
            })), true),
            ("caught-up", .caughtUp(sequence: 124), false),
            ("digest-request", .digestRequest, false),
            ("digest", .digest(Digest(sequence: 124, bytes: PlanDigest.sha256(Array("{}".utf8)))), false),
            ("snapshot", .snapshot(Snapshot(sequence: 2, document: PlanDocument().encodedSnapshot())), false),
            ("ping", .ping(nonce: 42), false),
            ("pong", .pong(nonce: 42), false),
            ("error", .error(WireError(.unexpectedMessage, "PUSH before HELLO; a connection starts with HELLO")), false),
            ("admin-welcome", .adminWelcome(AdminWelcome(version: 1, name: "ops", maxFrameBytes: 4_194_304, agent: "tandemd/0.1.0")), false),
            ("admin-request", .adminRequest(AdminRequest(id: 1, command: "conflicts", arguments: ["plan": "3f9a", "member": "Ana", "since": "2026-11-01"])), false),
            ("admin-response-last-part", .adminResponse(AdminResponseBody(status: .ok, text: "no plans", json: "{\"plans\":[]}").parts(id: 1)[0]), false),
            ("admin-response-first-of-two", .adminResponse(AdminResponseBody(status: .problems, text: "FAIL 3f9a", json: "{\"ok\":false}").parts(id: 7, partBytes: 8)[0]), false),
            ("digest-at", .digestAt(DigestProbe(id: 3, sequence: 124)), false),
            ("replica-digest", .replicaDigest(ReplicaDigest(id: 3, status: .digest, cursor: 124, bytes: PlanDigest.sha256(Array("{}".utf8)))), false),
            ("replica-digest-behind", .replicaDigest(ReplicaDigest(id: 4, status: .behind, cursor: 117)), false),
        ]
    }
}
