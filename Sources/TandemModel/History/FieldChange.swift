/// One recorded change to an entity, answering "who changed what, when, and
/// from what".
public struct FieldChange: Hashable, Sendable {
    public let operation: OperationID
    public let time: HybridTimestamp
    public let author: EntityID?
    public let entity: EntityID
    /// `set`, `create`, `delete`, `restore`, `move`, `add` or `remove`.
    public let verb: String
    public let field: String?
    public let value: Value?
    /// The value the author saw before writing (for `set`), if any.
    public let previousValue: Value?
    /// The write the author overwrote.
    public let previousOperation: OperationID?
}

/// A concurrent overwrite that last-writer-wins resolved: two writes to one
/// field, made without either author seeing the other's.
public struct Conflict: Hashable, Sendable {
    public struct Write: Hashable, Sendable {
        public let operation: OperationID
        public let value: Value
        public let author: EntityID?
        public let time: HybridTimestamp
    }

    public let entity: EntityID
    public let field: String
    public let winner: Write
    public let loser: Write
}
