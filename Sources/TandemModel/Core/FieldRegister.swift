/// The current value of one field: the write with the greatest stamp.
public struct FieldRegister: Hashable, Sendable {
    public let value: Value
    public let stamp: OperationStamp
    public let operation: OperationID
    public let author: EntityID?

    public init(value: Value, stamp: OperationStamp, operation: OperationID, author: EntityID?) {
        self.value = value
        self.stamp = stamp
        self.operation = operation
        self.author = author
    }
}

/// An add-wins set: an element is present while at least one of its additions
/// has not been removed. A removal only names the additions its author saw,
/// so an addition made concurrently with a removal survives it.
public struct AddWinsSet: Hashable, Sendable {
    struct Tags: Hashable, Sendable {
        var added: [OperationID] = []
        var removed: Set<OperationID> = []
        var isLive: Bool { added.contains { !removed.contains($0) } }
    }

    var elements: [Value: Tags] = [:]

    public init() {}

    public func contains(_ element: Value) -> Bool { elements[element]?.isLive ?? false }

    /// Present elements in canonical order.
    public var members: [Value] { elements.compactMap { $0.value.isLive ? $0.key : nil }.sorted() }

    /// The additions of `element` not yet removed: what a removal made now must name.
    public func liveTags(of element: Value) -> [OperationID] {
        guard let tags = elements[element] else { return [] }
        return tags.added.filter { !tags.removed.contains($0) }.sorted()
    }

    mutating func add(_ element: Value, tag: OperationID) {
        // Kept sorted so that equal sets compare equal whatever the arrival order.
        var tags = elements[element, default: Tags()]
        let index = tags.added.firstIndex { $0 > tag } ?? tags.added.count
        if index > 0, tags.added[index - 1] == tag { return }
        tags.added.insert(tag, at: index)
        elements[element] = tags
    }

    mutating func remove(_ element: Value, tags: [OperationID]) {
        elements[element, default: Tags()].removed.formUnion(tags)
    }
}

/// Everything a replica knows about one entity, deleted or not.
public struct EntityState: Hashable, Sendable {
    public let id: EntityID
    public let kind: EntityKind
    public let created: OperationStamp
    public let creator: EntityID?
    public internal(set) var fields: [String: FieldRegister] = [:]
    public internal(set) var sets: [String: AddWinsSet] = [:]
    /// Collaborative text fields (document bodies, descriptions, comments).
    public internal(set) var texts: [String: TextSequence] = [:]
    /// The latest delete (`true`) or restore (`false`), if any.
    public internal(set) var deletion: FieldRegister?

    public var isDeleted: Bool { deletion?.value == .bool(true) }

    public subscript(field: String) -> Value { fields[field]?.value ?? .null }

    public func members(of field: String) -> [Value] { sets[field]?.members ?? [] }

    /// The current text of a text field ("" when it has none).
    public func text(_ field: String) -> String { texts[field]?.text ?? "" }
}
