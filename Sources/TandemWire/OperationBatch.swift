import TandemModel

/// The compact encoding of a list of operations (`Protocol/README.md`,
/// "Operation batches").
///
/// Replica ids, entity ids and names are written once per batch in tables and
/// referred to by index; the entity table is sorted and delta-coded; an
/// operation that continues its predecessor's replica with the next counter,
/// has the same author, or a logical clock part of 0 says so with a header bit;
/// clock readings are deltas; a `set`'s `previous` is written relative to the
/// entity it writes or to the operation itself when it can be. A typical field
/// edit takes 6–10 bytes before compression.
public enum OperationBatch {
    // Header byte of one operation: four bits of action (1–9 are used), then flags.
    static let actionMask: UInt8 = 0x0F
    static let nextFlag: UInt8 = 0x10
    static let sameAuthorFlag: UInt8 = 0x20
    static let logicalZeroFlag: UInt8 = 0x40
    static let reservedMask: UInt8 = 0x80

    /// Encodes operations in the given order.
    ///
    /// Two passes: the first fills the tables (so the entity table can be
    /// sorted before any index into it is written), the second writes.
    public static func encode(_ operations: some Collection<Operation>) -> [UInt8] {
        var tables = Tables()
        for op in operations { tables.collect(op) }
        tables.sortEntities()
        var body = ByteWriter(capacity: operations.count * 10 + 16)
        body.varint(operations.count)
        var previousID: OperationID?
        var previousMilliseconds: Int64 = 0
        var previousAuthor: EntityID?? = .none
        for op in operations {
            var header = actionTag(op.action)
            let isNext = previousID.map { $0.replica == op.id.replica && $0.counter &+ 1 == op.id.counter } ?? false
            if isNext { header |= nextFlag }
            let sameAuthor = previousAuthor.map { $0 == op.author } ?? false
            if sameAuthor { header |= sameAuthorFlag }
            if op.time.logical == 0 { header |= logicalZeroFlag }
            body.byte(header)
            if !isNext {
                body.varint(tables.replicaIndex[op.id.replica]!)
                body.varint(op.id.counter)
            }
            let milliseconds = Int64(bitPattern: op.time.milliseconds)
            body.signed(milliseconds &- previousMilliseconds)
            if op.time.logical != 0 { body.varint(UInt64(op.time.logical)) }
            if !sameAuthor { body.varint(op.author.map { tables.index($0) + 1 } ?? 0) }
            encodeAction(op.action, of: op.id, into: &body, tables: tables)
            previousID = op.id
            previousMilliseconds = milliseconds
            previousAuthor = .some(op.author)
        }
        var out = ByteWriter(capacity: body.bytes.count + tables.estimatedBytes)
        out.varint(tables.replicas.count)
        for replica in tables.replicas { out.fixed64(replica.rawValue) }
        out.varint(tables.strings.count)
        for string in tables.strings { out.string(string) }
        tables.writeEntities(into: &out)
        out.raw(body.bytes)
        return out.bytes
    }

    /// Decodes a batch, checking every index, count and bound.
    public static func decode(_ bytes: [UInt8], limits: WireLimits = .default) throws(WireError) -> [Operation] {
        var reader = ByteReader(bytes)
        do {
            let operations = try decode(&reader, limits: limits)
            guard reader.isAtEnd else { throw DecodingError("\(reader.remaining) bytes after the last operation", at: reader.offset) }
            return operations
        } catch let error as WireError {
            throw error
        } catch let error as DecodingError {
            throw WireError(.malformedMessage, "operation batch: \(error)")
        } catch {
            throw WireError(.malformedMessage, "operation batch: \(error)")
        }
    }

