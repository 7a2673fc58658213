import TandemModel
import TandemWire

/// What W2's messages weigh with each change to TandemWire's `OperationBatch`
/// between protocol versions 1 and 2, and with two that were not made — sizes
/// only. Not a wire format: nothing here decodes, and the real encoding lives in
/// `Sources/TandemWire/OperationBatch.swift`.
///
/// With every change off the encoder writes version 1's batch; changes 1–3 on
/// give version 2's, byte for byte (checked against `OperationBatch.encode` in
/// `proposedBatchSizes`). Each step keeps all the information the batch carries:
/// 1. a header bit for "logical clock part is 0" instead of a varint 0;
/// 2. the entity table sorted by replica and counter, counters as deltas;
/// 3. `previous` of a `set` relative to the entity it writes (same replica) or to the
///    operation itself, in one varint with a 2-bit kind, instead of replica + counter;
/// 4. (not made) a columnar layout: each kind of field (headers, ids, clock deltas,
///    entity references, names, values, previous) in its own run, so zlib sees like with like.
enum PeerProposedEncoding {
    struct Options {
        var logicalZeroFlag = false
        var sortedEntityTable = false
        var relativePrevious = false
        var columnar = false
        /// Attribution only, not a proposal: leaves the clock out to show what it costs.
        var omitClock = false
    }

    static let steps: [(String, Options)] = [
        ("version 1 (before)", Options()),
        ("+ header bit for logical 0", Options(logicalZeroFlag: true)),
        ("+ sorted, delta-coded entity table", Options(logicalZeroFlag: true, sortedEntityTable: true)),
        ("+ previous relative to the entity or operation = version 2 (the wire now)", Options(logicalZeroFlag: true, sortedEntityTable: true, relativePrevious: true)),
        ("+ columnar layout (not made)", Options(logicalZeroFlag: true, sortedEntityTable: true, relativePrevious: true, columnar: true)),
        ("1–3 without the clock readings (what the clock costs; not a proposal)",
         Options(logicalZeroFlag: true, sortedEntityTable: true, relativePrevious: true, omitClock: true)),
    ]

