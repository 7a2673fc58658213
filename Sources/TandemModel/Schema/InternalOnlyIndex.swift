/// Which entities of a plan are internal-only, and so which operations are
/// withheld from customers.
///
/// An entity is internal-only when its kind is (the internal section, risk
/// notes, internal comments) or when it was *created under* an internal-only
/// entity. The class is fixed at creation: the server refuses every move into
/// or out of the internal section, so a subtree never changes sides, and an
/// operation's class never depends on when it is classified.
///
/// An operation is withheld when it names an internal-only entity anywhere:
/// as its target, as the parent it creates or moves under, or as a referenced
/// value. Customer replicas receive exactly the operations not withheld, so
/// they never hold internal content and still converge with each other.
public struct InternalOnlyIndex: Hashable, Sendable {
    public private(set) var entities: Set<EntityID> = []

    public init() {}

    /// The index of a document, from the parent each entity was created under
    /// (a server loading a plan from a snapshot has no log to replay).
    public init(document: PlanDocument) {
        let parents = document.creationParents()
        var known: [EntityID: Bool] = [:]
        for id in document.entities.keys where known[id] == nil {
            // Walk up to an entity whose class is known (or a root), then fill the chain in.
            var chain: [EntityID] = []
            var current: EntityID? = id
            var inherited = false
            while let node = current {
                if let decided = known[node] { inherited = decided; break }
                chain.append(node)
                if document[node]?.kind.isInternalOnly == true { inherited = true; break }
                current = parents[node] ?? nil
                if chain.count > document.entities.count { break } // unreachable: creation parents form no cycle
            }
            for node in chain.reversed() {
                inherited = inherited || document[node]?.kind.isInternalOnly == true
                known[node] = inherited
            }
        }
        entities = Set(known.filter(\.value).keys)
    }

    public func contains(_ id: EntityID) -> Bool { entities.contains(id) }

    /// Whether customers must not receive the operation.
    public func withholds(_ operation: Operation) -> Bool {
        switch operation.action {
        case .create(let kind, let parent, _):
            return kind.isInternalOnly || parent.map(entities.contains) == true
        case .move(let entity, let parent, _):
            return entities.contains(entity) || entities.contains(parent)
        case .set(let entity, _, let value, _), .addToSet(let entity, _, let value), .removeFromSet(let entity, _, let value, _):
            if entities.contains(entity) { return true }
            if case .reference(let target) = value { return entities.contains(target) }
            return false
        case .delete(let entity), .restore(let entity), .insertText(let entity, _, _), .deleteText(let entity, _, _):
            return entities.contains(entity)
        }
    }

    /// Classifies an operation and remembers the entity it creates when that
    /// is internal-only. Call in log order.
    @discardableResult
    public mutating func record(_ operation: Operation) -> Bool {
        let withheld = withholds(operation)
        if withheld, case .create = operation.action { entities.insert(EntityID(operation.id)) }
        return withheld
    }
}

extension PlanDocument {
    /// The parent each entity was created under (nil for roots).
    func creationParents() -> [EntityID: EntityID?] {
        var parents: [EntityID: EntityID?] = [:]
        parents.reserveCapacity(entities.count)
        for entry in tree.log where entry.isCreate { parents[entry.entity] = entry.parent }
        return parents
    }

    /// Whether the entity, or an entity above it, is of an internal-only kind
    /// (a check over the current tree, for views of one document).
    public func isInternalOnly(_ id: EntityID) -> Bool {
        if entities[id]?.kind.isInternalOnly == true { return true }
        return ancestors(of: id).contains { entities[$0]?.kind.isInternalOnly == true }
    }
}

extension PlanDocument {
    /// The document as a customer may hold it: without the internal-only
    /// entities of `index`, their places in the tree, and any operation held
    /// back that names them. Its canonical JSON (and so its digest) equals that
    /// of a replica that received every operation `index` does not withhold.
    ///
    /// The version vector is kept as is: it may count withheld operations
    /// (replica ids and counters, no content), which only makes the copy treat
    /// them as already seen, and customers are never sent them.
    public func withholding(_ index: InternalOnlyIndex) -> PlanDocument {
        guard !index.entities.isEmpty else { return self }
        var copy = self
        for id in index.entities { copy.entities[id] = nil }
        copy.tree = tree.removing(index.entities)
        copy.waiting = waiting.compactMapValues { held in
            let kept = held.filter { !index.withholds($0) }
            return kept.isEmpty ? nil : kept
        }
        copy.waitingText = waitingText.filter { !index.contains($0.key.entity) }.compactMapValues { held in
            let kept = held.filter { !index.withholds($0) }
            return kept.isEmpty ? nil : kept
        }
        copy.waitingIDs = Set(copy.waiting.values.joined().map(\.id)).union(copy.waitingText.values.joined().map(\.id))
        return copy
    }
}