    static func decode(_ reader: inout ByteReader, limits: WireLimits) throws -> [Operation] {
        // Each table entry takes at least one byte (replicas eight), so the
        // remaining length bounds every count before anything is allocated.
        let replicaCount = try reader.count(max: reader.remaining / 8, "replica table size")
        var replicas: [ReplicaID] = []
        replicas.reserveCapacity(replicaCount)
        for _ in 0..<replicaCount {
            let start = reader.offset
            let raw = try reader.fixed64()
            guard raw != 0 else { throw DecodingError("replica id 0 is reserved", at: start) }
            replicas.append(ReplicaID(raw))
        }
        let stringCount = try reader.count(max: reader.remaining, "name table size")
        var strings: [String] = []
        strings.reserveCapacity(stringCount)
        for _ in 0..<stringCount {
            let start = reader.offset
            let name = try reader.string(maxBytes: ModelLimits.maxNameBytes)
            guard !name.isEmpty else { throw DecodingError("empty name in the name table", at: start) }
            strings.append(name)
        }
        let entities = try readEntities(&reader, replicas)
        let start = reader.offset
        let count = try reader.varint()
        guard count <= UInt64(limits.maxBatchOperations) else {
            throw WireError(.batchTooLarge, "batch of \(count) operations exceeds the limit of \(limits.maxBatchOperations)")
        }
        guard count <= UInt64(reader.remaining) else { throw DecodingError("operation count \(count) exceeds the bytes left", at: start) }
        let tables = DecodeTables(replicas: replicas, strings: strings, entities: entities)
        var operations: [Operation] = []
        operations.reserveCapacity(Int(count))
        var previousID: OperationID?
        var previousMilliseconds: Int64 = 0
        var previousAuthor: EntityID?? = .none
        for _ in 0..<count {
            let headerOffset = reader.offset
            let header = try reader.byte()
            guard header & reservedMask == 0 else { throw DecodingError("reserved bits set in operation header", at: headerOffset) }
            let id: OperationID
            if header & nextFlag != 0 {
                guard let previous = previousID else { throw DecodingError("first operation cannot continue a previous one", at: headerOffset) }
                guard previous.counter < UInt64.max else { throw DecodingError("counter overflow", at: headerOffset) }
                id = OperationID(replica: previous.replica, counter: previous.counter + 1)
            } else {
                id = try readID(&reader, replicas)
            }
            let timeOffset = reader.offset
            let (milliseconds, overflow) = previousMilliseconds.addingReportingOverflow(try reader.signed())
            guard !overflow, milliseconds >= 0, milliseconds < (1 << 48) else { throw DecodingError("clock reading out of range", at: timeOffset) }
            var logical: UInt64 = 0
            if header & logicalZeroFlag == 0 {
                logical = try reader.varint()
                // Zero has its header bit: a written zero is a second encoding of the same batch.
                guard logical != 0, logical <= 0xFFFF else { throw DecodingError("logical clock part out of range (1–65535 when written)", at: timeOffset) }
            }
            let author: EntityID?
            if header & sameAuthorFlag != 0 {
                guard case .some(let previous) = previousAuthor else { throw DecodingError("first operation cannot repeat an author", at: headerOffset) }
                author = previous
            } else {
                author = try tables.optionalEntity(&reader)
            }
            let action = try decodeAction(tag: header & actionMask, of: id, &reader, tables, at: headerOffset)
            let operation = Operation(id: id, time: HybridTimestamp(milliseconds: UInt64(milliseconds), logical: UInt16(logical)), author: author, action: action)
            operations.append(operation)
            previousID = id
            previousMilliseconds = milliseconds
            previousAuthor = .some(author)
        }
        return operations
    }

    /// The entity table: `n`, then runs of one replica each (replica indices
    /// increasing), each a length and its counters as increasing deltas.
    private static func readEntities(_ reader: inout ByteReader, _ replicas: [ReplicaID]) throws -> [EntityID] {
        // Every entity takes at least one byte.
        let entityCount = try reader.count(max: reader.remaining, "entity table size")
        var entities: [EntityID] = []
        entities.reserveCapacity(entityCount)
        var lastReplica = -1
        while entities.count < entityCount {
            let runStart = reader.offset
            let index = try reader.varint()
            guard index < UInt64(replicas.count) else { throw DecodingError("replica index \(index) outside the table of \(replicas.count)", at: runStart) }
            guard Int(index) > lastReplica else { throw DecodingError("entity table runs out of replica order", at: runStart) }
            lastReplica = Int(index)
            let lengthStart = reader.offset
            let length = try reader.varint()
            guard length >= 1, length <= UInt64(entityCount - entities.count) else {
                throw DecodingError("entity run of \(length) does not fit the table of \(entityCount)", at: lengthStart)
            }
            var counter: UInt64 = 0
            for _ in 0..<Int(length) {
                let deltaStart = reader.offset
                let delta = try reader.varint()
                let (next, overflow) = counter.addingReportingOverflow(delta)
                guard delta != 0, !overflow else { throw DecodingError("entity counters must increase (and 0 is reserved)", at: deltaStart) }
                counter = next
                entities.append(EntityID(OperationID(replica: replicas[Int(index)], counter: counter)))
            }
        }
        return entities
    }

