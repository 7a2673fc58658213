/// The entity tree with the replicated move operation of Kleppmann et al.
/// ("A highly-available move operation for replicated trees", 2021).
///
/// Every create and move is kept in a log sorted by stamp. The tree is the
/// result of applying that log in order, where a move that would make a node
/// its own ancestor, or that names a node or parent that does not exist at
/// that point, is skipped. An operation arriving out of order undoes the later
/// log entries, applies itself and redoes them, so every replica computes the
/// same tree from the same set of operations, with no cycle and no lost node.
/// A late create that provably commutes with the later entries (a new leaf
/// under a parent that already existed at its stamp) is inserted without the
/// replay: merging two replicas' edits is mostly creates, and replaying the
/// whole tail for each made that quadratic.
struct MoveTree: Hashable, Sendable {
    struct Node: Hashable, Sendable {
        var parent: EntityID?
        var position: Position
    }

    struct LogEntry: Hashable, Sendable {
        let stamp: OperationStamp
        let entity: EntityID
        let parent: EntityID?
        let position: Position
        let isCreate: Bool
        /// The entity's place before this entry; nil when it did not exist.
        var before: Node? = nil
        var applied = false
    }

    private(set) var nodes: [EntityID: Node] = [:]
    /// Children of each parent, kept sorted by (position, id): sibling order
    /// is read far more often than it changes.
    private(set) var children: [EntityID: [EntityID]] = [:]
    private(set) var roots: Set<EntityID> = []
    private(set) var log: [LogEntry] = []

    /// Entries that had to be undone and redone, for diagnostics and benchmarks.
    /// Not part of equality: it depends on arrival order, the tree does not.
    private(set) var redoCount = 0
    /// Late creates inserted without a replay (``createCommutes(_:withLaterFrom:)``); diagnostics too.
    private(set) var commutedCount = 0

    static func == (lhs: MoveTree, rhs: MoveTree) -> Bool { lhs.nodes == rhs.nodes && lhs.log == rhs.log }

    func hash(into hasher: inout Hasher) {
        hasher.combine(nodes)
        hasher.combine(log)
    }

    mutating func record(stamp: OperationStamp, entity: EntityID, parent: EntityID?, position: Position, isCreate: Bool) {
        var entry = LogEntry(stamp: stamp, entity: entity, parent: parent, position: position, isCreate: isCreate)
        guard let last = log.last, last.stamp > stamp else {
            perform(&entry)
            log.append(entry)
            return
        }
        // Out of order: undo everything later, insert, redo.
        var low = 0, high = log.count
        while low < high {
            let mid = (low + high) / 2
            if log[mid].stamp < stamp { low = mid + 1 } else { high = mid }
        }
        if low < log.count, log[low].stamp == stamp { return }
        if entry.isCreate, createCommutes(entry, withLaterFrom: low) {
            perform(&entry)
            log.insert(entry, at: low)
            commutedCount += 1
            return
        }
        for index in stride(from: log.count - 1, through: low, by: -1) { undo(log[index]) }
        log.insert(entry, at: low)
        for index in low..<log.count {
            var redo = log[index]
            perform(&redo)
            log[index] = redo
        }
        redoCount += log.count - low - 1
    }

    func node(_ id: EntityID) -> Node? { nodes[id] }

    /// Whether a late create gives the same tree applied now as undone-and-redone
    /// in stamp order, so the log after it need not be replayed.
    ///
    /// The replay would apply it when its parent exists at its place in the
    /// log, and a fresh leaf changes no later entry's outcome (no cycle check
    /// passes through a node without children). So it commutes when no later
    /// entry names the new entity, and the parent was not created by a later
    /// entry (it existed at the create's place exactly when it exists now).
    /// Causally ordered creates (the usual case: two replicas' edits merging)
    /// always pass; a create stamped before its own parent's falls back to the
    /// replay, which skips it.
    private func createCommutes(_ entry: LogEntry, withLaterFrom start: Int) -> Bool {
        guard nodes[entry.entity] == nil else { return false }
        for index in start..<log.count {
            let later = log[index]
            if later.entity == entry.entity || later.parent == entry.entity { return false }
            if later.isCreate, let parent = entry.parent, later.entity == parent { return false }
        }
        return true
    }

    /// The tree without the `hidden` entities: their nodes, their places among
    /// siblings, and every log entry that names one (as entity or parent). The
    /// rest replays as before as long as no entry moved an entity across the
    /// boundary, which the server refuses.
    func removing(_ hidden: Set<EntityID>) -> MoveTree {
        guard !hidden.isEmpty else { return self }
        var copy = self
        for id in hidden {
            copy.nodes[id] = nil
            copy.children[id] = nil
            copy.roots.remove(id)
        }
        for (parent, siblings) in copy.children where siblings.contains(where: hidden.contains) {
            let kept = siblings.filter { !hidden.contains($0) }
            copy.children[parent] = kept.isEmpty ? nil : kept
        }
        copy.log.removeAll { hidden.contains($0.entity) || $0.parent.map(hidden.contains) == true }
        return copy
    }

    /// Whether `ancestor` is `node` or lies on the path from `node` to its root.
    func isAncestor(_ ancestor: EntityID, of node: EntityID) -> Bool {
        var current: EntityID? = node
        var steps = 0
        while let id = current {
            if id == ancestor { return true }
            current = nodes[id]?.parent
            steps += 1
            if steps > nodes.count { return true } // unreachable: the tree has no cycle
        }
        return false
    }

    private mutating func perform(_ entry: inout LogEntry) {
        entry.before = nodes[entry.entity]
        entry.applied = false
        if entry.isCreate {
            guard entry.before == nil else { return }
        } else {
            guard entry.before != nil else { return }
        }
        if let parent = entry.parent {
            guard nodes[parent] != nil, !isAncestor(entry.entity, of: parent) else { return }
        } else if !entry.isCreate {
            return
        }
        place(entry.entity, Node(parent: entry.parent, position: entry.position))
        entry.applied = true
    }

    private mutating func undo(_ entry: LogEntry) {
        guard entry.applied else { return }
        if let before = entry.before {
            place(entry.entity, before)
        } else {
            detach(entry.entity)
            nodes[entry.entity] = nil
        }
    }

    private mutating func place(_ entity: EntityID, _ node: Node) {
        detach(entity)
        nodes[entity] = node
        if let parent = node.parent {
            let index = siblingIndex(of: entity, at: node.position, in: children[parent] ?? [])
            children[parent, default: []].insert(entity, at: index)
        } else {
            roots.insert(entity)
        }
    }

    private mutating func detach(_ entity: EntityID) {
        guard let old = nodes[entity] else { return }
        if let parent = old.parent {
            let index = siblingIndex(of: entity, at: old.position, in: children[parent] ?? [])
            children[parent]?.remove(at: index)
            if children[parent]?.isEmpty == true { children[parent] = nil }
        } else {
            roots.remove(entity)
        }
    }

    /// Where `entity` at `position` sits (or would sit) in a sorted sibling list.
    private func siblingIndex(of entity: EntityID, at position: Position, in siblings: [EntityID]) -> Int {
        // Appends are the common case: check the end first.
        if let last = siblings.last, let lastNode = nodes[last], (lastNode.position, last) < (position, entity) {
            return siblings.count
        }
        var low = 0, high = siblings.count
        while low < high {
            let mid = (low + high) / 2
            let other = siblings[mid]
            let otherPosition = nodes[other]!.position
            if (otherPosition, other) < (position, entity) { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
