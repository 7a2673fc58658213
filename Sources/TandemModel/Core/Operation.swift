/// The kind of an entity, e.g. `task`. The core treats it as an opaque name;
/// the plan schema gives it meaning.
public struct EntityKind: Hashable, Comparable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let name: String
    public init(_ name: String) { self.name = name }
    public init(stringLiteral value: String) { self.name = value }
    public var description: String { name }
    public static func < (lhs: EntityKind, rhs: EntityKind) -> Bool { lhs.name < rhs.name }
}

/// One change to a plan, as made by one member on one replica.
///
/// Operations are the unit of replication and of history: the plan's audit log
/// is the set of its operations.
public struct Operation: Hashable, Sendable {
    public let id: OperationID
    public let time: HybridTimestamp
    /// The member who made the change; `nil` for changes made by the server itself.
    public let author: EntityID?
    public let action: Action

    public init(id: OperationID, time: HybridTimestamp, author: EntityID?, action: Action) {
        self.id = id
        self.time = time
        self.author = author
        self.action = action
    }

    /// The last-writer-wins order of this operation.
    public var stamp: OperationStamp { OperationStamp(time: time, replica: id.replica) }
}

/// What an operation does.
public enum Action: Hashable, Sendable {
    /// Creates the entity whose id is this operation's id.
    case create(kind: EntityKind, parent: EntityID?, position: Position)
    /// Writes a field. `previous` is the write the author saw there (nil when the
    /// field was unset); two writes with the same `previous` were concurrent.
    case set(entity: EntityID, field: String, value: Value, previous: OperationID?)
    /// Hides an entity and its subtree. Nothing is destroyed.
    case delete(entity: EntityID)
    /// Undoes a delete.
    case restore(entity: EntityID)
    /// Re-parents and/or reorders an entity.
    case move(entity: EntityID, parent: EntityID, position: Position)
    /// Adds an element to a set field; the operation id tags this addition.
    case addToSet(entity: EntityID, field: String, element: Value)
    /// Removes the additions of `element` that the author had seen (`observed`);
    /// an addition made concurrently survives (add wins).
    case removeFromSet(entity: EntityID, field: String, element: Value, observed: [OperationID])
    /// Inserts characters into a collaborative text field (FugueMax; see docs/text.md).
    case insertText(entity: EntityID, field: String, insertion: TextInsertion)
    /// Deletes characters of a text field by their ids; they stay as tombstones.
    case deleteText(entity: EntityID, field: String, deletion: TextDeletion)

    /// The entity the action changes (for `create`, nil: it is the operation's own id).
    public var target: EntityID? {
        switch self {
        case .create: return nil
        case .set(let e, _, _, _), .delete(let e), .restore(let e), .move(let e, _, _),
             .addToSet(let e, _, _), .removeFromSet(let e, _, _, _), .insertText(let e, _, _), .deleteText(let e, _, _):
            return e
        }
    }

    /// The field the action changes, if any.
    public var field: String? {
        switch self {
        case .set(_, let f, _, _), .addToSet(_, let f, _), .removeFromSet(_, let f, _, _),
             .insertText(_, let f, _), .deleteText(_, let f, _): return f
        case .create, .delete, .restore, .move: return nil
        }
    }

    /// A short verb for logs and history tables.
    public var verb: String {
        switch self {
        case .create: return "create"
        case .set: return "set"
        case .delete: return "delete"
        case .restore: return "restore"
        case .move: return "move"
        case .addToSet: return "add"
        case .removeFromSet: return "remove"
        case .insertText: return "insert text"
        case .deleteText: return "delete text"
        }
    }
}
