/// Binary encoding of values, positions and operations.
///
/// The layout is specified in `Protocol/encoding.md`; decoding checks every
/// tag, length and bound so that hostile bytes produce a `DecodingError`.
public enum ModelLimits {
    /// Longest string in a field value, in UTF-8 bytes.
    public static let maxStringBytes = 1 << 20
    /// Most digits in a position.
    public static let maxPositionDigits = 64
    /// Most observed tags in one set removal.
    public static let maxObservedTags = 4096
    /// Longest entity kind or field name.
    public static let maxNameBytes = 64
}

extension ByteWriter {
    public mutating func entityID(_ id: EntityID) {
        varint(id.origin.replica.rawValue)
        varint(id.origin.counter)
    }

    public mutating func optionalEntityID(_ id: EntityID?) {
        if let id { entityID(id) } else { varint(0) }
    }

    public mutating func operationID(_ id: OperationID) {
        varint(id.replica.rawValue)
        varint(id.counter)
    }

    public mutating func value(_ value: Value) {
        switch value {
        case .null: byte(0)
        case .string(let s): byte(1); string(s)
        case .int(let i): byte(2); signed(i)
        case .bool(let b): byte(b ? 4 : 3)
        case .date(let d): byte(5); signed(Int64(d.daysSinceEpoch))
        case .instant(let i): byte(6); signed(i.milliseconds)
        case .reference(let e): byte(7); entityID(e)
        case .symbol(let s): byte(8); string(s)
        }
    }

    public mutating func position(_ position: Position) {
        varint(position.digits.count)
        for digit in position.digits { varint(UInt64(digit)) }
    }

    /// One operation, self-contained.
    public mutating func operation(_ op: Operation) {
        operationID(op.id)
        varint(op.time.rawValue)
        optionalEntityID(op.author)
        action(op.action)
    }

    public mutating func action(_ action: Action) {
        switch action {
        case .create(let kind, let parent, let position):
            byte(1); string(kind.name); optionalEntityID(parent); self.position(position)
        case .set(let entity, let field, let value, let previous):
            byte(2); entityID(entity); string(field); self.value(value)
            if let previous { operationID(previous) } else { varint(0) }
        case .delete(let entity):
            byte(3); entityID(entity)
        case .restore(let entity):
            byte(4); entityID(entity)
        case .move(let entity, let parent, let position):
            byte(5); entityID(entity); entityID(parent); self.position(position)
        case .addToSet(let entity, let field, let element):
            byte(6); entityID(entity); string(field); value(element)
        case .removeFromSet(let entity, let field, let element, let observed):
            byte(7); entityID(entity); string(field); value(element)
            varint(observed.count)
            for tag in observed { operationID(tag) }
        case .insertText(let entity, let field, let insertion):
            byte(8); entityID(entity); string(field); insertion.encode(into: &self)
        case .deleteText(let entity, let field, let deletion):
            byte(9); entityID(entity); string(field); deletion.encode(into: &self)
        }
    }
}

extension ByteReader {
    public mutating func replicaID() throws(DecodingError) -> ReplicaID {
        let start = offset
        let raw = try varint()
        guard raw != 0 else { throw DecodingError("replica id 0 is reserved", at: start) }
        return ReplicaID(raw)
    }

    public mutating func operationID() throws(DecodingError) -> OperationID {
        let replica = try replicaID()
        let start = offset
        let counter = try varint()
        guard counter != 0 else { throw DecodingError("operation counter 0 is reserved", at: start) }
        return OperationID(replica: replica, counter: counter)
    }

    public mutating func entityID() throws(DecodingError) -> EntityID { EntityID(try operationID()) }

    public mutating func optionalOperationID() throws(DecodingError) -> OperationID? {
        let start = offset
        let raw = try varint()
        if raw == 0 { return nil }
        let counter = try varint()
        guard counter != 0 else { throw DecodingError("operation counter 0 is reserved", at: start) }
        return OperationID(replica: ReplicaID(raw), counter: counter)
    }

    public mutating func optionalEntityID() throws(DecodingError) -> EntityID? {
        try optionalOperationID().map(EntityID.init)
    }