    private static func readID(_ reader: inout ByteReader, _ replicas: [ReplicaID]) throws -> OperationID {
        let start = reader.offset
        let index = try reader.varint()
        guard index < UInt64(replicas.count) else { throw DecodingError("replica index \(index) outside the table of \(replicas.count)", at: start) }
        let counterStart = reader.offset
        let counter = try reader.varint()
        guard counter != 0 else { throw DecodingError("operation counter 0 is reserved", at: counterStart) }
        return OperationID(replica: replicas[Int(index)], counter: counter)
    }

    // MARK: Actions

    static func actionTag(_ action: Action) -> UInt8 {
        switch action {
        case .create: 1
        case .set: 2
        case .delete: 3
        case .restore: 4
        case .move: 5
        case .addToSet: 6
        case .removeFromSet: 7
        case .insertText: 8
        case .deleteText: 9
        }
    }

    private static func encodeAction(_ action: Action, of id: OperationID, into w: inout ByteWriter, tables: Tables) {
        switch action {
        case .create(let kind, let parent, let position):
            w.varint(tables.stringIndex[kind.name]!)
            w.varint(parent.map { tables.index($0) + 1 } ?? 0)
            encodePosition(position, into: &w)
        case .set(let entity, let field, let value, let previous):
            w.varint(tables.index(entity))
            w.varint(tables.stringIndex[field]!)
            encodeValue(value, into: &w, tables: tables)
            switch PreviousForm(previous, entity: entity, operation: id) {
            case .none: w.varint(0)
            case .afterEntity(let delta): w.varint(delta << 2 | 1)
            case .beforeOperation(let delta): w.varint(delta << 2 | 2)
            case .elsewhere(let seen):
                w.varint(UInt64(tables.replicaIndex[seen.replica]!) << 2 | 3)
                w.varint(seen.counter)
            }
        case .delete(let entity), .restore(let entity):
            w.varint(tables.index(entity))
        case .move(let entity, let parent, let position):
            w.varint(tables.index(entity))
            w.varint(tables.index(parent))
            encodePosition(position, into: &w)
        case .addToSet(let entity, let field, let element):
            w.varint(tables.index(entity))
            w.varint(tables.stringIndex[field]!)
            encodeValue(element, into: &w, tables: tables)
        case .removeFromSet(let entity, let field, let element, let observed):
            w.varint(tables.index(entity))
            w.varint(tables.stringIndex[field]!)
            encodeValue(element, into: &w, tables: tables)
            w.varint(observed.count)
            for tag in observed {
                w.varint(tables.replicaIndex[tag.replica]!)
                w.varint(tag.counter)
            }
        case .insertText(let entity, let field, let insertion):
            w.varint(tables.index(entity))
            w.varint(tables.stringIndex[field]!)
            insertion.encode(into: &w)
        case .deleteText(let entity, let field, let deletion):
            w.varint(tables.index(entity))
            w.varint(tables.stringIndex[field]!)
            deletion.encode(into: &w)
        }
    }

    private static func decodeAction(tag: UInt8, of id: OperationID, _ r: inout ByteReader, _ t: DecodeTables, at offset: Int) throws -> Action {
        switch tag {
        case 1:
            let kind = EntityKind(try t.string(&r))
            let parent = try t.optionalEntity(&r)
            return .create(kind: kind, parent: parent, position: try r.position())
        case 2:
            let entity = try t.entity(&r)
            let field = try t.string(&r)
            let value = try decodeValue(&r, t)
            let previous = try PreviousForm.decode(&r, entity: entity, operation: id, replicas: t.replicas)
            return .set(entity: entity, field: field, value: value, previous: previous)
        case 3: return .delete(entity: try t.entity(&r))
        case 4: return .restore(entity: try t.entity(&r))
        case 5:
            let entity = try t.entity(&r)
            let parent = try t.entity(&r)
            return .move(entity: entity, parent: parent, position: try r.position())
        case 6:
            let entity = try t.entity(&r)
            let field = try t.string(&r)
            return .addToSet(entity: entity, field: field, element: try decodeValue(&r, t))
        case 7:
            let entity = try t.entity(&r)
            let field = try t.string(&r)
            let element = try decodeValue(&r, t)
            let count = try r.count(max: min(ModelLimits.maxObservedTags, r.remaining / 2), "observed tag count")
            var observed: [OperationID] = []
            observed.reserveCapacity(count)
            for _ in 0..<count { observed.append(try readID(&r, t.replicas)) }
            return .removeFromSet(entity: entity, field: field, element: element, observed: observed)
        case 8:
            let entity = try t.entity(&r)
            let field = try t.string(&r)
            return .insertText(entity: entity, field: field, insertion: try TextInsertion(decoding: &r))
        case 9:
            let entity = try t.entity(&r)
            let field = try t.string(&r)
            return .deleteText(entity: entity, field: field, deletion: try TextDeletion(decoding: &r))
        default:
            throw DecodingError("unknown action \(tag)", at: offset)
        }
    }

