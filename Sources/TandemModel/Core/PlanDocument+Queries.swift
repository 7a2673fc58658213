extension PlanDocument {
    public subscript(id: EntityID) -> EntityState? { entities[id] }

    /// The parent in the tree (nil for a root or an entity not in the tree).
    public func parent(of id: EntityID) -> EntityID? { tree.node(id)?.parent }

    public func position(of id: EntityID) -> Position? { tree.node(id)?.position }

    /// Whether the entity is placed in the tree (false only in odd histories,
    /// e.g. a create whose parent was created with a later clock reading).
    public func isPlaced(_ id: EntityID) -> Bool { tree.node(id) != nil }

    /// Children in sibling order (position, then id), deleted ones included.
    public func allChildren(of id: EntityID) -> [EntityID] {
        tree.children[id] ?? []
    }

    /// The last child in sibling order, deleted or not.
    public func lastChild(of id: EntityID) -> EntityID? { tree.children[id]?.last }

    /// Children in sibling order that are not deleted.
    public func children(of id: EntityID) -> [EntityID] {
        allChildren(of: id).filter { entities[$0]?.isDeleted == false }
    }

    /// Root entities in sibling order.
    public var roots: [EntityID] { sortSiblings(tree.roots) }

    /// Placed, not deleted, and every ancestor likewise.
    public func isVisible(_ id: EntityID) -> Bool {
        var current: EntityID? = id
        while let node = current {
            guard let entity = entities[node], !entity.isDeleted, let place = tree.node(node) else { return false }
            current = place.parent
        }
        return true
    }

    /// Ancestors from the parent up to the root.
    public func ancestors(of id: EntityID) -> [EntityID] {
        var result: [EntityID] = []
        var current = tree.node(id)?.parent
        while let node = current, result.count <= entities.count {
            result.append(node)
            current = tree.node(node)?.parent
        }
        return result
    }

    /// Every placed entity below `id`, depth first, in sibling order.
    public func descendants(of id: EntityID, includeDeleted: Bool = false) -> [EntityID] {
        var result: [EntityID] = []
        var stack = Array((includeDeleted ? allChildren(of: id) : children(of: id)).reversed())
        while let next = stack.popLast() {
            result.append(next)
            stack.append(contentsOf: (includeDeleted ? allChildren(of: next) : children(of: next)).reversed())
        }
        return result
    }

    /// Number of tree entries replayed because operations arrived out of order.
    public var treeRedoCount: Int { tree.redoCount }

    /// Number of operations applied.
    public var operationCount: Int { version.count }

    func sortSiblings(_ ids: Set<EntityID>) -> [EntityID] {
        ids.sorted { a, b in
            let pa = tree.node(a)!.position, pb = tree.node(b)!.position
            return pa != pb ? pa < pb : a < b
        }
    }
}