    mutating func name(_ what: String) throws(DecodingError) -> String {
        let start = offset
        let text = try string(maxBytes: ModelLimits.maxNameBytes)
        guard !text.isEmpty else { throw DecodingError("empty \(what)", at: start) }
        return text
    }

    public mutating func value() throws(DecodingError) -> Value {
        let start = offset
        switch try byte() {
        case 0: return .null
        case 1: return .string(try string(maxBytes: ModelLimits.maxStringBytes))
        case 2: return .int(try signed())
        case 3: return .bool(false)
        case 4: return .bool(true)
        case 5:
            let days = try signed()
            guard let narrow = Int32(exactly: days) else { throw DecodingError("date out of range", at: start) }
            return .date(CalendarDate(daysSinceEpoch: narrow))
        case 6: return .instant(Instant(milliseconds: try signed()))
        case 7: return .reference(try entityID())
        case 8: return .symbol(try name("symbol"))
        case let tag: throw DecodingError("unknown value tag \(tag)", at: start)
        }
    }

    public mutating func position() throws(DecodingError) -> Position {
        let start = offset
        let count = try self.count(max: ModelLimits.maxPositionDigits, "position length")
        guard count > 0 else { throw DecodingError("empty position", at: start) }
        var digits: [UInt32] = []
        digits.reserveCapacity(count)
        for _ in 0..<count {
            let digitStart = offset
            guard let digit = UInt32(exactly: try varint()) else { throw DecodingError("position digit out of range", at: digitStart) }
            digits.append(digit)
        }
        guard digits.last != 0 else { throw DecodingError("position ends in a zero digit", at: start) }
        return Position(digits: digits)
    }

    public mutating func operation() throws(DecodingError) -> Operation {
        let id = try operationID()
        let time = HybridTimestamp(rawValue: try varint())
        let author = try optionalEntityID()
        return Operation(id: id, time: time, author: author, action: try action())
    }

    public mutating func action() throws(DecodingError) -> Action {
        let start = offset
        switch try byte() {
        case 1:
            let kind = EntityKind(try name("entity kind"))
            return .create(kind: kind, parent: try optionalEntityID(), position: try position())
        case 2:
            let entity = try entityID()
            let field = try name("field name")
            let value = try value()
            return .set(entity: entity, field: field, value: value, previous: try optionalOperationID())
        case 3: return .delete(entity: try entityID())
        case 4: return .restore(entity: try entityID())
        case 5:
            let entity = try entityID()
            return .move(entity: entity, parent: try entityID(), position: try position())
        case 6:
            let entity = try entityID()
            let field = try name("field name")
            return .addToSet(entity: entity, field: field, element: try value())
        case 7:
            let entity = try entityID()
            let field = try name("field name")
            let element = try value()
            let count = try self.count(max: ModelLimits.maxObservedTags, "observed tag count")
            var observed: [OperationID] = []
            observed.reserveCapacity(count)
            for _ in 0..<count { observed.append(try operationID()) }
            return .removeFromSet(entity: entity, field: field, element: element, observed: observed)
        case 8:
            let entity = try entityID()
            let field = try name("field name")
            return .insertText(entity: entity, field: field, insertion: try TextInsertion(decoding: &self))
        case 9:
            let entity = try entityID()
            let field = try name("field name")
            return .deleteText(entity: entity, field: field, deletion: try TextDeletion(decoding: &self))
        case let tag:
            throw DecodingError("unknown action tag \(tag)", at: start)
        }
    }
}

extension Operation {
    /// The operation alone, as bytes.
    public var encoded: [UInt8] {
        var writer = ByteWriter(capacity: 48)
        writer.operation(self)
        return writer.bytes
    }

    /// Decodes bytes written by `encoded`; trailing bytes are an error.
    public init(decoding bytes: [UInt8]) throws(DecodingError) {
        var reader = ByteReader(bytes)
        self = try reader.operation()
        guard reader.isAtEnd else { throw DecodingError("trailing bytes after operation", at: reader.offset) }
    }
}