    // MARK: Values and positions

    private static func encodeValue(_ value: Value, into w: inout ByteWriter, tables: Tables) {
        switch value {
        case .null: w.byte(0)
        case .string(let s): w.byte(1); w.string(s)
        case .int(let i): w.byte(2); w.signed(i)
        case .bool(let b): w.byte(b ? 4 : 3)
        case .date(let d): w.byte(5); w.signed(Int64(d.daysSinceEpoch))
        case .instant(let i): w.byte(6); w.signed(i.milliseconds)
        case .reference(let e): w.byte(7); w.varint(tables.index(e))
        case .symbol(let s): w.byte(8); w.varint(tables.stringIndex[s]!)
        }
    }

    private static func decodeValue(_ r: inout ByteReader, _ t: DecodeTables) throws -> Value {
        let start = r.offset
        switch try r.byte() {
        case 0: return .null
        case 1: return .string(try r.string(maxBytes: ModelLimits.maxStringBytes))
        case 2: return .int(try r.signed())
        case 3: return .bool(false)
        case 4: return .bool(true)
        case 5:
            guard let days = Int32(exactly: try r.signed()) else { throw DecodingError("date out of range", at: start) }
            return .date(CalendarDate(daysSinceEpoch: days))
        case 6: return .instant(Instant(milliseconds: try r.signed()))
        case 7: return .reference(try t.entity(&r))
        case 8: return .symbol(try t.string(&r))
        case let tag: throw DecodingError("unknown value tag \(tag)", at: start)
        }
    }

    private static func encodePosition(_ position: Position, into w: inout ByteWriter) {
        w.varint(position.digits.count)
        for digit in position.digits { w.varint(UInt64(digit)) }
    }

    // MARK: Tables

    struct Tables {
        var replicas: [ReplicaID] = []
        var replicaIndex: [ReplicaID: Int] = [:]
        var strings: [String] = []
        var stringIndex: [String: Int] = [:]
        var entities: [EntityID] = []
        var entityIndex: [EntityID: Int] = [:]

        mutating func replica(_ id: ReplicaID) {
            if replicaIndex[id] == nil {
                replicaIndex[id] = replicas.count
                replicas.append(id)
            }
        }

        mutating func string(_ name: String) {
            if stringIndex[name] == nil {
                stringIndex[name] = strings.count
                strings.append(name)
            }
        }

        mutating func entity(_ id: EntityID) {
            if entityIndex[id] == nil {
                replica(id.origin.replica)
                entityIndex[id] = entities.count
                entities.append(id)
            }
        }

        /// An entity's index in the sorted table.
        func index(_ id: EntityID) -> Int { entityIndex[id]! }

        /// Registers what `op` refers to, in the order the encoder writes it.
        mutating func collect(_ op: Operation) {
            replica(op.id.replica)
            if let author = op.author { entity(author) }
            switch op.action {
            case .create(let kind, let parent, _):
                string(kind.name)
                if let parent { entity(parent) }
            case .set(let target, let field, let value, let previous):
                entity(target)
                string(field)
                collect(value)
                if case .elsewhere(let seen) = PreviousForm(previous, entity: target, operation: op.id) { replica(seen.replica) }
            case .delete(let target), .restore(let target):
                entity(target)
            case .move(let target, let parent, _):
                entity(target)
                entity(parent)
            case .addToSet(let target, let field, let element):
                entity(target)
                string(field)
                collect(element)
            case .removeFromSet(let target, let field, let element, let observed):
                entity(target)
                string(field)
                collect(element)
                for tag in observed { replica(tag.replica) }
            case .insertText(let target, let field, _), .deleteText(let target, let field, _):
                entity(target)
                string(field)
            }
        }

        private mutating func collect(_ value: Value) {
            switch value {
            case .reference(let target): entity(target)
            case .symbol(let name): string(name)
            default: break
            }
        }

        /// Sorts the entity table by replica index, then counter, and re-indexes it.
        mutating func sortEntities() {
            let replicaIndex = self.replicaIndex
            entities.sort { a, b in
                let (ra, rb) = (replicaIndex[a.origin.replica]!, replicaIndex[b.origin.replica]!)
                return ra != rb ? ra < rb : a.origin.counter < b.origin.counter
            }
            for (index, id) in entities.enumerated() { entityIndex[id] = index }
        }

