/// A snapshot of a whole document, for stores and catch-up: everything
/// `apply` has built, so loading needs no replay of history.
extension PlanDocument {
    static let snapshotMagic: [UInt8] = Array("TDS1".utf8)

    /// Limits applied when decoding a snapshot from outside.
    public static let maxSnapshotEntries = 10_000_000

    public func encodedSnapshot() -> [UInt8] {
        var w = ByteWriter(capacity: 64 + entities.count * 64)
        w.raw(Self.snapshotMagic)
        w.varint(latestTime.rawValue)

        let replicas = version.replicas
        w.varint(replicas.count)
        for replica in replicas {
            w.varint(replica.rawValue)
            let ranges = version.ranges[replica] ?? []
            w.varint(ranges.count)
            var previousUpper: UInt64 = 0
            for range in ranges {
                // Delta from the previous range keeps the common [1...n] at two bytes.
                w.varint(range.lowerBound - previousUpper)
                w.varint(range.upperBound - range.lowerBound)
                previousUpper = range.upperBound
            }
        }

        let ids = entities.keys.sorted()
        w.varint(ids.count)
        for id in ids {
            let entity = entities[id]!
            w.entityID(id)
            w.string(entity.kind.name)
            w.varint(entity.created.time.rawValue)
            w.optionalEntityID(entity.creator)
            let names = entity.fields.keys.sorted()
            w.varint(names.count)
            for name in names {
                w.string(name)
                w.register(entity.fields[name]!)
            }
            if let deletion = entity.deletion {
                w.bool(true)
                w.register(deletion)
            } else {
                w.bool(false)
            }
            let setNames = entity.sets.keys.sorted()
            w.varint(setNames.count)
            for name in setNames {
                w.string(name)
                let set = entity.sets[name]!
                let elements = set.elements.keys.sorted()
                w.varint(elements.count)
                for element in elements {
                    let tags = set.elements[element]!
                    w.value(element)
                    w.varint(tags.added.count)
                    for tag in tags.added { w.operationID(tag) }
                    let removed = tags.removed.sorted()
                    w.varint(removed.count)
                    for tag in removed { w.operationID(tag) }
                }
            }
            let textNames = entity.texts.keys.sorted()
            w.varint(textNames.count)
            for name in textNames {
                w.string(name)
                entity.texts[name]!.encode(into: &w)
            }
        }

        let log = tree.log
        w.varint(log.count)
        for entry in log {
            w.varint(entry.stamp.time.rawValue)
            w.varint(entry.stamp.replica.rawValue)
            w.entityID(entry.entity)
            w.optionalEntityID(entry.parent)
            w.position(entry.position)
            w.bool(entry.isCreate)
        }

        let held = waiting.keys.sorted()
        w.varint(held.count)
        for key in held {
            w.entityID(key)
            let operations = waiting[key]!
            w.varint(operations.count)
            for operation in operations { w.operation(operation) }
        }
        let heldText = waitingText.keys.sorted { ($0.entity, $0.field) < ($1.entity, $1.field) }
        w.varint(heldText.count)
        for key in heldText {
            w.entityID(key.entity)
            w.string(key.field)
            let operations = waitingText[key]!
            w.varint(operations.count)
            for operation in operations { w.operation(operation) }
        }
        return w.bytes
    }

