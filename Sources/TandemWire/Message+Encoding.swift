import TandemModel

extension Message {
    /// The message as a frame; payloads of at least `compressAbove` bytes are
    /// compressed when that makes them smaller and stays within the inflation
    /// ratio the receiver enforces.
    public func frame(compressAbove threshold: Int = 256, level: Int32 = Deflate.defaultLevel, limits: WireLimits = .default) -> Frame {
        let raw = payload()
        if raw.count >= threshold {
            let compressed = Deflate.compress(raw, level: level)
            var writer = ByteWriter(capacity: compressed.count + 5)
            writer.varint(raw.count)
            writer.raw(compressed)
            if writer.bytes.count < raw.count, raw.count <= limits.inflationAllowance(compressedBytes: compressed.count) {
                return Frame(type: kind.rawValue, flags: Frame.compressedFlag, payload: writer.bytes)
            }
        }
        return Frame(type: kind.rawValue, payload: raw)
    }

    /// The uncompressed payload.
    public func payload() -> [UInt8] {
        var w = ByteWriter(capacity: 64)
        switch self {
        case .hello(let h):
            w.raw(WireProtocol.magic)
            w.varint(h.minVersion)
            w.varint(h.maxVersion)
            w.varint(h.replica.rawValue)
            w.string(h.token)
            w.varint(h.capabilities.rawValue)
            w.string(h.agent)
        case .welcome(let m):
            w.varint(m.version)
            w.entityID(m.plan)
            w.entityID(m.member)
            w.varint(m.head)
            w.varint(m.maxFrameBytes)
            w.varint(m.maxBatchOperations)
            w.string(m.agent)
        case .push(let p):
            w.varint(p.batch)
            w.raw(OperationBatch.encode(p.operations))
        case .ack(let a):
            w.varint(a.batch)
            w.varint(a.count)
            w.varint(a.head)
            w.varint(a.refusals.count)
            for r in a.refusals {
                w.varint(r.index)
                w.string(r.code.rawValue)
                w.string(r.reason)
            }
        case .subscribe(let s):
            w.varint(s.cursor)
            w.varint(s.live ? 1 : 0)
        case .operations(let o):
            w.varint(o.from)
            w.varint(o.to)
            w.raw(OperationBatch.encode(o.operations))
        case .caughtUp(let sequence):
            w.varint(sequence)
        case .digestRequest:
            break
        case .digest(let d):
            w.varint(d.sequence)
            w.string(d.algorithm)
            w.varint(d.bytes.count)
            w.raw(d.bytes)
        case .snapshot(let s):
            w.varint(s.sequence)
            w.raw(s.document)
        case .ping(let nonce), .pong(let nonce):
            w.varint(nonce)
        case .error(let e):
            w.string(e.code.rawValue)
            w.string(e.message)
        case .adminRequest, .adminResponse, .adminWelcome, .digestAt, .replicaDigest:
            Self.encodeAdmin(self, &w)
        }
        return w.bytes
    }

    /// Decodes a frame from an untrusted peer. Never traps: every failure is a
    /// ``WireError`` with the code to send back.
    public static func decode(_ frame: Frame, limits: WireLimits = .default) throws(WireError) -> Message {
        guard frame.flags & ~Frame.knownFlags == 0 else {
            throw WireError(.malformedFrame, "unknown frame flags 0x\(String(frame.flags, radix: 16))")
        }
        guard let kind = Kind(rawValue: frame.type) else {
            throw WireError(.unknownMessage, "unknown message type 0x\(String(frame.type, radix: 16))")
        }
        var payload = frame.payload
        if frame.isCompressed {
            var reader = ByteReader(payload)
            let length: UInt64
            do { length = try reader.varint() } catch { throw WireError(.badCompression, "compressed payload without a valid length: \(error)") }
            let compressedBytes = reader.remaining
            let allowance = limits.inflationAllowance(compressedBytes: compressedBytes)
            guard length <= UInt64(allowance) else {
                throw WireError(.inflationLimit, "\(compressedBytes) compressed bytes declare \(length) inflated bytes; the limit is \(allowance)")
            }
            payload = try Deflate.inflate(payload[reader.offset...], length: Int(length))
        }
        do {
            var r = ByteReader(payload)
            let message = try decodePayload(kind, &r, limits: limits)
            guard r.isAtEnd else { throw DecodingError("\(r.remaining) unexpected bytes at the end of \(kind)", at: r.offset) }
            return message
        } catch let error as WireError {
            throw error
        } catch {
            throw WireError(.malformedMessage, "\(kind) message: \(error)")
        }
    }