        /// `n`, then one run per replica: its index, the run's length, the counters as deltas.
        func writeEntities(into out: inout ByteWriter) {
            out.varint(entities.count)
            var start = 0
            while start < entities.count {
                let replica = entities[start].origin.replica
                var end = start
                while end < entities.count, entities[end].origin.replica == replica { end += 1 }
                out.varint(replicaIndex[replica]!)
                out.varint(end - start)
                var last: UInt64 = 0
                for id in entities[start..<end] {
                    out.varint(id.origin.counter - last)
                    last = id.origin.counter
                }
                start = end
            }
        }

        var estimatedBytes: Int { 16 + replicas.count * 8 + strings.count * 12 + entities.count * 2 }
    }

    /// How a `set` names the operation it overwrote: one varint whose low two
    /// bits say the form. Relative forms cover the common cases (a field of an
    /// entity this replica created; a field this replica wrote before) in a byte or two.
    enum PreviousForm: Equatable {
        case none
        /// Same replica as the written entity, `delta` counters after its creation.
        case afterEntity(UInt64)
        /// Same replica as the operation, `delta` counters before it.
        case beforeOperation(UInt64)
        /// Any other: replica index and counter.
        case elsewhere(OperationID)

        /// Deltas stay below 2^62 so that shifting by two cannot overflow.
        private static let maxDelta: UInt64 = 1 << 62

        /// The form the encoder writes: the first that applies.
        init(_ previous: OperationID?, entity: EntityID, operation: OperationID) {
            guard let previous else { self = .none; return }
            let origin = entity.origin
            if previous.replica == origin.replica, previous.counter > origin.counter, previous.counter - origin.counter < Self.maxDelta {
                self = .afterEntity(previous.counter - origin.counter)
            } else if previous.replica == operation.replica, previous.counter < operation.counter, operation.counter - previous.counter < Self.maxDelta {
                self = .beforeOperation(operation.counter - previous.counter)
            } else {
                self = .elsewhere(previous)
            }
        }

        static func decode(_ r: inout ByteReader, entity: EntityID, operation: OperationID, replicas: [ReplicaID]) throws -> OperationID? {
            let start = r.offset
            let word = try r.varint()
            let payload = word >> 2
            switch word & 3 {
            case 0:
                guard payload == 0 else { throw DecodingError("previous: form 0 (none) carries no value", at: start) }
                return nil
            case 1:
                let (counter, overflow) = entity.origin.counter.addingReportingOverflow(payload)
                guard payload != 0, !overflow else { throw DecodingError("previous: entity-relative delta out of range", at: start) }
                return OperationID(replica: entity.origin.replica, counter: counter)
            case 2:
                guard payload != 0, payload < operation.counter else { throw DecodingError("previous: operation-relative delta out of range", at: start) }
                return OperationID(replica: operation.replica, counter: operation.counter - payload)
            default:
                guard payload < UInt64(replicas.count) else { throw DecodingError("previous: replica index \(payload) outside the table of \(replicas.count)", at: start) }
                let counterStart = r.offset
                let counter = try r.varint()
                guard counter != 0 else { throw DecodingError("operation counter 0 is reserved", at: counterStart) }
                return OperationID(replica: replicas[Int(payload)], counter: counter)
            }
        }
    }

    struct DecodeTables {
        let replicas: [ReplicaID]
        let strings: [String]
        let entities: [EntityID]

        func entity(_ r: inout ByteReader) throws -> EntityID {
            let start = r.offset
            let index = try r.varint()
            guard index < UInt64(entities.count) else { throw DecodingError("entity index \(index) outside the table of \(entities.count)", at: start) }
            return entities[Int(index)]
        }

        func optionalEntity(_ r: inout ByteReader) throws -> EntityID? {
            let start = r.offset
            let plusOne = try r.varint()
            if plusOne == 0 { return nil }
            guard plusOne <= UInt64(entities.count) else { throw DecodingError("entity index \(plusOne - 1) outside the table of \(entities.count)", at: start) }
            return entities[Int(plusOne - 1)]
        }

        func string(_ r: inout ByteReader) throws -> String {
            let start = r.offset
            let index = try r.varint()
            guard index < UInt64(strings.count) else { throw DecodingError("name index \(index) outside the table of \(strings.count)", at: start) }
            return strings[Int(index)]
        }
    }
}