    /// Rebuilds a document from `encodedSnapshot()` bytes, validating them.
    public init(snapshot bytes: [UInt8]) throws(DecodingError) {
        var r = ByteReader(bytes)
        guard Array(try r.raw(4)) == Self.snapshotMagic else { throw DecodingError("not a Tandem snapshot", at: 0) }
        self.init()
        let limit = Self.maxSnapshotEntries
        latestTime = HybridTimestamp(rawValue: try r.varint())

        for _ in 0..<(try r.count(max: limit, "replica count")) {
            let replica = try r.replicaID()
            var upper: UInt64 = 0
            for _ in 0..<(try r.count(max: limit, "range count")) {
                let start = r.offset
                let (lower, lowerOverflow) = upper.addingReportingOverflow(try r.varint())
                let (newUpper, upperOverflow) = lower.addingReportingOverflow(try r.varint())
                guard !lowerOverflow, !upperOverflow, lower > upper else {
                    throw DecodingError("version ranges overlap or overflow", at: start)
                }
                version.fill(replica: replica, lower...newUpper)
                upper = newUpper
            }
        }

        var previousID: EntityID? = nil
        for _ in 0..<(try r.count(max: limit, "entity count")) {
            let start = r.offset
            let id = try r.entityID()
            if let previousID, !(previousID < id) { throw DecodingError("entities out of order", at: start) }
            previousID = id
            let kind = EntityKind(try r.name("entity kind"))
            let created = OperationStamp(time: HybridTimestamp(rawValue: try r.varint()), replica: id.origin.replica)
            var entity = EntityState(id: id, kind: kind, created: created, creator: try r.optionalEntityID())
            for _ in 0..<(try r.count(max: limit, "field count")) {
                let name = try r.name("field name")
                entity.fields[name] = try r.register()
            }
            if try r.bool() { entity.deletion = try r.register() }
            for _ in 0..<(try r.count(max: limit, "set count")) {
                let name = try r.name("set name")
                var set = AddWinsSet()
                for _ in 0..<(try r.count(max: limit, "set element count")) {
                    let element = try r.value()
                    var tags = AddWinsSet.Tags()
                    for _ in 0..<(try r.count(max: limit, "tag count")) { tags.added.append(try r.operationID()) }
                    for _ in 0..<(try r.count(max: limit, "tag count")) { tags.removed.insert(try r.operationID()) }
                    set.elements[element] = tags
                }
                entity.sets[name] = set
            }
            for _ in 0..<(try r.count(max: limit, "text field count")) {
                let name = try r.name("text field name")
                entity.texts[name] = try TextSequence(decoding: &r)
            }
            entities[id] = entity
        }

        var previousStamp: OperationStamp? = nil
        for _ in 0..<(try r.count(max: limit, "tree log length")) {
            let start = r.offset
            let time = HybridTimestamp(rawValue: try r.varint())
            let stamp = OperationStamp(time: time, replica: try r.replicaID())
            if let previousStamp, !(previousStamp < stamp) { throw DecodingError("tree log out of order", at: start) }
            previousStamp = stamp
            let entity = try r.entityID()
            let parent = try r.optionalEntityID()
            let position = try r.position()
            let isCreate = try r.bool()
            guard entities[entity] != nil else { throw DecodingError("tree log names an unknown entity", at: start) }
            tree.record(stamp: stamp, entity: entity, parent: parent, position: position, isCreate: isCreate)
        }

        for _ in 0..<(try r.count(max: limit, "waiting group count")) {
            let key = try r.entityID()
            var group: [Operation] = []
            for _ in 0..<(try r.count(max: limit, "waiting operation count")) {
                let operation = try r.operation()
                waitingIDs.insert(operation.id)
                group.append(operation)
            }
            waiting[key] = group
        }
        for _ in 0..<(try r.count(max: limit, "waiting text group count")) {
            let key = TextFieldKey(entity: try r.entityID(), field: try r.name("text field name"))
            var group: [Operation] = []
            for _ in 0..<(try r.count(max: limit, "waiting operation count")) {
                let operation = try r.operation()
                waitingIDs.insert(operation.id)
                group.append(operation)
            }
            waitingText[key] = group
        }
        guard r.isAtEnd else { throw DecodingError("trailing bytes after snapshot", at: r.offset) }
    }
}

extension VersionVector {
    /// Marks a whole range as held (used when decoding).
    mutating func fill(replica: ReplicaID, _ range: ClosedRange<UInt64>) {
        var list = ranges[replica, default: []]
        if let last = list.last, last.upperBound >= range.lowerBound &- 1, last.lowerBound <= range.lowerBound {
            list[list.count - 1] = last.lowerBound...max(last.upperBound, range.upperBound)
        } else {
            list.append(range)
        }
        ranges[replica] = list
    }
}

extension ByteWriter {
    mutating func register(_ register: FieldRegister) {
        value(register.value)
        varint(register.stamp.time.rawValue)
        operationID(register.operation)
        optionalEntityID(register.author)
    }
}

extension ByteReader {
    mutating func register() throws(DecodingError) -> FieldRegister {
        let value = try value()
        let time = HybridTimestamp(rawValue: try varint())
        let operation = try operationID()
        let author = try optionalEntityID()
        return FieldRegister(value: value, stamp: OperationStamp(time: time, replica: operation.replica), operation: operation, author: author)
    }
}