    private static func decodePayload(_ kind: Kind, _ r: inout ByteReader, limits: WireLimits) throws -> Message {
        switch kind {
        case .hello:
            let magic = try r.raw(4)
            guard Array(magic) == WireProtocol.magic else {
                throw WireError(.malformedMessage, "HELLO does not start with the protocol magic 'TNDM'")
            }
            let minVersion = try r.varint()
            let maxVersion = try r.varint()
            let replica = try r.replicaID()
            let token = try r.string(maxBytes: 256)
            let capabilities = Capabilities(rawValue: try r.varint())
            let agent = try r.string(maxBytes: 256)
            return .hello(Hello(minVersion: minVersion, maxVersion: maxVersion, replica: replica, token: token, capabilities: capabilities, agent: agent))
        case .welcome:
            return .welcome(Welcome(version: try r.varint(), plan: try r.entityID(), member: try r.entityID(), head: try r.varint(),
                                    maxFrameBytes: try r.varint(), maxBatchOperations: try r.varint(), agent: try r.string(maxBytes: 256)))
        case .push:
            let batch = try r.varint()
            return .push(Push(batch: batch, operations: try OperationBatch.decode(&r, limits: limits)))
        case .ack:
            let batch = try r.varint()
            let count = try r.varint()
            let head = try r.varint()
            let refusalCount = try r.count(max: min(limits.maxBatchOperations, r.remaining), "refusal count")
            var refusals: [Refusal] = []
            for _ in 0..<refusalCount {
                let index = try r.count(max: limits.maxBatchOperations, "refused operation index")
                let code = try r.string(maxBytes: 64)
                let reason = try r.string(maxBytes: 4096)
                refusals.append(Refusal(index: index, code: Refusal.Code(rawValue: code), reason: reason))
            }
            return .ack(Ack(batch: batch, count: count, refusals: refusals, head: head))
        case .subscribe:
            let cursor = try r.varint()
            let flagsStart = r.offset
            let flags = try r.varint()
            guard flags <= 1 else { throw DecodingError("unknown SUBSCRIBE flags \(flags)", at: flagsStart) }
            return .subscribe(Subscribe(cursor: cursor, live: flags == 1))
        case .operations:
            let from = try r.varint()
            let to = try r.varint()
            guard from <= to else { throw DecodingError("OPS range (\(from), \(to)] is backwards", at: r.offset) }
            return .operations(Operations(from: from, to: to, operations: try OperationBatch.decode(&r, limits: limits)))
        case .caughtUp:
            return .caughtUp(sequence: try r.varint())
        case .digestRequest:
            return .digestRequest
        case .digest:
            let sequence = try r.varint()
            let algorithm = try r.string(maxBytes: 64)
            let length = try r.count(max: 64, "digest length")
            return .digest(Digest(sequence: sequence, algorithm: algorithm, bytes: Array(try r.raw(length))))
        case .snapshot:
            let sequence = try r.varint()
            return .snapshot(Snapshot(sequence: sequence, document: Array(try r.raw(r.remaining))))
        case .ping:
            return .ping(nonce: try r.varint())
        case .pong:
            return .pong(nonce: try r.varint())
        case .error:
            let code = try r.string(maxBytes: 64)
            let message = try r.string(maxBytes: 4096)
            return .error(WireError(WireError.Code(rawValue: code), message))
        case .adminRequest, .adminResponse, .adminWelcome, .digestAt, .replicaDigest:
            return try decodeAdmin(kind, &r)
        }
    }
}
