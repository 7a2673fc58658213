import TandemModel

/// A plan as a pushed operation is checked against: the document at the
/// published head, plus the entities created by operations validated before
/// this one but not yet published (earlier in the same batch, or in batches
/// still being made durable while this one is checked).
public struct ValidationView: Sendable {
    /// The plan at its published head.
    public let document: PlanDocument
    /// Internal-only entities, those of validated but unpublished operations included.
    public private(set) var internalOnly: InternalOnlyIndex
    /// Entities created by validated but unpublished operations, with their kinds.
    private(set) var created: [EntityID: EntityKind]

    init(document: PlanDocument, internalOnly: InternalOnlyIndex, created: [EntityID: EntityKind] = [:]) {
        self.document = document
        self.internalOnly = internalOnly
        self.created = created
    }

    /// Whether the entity exists, created in the document or by an unpublished operation.
    public func holds(_ id: EntityID) -> Bool { created[id] != nil || document.holds(id) }

    /// The entity's kind, wherever it was created.
    public func kind(of id: EntityID) -> EntityKind? { created[id] ?? document.kind(of: id) }

    /// Takes in an operation that passed validation.
    mutating func record(_ operation: Operation) {
        if case .create(let kind, _, _) = operation.action { created[EntityID(operation.id)] = kind }
        internalOnly.record(operation)
    }
}