    /// Encodes `operations` with `options`; the byte count is what matters.
    static func encode(_ operations: [TandemModel.Operation], _ options: Options) -> [UInt8] {
        // Tables, filled in first-use order exactly as OperationBatch.Tables does.
        var replicas: [ReplicaID] = [], replicaIndex: [ReplicaID: Int] = [:]
        var strings: [String] = [], stringIndex: [String: Int] = [:]
        var entities: [EntityID] = [], entityIndex: [EntityID: Int] = [:]
        func replica(_ id: ReplicaID) -> Int {
            if let index = replicaIndex[id] { return index }
            replicas.append(id); replicaIndex[id] = replicas.count - 1
            return replicas.count - 1
        }
        func string(_ name: String) -> Int {
            if let index = stringIndex[name] { return index }
            strings.append(name); stringIndex[name] = strings.count - 1
            return strings.count - 1
        }
        func entity(_ id: EntityID) -> Int {
            if let index = entityIndex[id] { return index }
            _ = replica(id.origin.replica)
            entities.append(id); entityIndex[id] = entities.count - 1
            return entities.count - 1
        }
        // First pass: fill the tables in first-use order (as encode does).
        for op in operations {
            _ = replica(op.id.replica)
            if let author = op.author { _ = entity(author) }
            switch op.action {
            case .set(let e, let field, let value, let previous):
                _ = entity(e); _ = string(field)
                if case .reference(let r) = value { _ = entity(r) }
                if case .symbol(let s) = value { _ = string(s) }
                if let previous, !options.relativePrevious || !(previous.replica == e.origin.replica && previous.counter > e.origin.counter)
                    && !(previous.replica == op.id.replica && previous.counter < op.id.counter) {
                    _ = replica(previous.replica)
                }
            default:
                preconditionFailure("the prototype covers field writes only (W2's messages)")
            }
        }
        if options.sortedEntityTable {
            entities.sort { (replicaIndex[$0.origin.replica]!, $0.origin.counter) < (replicaIndex[$1.origin.replica]!, $1.origin.counter) }
            for (index, id) in entities.enumerated() { entityIndex[id] = index }
        }

        // Streams: one per kind of field when columnar, else all the same one.
        var streams = [ByteWriter](repeating: ByteWriter(capacity: operations.count * 4), count: 8)
        let (header, ids, clock, refs, names, values, previous) = options.columnar ? (0, 1, 2, 3, 4, 5, 6) : (7, 7, 7, 7, 7, 7, 7)
        streams[7].varint(operations.count)
        var previousID: OperationID?
        var previousMilliseconds: Int64 = 0
        var previousAuthor: EntityID?? = .none
        for op in operations {
            guard case .set(let target, let field, let value, let seen) = op.action else { continue }
            var head: UInt8 = 2
            let isNext = previousID.map { $0.replica == op.id.replica && $0.counter &+ 1 == op.id.counter } ?? false
            if isNext { head |= 0x10 }
            let sameAuthor = previousAuthor.map { $0 == op.author } ?? false
            if sameAuthor { head |= 0x20 }
            let logicalZero = options.logicalZeroFlag && op.time.logical == 0
            if logicalZero { head |= 0x40 }
            streams[header].byte(head)
            if !isNext {
                streams[ids].varint(replicaIndex[op.id.replica]!)
                streams[ids].varint(op.id.counter)
            }
            let milliseconds = Int64(bitPattern: op.time.milliseconds)
            if !options.omitClock {
                streams[clock].signed(milliseconds &- previousMilliseconds)
                if !logicalZero { streams[clock].varint(UInt64(op.time.logical)) }
            }
            if !sameAuthor { streams[refs].varint(op.author.map { entityIndex[$0]! + 1 } ?? 0) }
            streams[refs].varint(entityIndex[target]!)
            streams[names].varint(stringIndex[field]!)
            switch value {
            case .null: streams[values].byte(0)
            case .string(let s): streams[values].byte(1); streams[values].string(s)
            case .int(let i): streams[values].byte(2); streams[values].signed(i)
            case .bool(let b): streams[values].byte(b ? 4 : 3)
            case .date(let d): streams[values].byte(5); streams[values].signed(Int64(d.daysSinceEpoch))
            case .instant(let i): streams[values].byte(6); streams[values].signed(i.milliseconds)
            case .reference(let e): streams[values].byte(7); streams[values].varint(entityIndex[e]!)
            case .symbol(let s): streams[values].byte(8); streams[values].varint(stringIndex[s]!)
            }
            if let seen {
                if options.relativePrevious, seen.replica == target.origin.replica, seen.counter > target.origin.counter {
                    streams[previous].varint((seen.counter - target.origin.counter) << 2 | 1)
                } else if options.relativePrevious, seen.replica == op.id.replica, seen.counter < op.id.counter {
                    streams[previous].varint((op.id.counter - seen.counter) << 2 | 2)
                } else if options.relativePrevious {
                    streams[previous].varint(UInt64(replicaIndex[seen.replica]!) << 2 | 3)
                    streams[previous].varint(seen.counter)
                } else {
                    streams[previous].varint(replicaIndex[seen.replica]! + 1)
                    streams[previous].varint(seen.counter)
                }
            } else {
                streams[previous].varint(0)
            }
            previousID = op.id
            previousMilliseconds = milliseconds
            previousAuthor = .some(op.author)
        }

        var out = ByteWriter(capacity: 1024)
        out.varint(replicas.count)
        for id in replicas { out.fixed64(id.rawValue) }
        out.varint(strings.count)
        for name in strings { out.string(name) }
        out.varint(entities.count)
        if options.sortedEntityTable {
            // Runs per replica: replica index, run length, then counter deltas.
            var index = 0
            while index < entities.count {
                let replicaOfRun = entities[index].origin.replica
                var end = index
                while end < entities.count, entities[end].origin.replica == replicaOfRun { end += 1 }
                out.varint(replicaIndex[replicaOfRun]!)
                out.varint(end - index)
                var last: UInt64 = 0
                for id in entities[index..<end] {
                    out.varint(id.origin.counter - last)
                    last = id.origin.counter
                }
                index = end
            }
        } else {
            for id in entities {
                out.varint(replicaIndex[id.origin.replica]!)
                out.varint(id.origin.counter)
            }
        }
        if options.columnar {
            out.raw(streams[7].bytes)  // the operation count
            for stream in streams[0..<7] {
                out.varint(stream.bytes.count)
                out.raw(stream.bytes)
            }
        } else {
            out.raw(streams[7].bytes)
        }
        return out.bytes
    }
}

/// Sums over `messages` (each one replica's outbox) of each step's raw and zlib size.
/// Changes 1–3 together must equal `OperationBatch.encode`: if they do not, the
/// prototype has drifted from the wire and its figures are withheld.
func proposedBatchSizes(_ messages: [[TandemModel.Operation]]) -> [(name: String, raw: Int, zlib: Int)]? {
    let wire = PeerProposedEncoding.Options(logicalZeroFlag: true, sortedEntityTable: true, relativePrevious: true)
    for outbox in messages where PeerProposedEncoding.encode(outbox, wire) != OperationBatch.encode(outbox) {
        print("W2: the encoding prototype differs from OperationBatch.encode; its sizes are withheld")
        return nil
    }
    return PeerProposedEncoding.steps.map { name, options in
        let encoded = messages.map { PeerProposedEncoding.encode($0, options) }
        return (name, encoded.reduce(0) { $0 + $1.count }, encoded.reduce(0) { $0 + peerZlibSize($1) })
    }
}
