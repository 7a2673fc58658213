/// One replica of a plan: the document plus what it takes to make new
/// operations (replica id, clock, next counter, acting member).
///
/// Local edits are applied at once and queued in `outbox` for the store and
/// the sync engine; remote operations come in through `receive(_:)`.
public struct PlanReplica: Sendable {
    public let replicaID: ReplicaID
    public internal(set) var document: PlanDocument
    public private(set) var clock: HybridLogicalClock
    public private(set) var nextCounter: UInt64
    /// The member that local operations are attributed to.
    public var author: EntityID?
    /// Operations made here and not yet taken by `takeOutbox()`.
    public private(set) var outbox: [Operation] = []

    public init(
        replicaID: ReplicaID,
        document: PlanDocument = PlanDocument(),
        author: EntityID? = nil,
        wallClock: @escaping HybridLogicalClock.WallClock = SystemWallClock.milliseconds
    ) {
        self.replicaID = replicaID
        self.document = document
        self.author = author
        self.clock = HybridLogicalClock(last: document.latestTime, wallClock: wallClock)
        self.nextCounter = document.version.highest(replicaID) + 1
    }

    /// Stamps an action as a new local operation, applies it and queues it.
    @discardableResult
    public mutating func make(_ action: Action) -> Operation {
        let operation = Operation(
            id: OperationID(replica: replicaID, counter: nextCounter),
            time: clock.tick(),
            author: author,
            action: action
        )
        nextCounter += 1
        document.apply(operation)
        outbox.append(operation)
        return operation
    }

    /// Applies an operation from another replica.
    @discardableResult
    public mutating func receive(_ operation: Operation) -> PlanDocument.ApplyOutcome {
        clock.observe(operation.time)
        if operation.id.replica == replicaID, operation.id.counter >= nextCounter {
            // Our own operations coming back (e.g. restored from the server).
            nextCounter = operation.id.counter + 1
        }
        return document.apply(operation)
    }

    /// Hands over the queued local operations.
    public mutating func takeOutbox() -> [Operation] {
        defer { outbox.removeAll(keepingCapacity: true) }
        return outbox
    }

    // MARK: Convenience over `make`

    /// Creates an entity under `parent`, after `sibling` (or last when nil).
    @discardableResult
    public mutating func create(_ kind: EntityKind, under parent: EntityID?, after sibling: EntityID? = nil, atStart: Bool = false) -> EntityID {
        let position = newPosition(under: parent, after: sibling, atStart: atStart, excluding: nil)
        return EntityID(make(.create(kind: kind, parent: parent, position: position)).id)
    }

    public mutating func set(_ entity: EntityID, _ field: String, _ value: Value) {
        let previous = document[entity]?.fields[field]?.operation
        make(.set(entity: entity, field: field, value: value, previous: previous))
    }

    public mutating func delete(_ entity: EntityID) { make(.delete(entity: entity)) }

    public mutating func restore(_ entity: EntityID) { make(.restore(entity: entity)) }

    public mutating func move(_ entity: EntityID, under parent: EntityID, after sibling: EntityID? = nil, atStart: Bool = false) {
        let position = newPosition(under: parent, after: sibling, atStart: atStart, excluding: entity)
        make(.move(entity: entity, parent: parent, position: position))
    }

    public mutating func add(_ element: Value, to field: String, of entity: EntityID) {
        make(.addToSet(entity: entity, field: field, element: element))
    }

    public mutating func remove(_ element: Value, from field: String, of entity: EntityID) {
        let observed = document[entity]?.sets[field]?.liveTags(of: element) ?? []
        make(.removeFromSet(entity: entity, field: field, element: element, observed: observed))
    }

    /// A position after `sibling` (or at the end / start) among `parent`'s children.
    func newPosition(under parent: EntityID?, after sibling: EntityID?, atStart: Bool, excluding moving: EntityID?) -> Position {
        if sibling == nil, !atStart, let parent {
            // Appending: only the last sibling matters (the common case, kept O(1)).
            var last = document.lastChild(of: parent)
            if last == moving, let moving { last = document.allChildren(of: parent).last { $0 != moving } }
            return Position.between(last.flatMap { document.position(of: $0) }, nil)
        }
        let siblings = (parent.map { document.allChildren(of: $0) } ?? document.roots).filter { $0 != moving }
        let positions = siblings.compactMap { document.position(of: $0) }
        if atStart { return Position.between(nil, positions.first) }
        guard let sibling, let index = siblings.firstIndex(of: sibling) else {
            return Position.between(positions.last, nil)
        }
        let lower = positions[index]
        // Skip siblings that share the same position (concurrent inserts) so the new one lands strictly after.
        var next = index + 1
        while next < positions.count, positions[next] == lower { next += 1 }
        return Position.between(lower, next < positions.count ? positions[next] : nil)
    }
}
