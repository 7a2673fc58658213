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
    /// The log in stamp order, in chunks of at most `chunkLimit` entries, so a
    /// late entry shifts one chunk's tail, not the whole log's.
    private var chunks: [[LogEntry]] = []
    /// Entries in the log.
    private(set) var logCount = 0
    /// Stamps of the log entries that did not apply (skipped moves, creates
    /// under a missing parent), ascending; usually empty.
    private var skipped: [OperationStamp] = []

    /// Entries per chunk before it splits (small in tests, to cross chunk edges).
    let chunkLimit: Int

    init(chunkLimit: Int = 1_024) {
        self.chunkLimit = max(2, chunkLimit)
    }

    /// Entries that had to be undone and redone, for diagnostics and benchmarks.
    /// Not part of equality: it depends on arrival order, the tree does not.
    private(set) var redoCount = 0
    /// Late creates inserted without a replay (``createCommutes(_:parentCreated:)``); diagnostics too.
    private(set) var commutedCount = 0

    /// The log in stamp order.
    var log: [LogEntry] { Array(chunks.joined()) }

    /// The newest entry's stamp.
    var lastStamp: OperationStamp? { chunks.last?.last?.stamp }

    static func == (lhs: MoveTree, rhs: MoveTree) -> Bool {
        lhs.logCount == rhs.logCount && lhs.nodes == rhs.nodes && lhs.chunks.joined().elementsEqual(rhs.chunks.joined())
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(nodes)
        hasher.combine(logCount)
        for entry in chunks.joined() { hasher.combine(entry) }
    }

    /// Records a create or move and updates the tree.
    /// - Parameter parentCreated: for a create, the stamp of the parent's own
    ///   create when the caller knows it; it lets a late create skip the replay.
    mutating func record(stamp: OperationStamp, entity: EntityID, parent: EntityID?, position: Position, isCreate: Bool,
                         parentCreated: OperationStamp? = nil) {
        var entry = LogEntry(stamp: stamp, entity: entity, parent: parent, position: position, isCreate: isCreate)
        guard let last = lastStamp, last > stamp else {
            perform(&entry)
            if !entry.applied { skipped.append(stamp) }
            append(entry)
            return
        }
        let place = slot(for: stamp)
        if place.offset < chunks[place.chunk].count, chunks[place.chunk][place.offset].stamp == stamp { return }
        if entry.isCreate, createCommutes(entry, parentCreated: parentCreated) {
            perform(&entry)
            if !entry.applied { skipped.insert(stamp, at: Self.firstIndex(in: skipped, notBelow: stamp)) }
            insert(entry, at: place)
            commutedCount += 1
            return
        }
        // Out of order: undo everything later, insert, redo.
        var undone = 0
        for chunk in stride(from: chunks.count - 1, through: place.chunk, by: -1) {
            let first = chunk == place.chunk ? place.offset : 0
            for offset in stride(from: chunks[chunk].count - 1, through: first, by: -1) {
                undo(chunks[chunk][offset])
                undone += 1
            }
        }
        skipped.removeSubrange(Self.firstIndex(in: skipped, notBelow: stamp)...)
        insert(entry, at: place)
        var chunk = place.chunk, offset = place.offset
        // The insertion may have split the chunk: find the entry again.
        if offset >= chunks[chunk].count { offset -= chunks[chunk].count; chunk += 1 }
        while chunk < chunks.count {
            while offset < chunks[chunk].count {
                var redo = chunks[chunk][offset]
                perform(&redo)
                if !redo.applied { skipped.append(redo.stamp) }
                chunks[chunk][offset] = redo
                offset += 1
            }
            chunk += 1
            offset = 0
        }
        redoCount += undone
    }

    /// Where an entry stamped `stamp` belongs: the first entry not below it.
    private func slot(for stamp: OperationStamp) -> (chunk: Int, offset: Int) {
        var low = 0, high = chunks.count
        while low < high {
            let mid = (low + high) / 2
            if chunks[mid].last!.stamp < stamp { low = mid + 1 } else { high = mid }
        }
        guard low < chunks.count else { return (chunks.count - 1, chunks.last!.count) }
        let entries = chunks[low]
        var first = 0, last = entries.count
        while first < last {
            let mid = (first + last) / 2
            if entries[mid].stamp < stamp { first = mid + 1 } else { last = mid }
        }
        return (low, first)
    }

    private static func firstIndex(in stamps: [OperationStamp], notBelow stamp: OperationStamp) -> Int {
        var low = 0, high = stamps.count
        while low < high {
            let mid = (low + high) / 2
            if stamps[mid] < stamp { low = mid + 1 } else { high = mid }
        }
        return low
    }

    private mutating func append(_ entry: LogEntry) {
        if chunks.isEmpty || chunks[chunks.count - 1].count >= chunkLimit {
            var chunk: [LogEntry] = []
            chunk.reserveCapacity(chunkLimit)
            chunks.append(chunk)
        }
        chunks[chunks.count - 1].append(entry)
        logCount += 1
    }

    private mutating func insert(_ entry: LogEntry, at place: (chunk: Int, offset: Int)) {
        chunks[place.chunk].insert(entry, at: place.offset)
        logCount += 1
        if chunks[place.chunk].count > chunkLimit {
            let half = chunks[place.chunk].count / 2
            let tail = Array(chunks[place.chunk][half...])
            chunks[place.chunk].removeSubrange(half...)
            chunks.insert(tail, at: place.chunk + 1)
        }
    }

    /// Rebuilds the log from entries already in stamp order (their outcomes kept).
    private mutating func replaceLog(with entries: [LogEntry]) {
        chunks = []
        logCount = 0
        skipped = []
        for entry in entries {
            append(entry)
            if !entry.applied { skipped.append(entry.stamp) }
        }
    }

    func node(_ id: EntityID) -> Node? { nodes[id] }

    /// Whether a late create gives the same tree applied now as undone-and-redone
    /// in stamp order, so the log after it need not be replayed.
    ///
    /// The replay would apply it when its parent exists at its place in the
    /// log, and a fresh leaf changes no later entry's outcome (no cycle check
    /// passes through a node without children). So it commutes when no later
    /// entry names the new entity (one that did would not have applied, and
    /// every later entry applied), and the parent, if it exists, was created
    /// before it. Causally ordered creates (two replicas' edits merging) pass;
    /// a create stamped before its own parent's falls back to the replay.
    private func createCommutes(_ entry: LogEntry, parentCreated: OperationStamp?) -> Bool {
        guard nodes[entry.entity] == nil else { return false }
        if let lastSkipped = skipped.last, lastSkipped > entry.stamp { return false }
        if let parent = entry.parent, nodes[parent] != nil {
            guard let parentCreated, parentCreated < entry.stamp else { return false }
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
        copy.replaceLog(with: log.filter { !hidden.contains($0.entity) && $0.parent.map(hidden.contains) != true })
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
