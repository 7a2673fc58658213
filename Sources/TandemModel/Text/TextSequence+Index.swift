extension TextSequence {
    /// Where one character sits: a leaf (arena index), a run in it, and an
    /// offset in the run. Valid until the next mutation.
    struct Location: Hashable {
        var leaf: Int
        var run: Int
        var offset: Int
    }

    /// The visible character at `index` (0 ..< count). O(log n + 64).
    func locateVisible(_ index: Int) -> Location {
        let (position, remainder) = leafCounts.find(index)
        let leaf = Int(order[position])
        var rest = remainder
        let runs = leaves[leaf].runs
        var run = 0
        while true {
            let visible = runs[run].visibleLength
            if rest < visible { return Location(leaf: leaf, run: run, offset: rest) }
            rest -= visible
            run += 1
        }
    }

    /// Where known character `id` sits, deleted or not.
    func locate(_ id: CharacterID) -> Location? {
        guard let log = logIndex[id.replica], let leaf = logs[Int(log)].leaf(of: id.sequence),
              let run = leaves[leaf].runIndex(replica: log, sequence: id.sequence) else { return nil }
        return Location(leaf: leaf, run: run, offset: Int(id.sequence - leaves[leaf].runs[run].sequence))
    }

    func run(at location: Location) -> TextRun { leaves[location.leaf].runs[location.run] }

    func characterID(at location: Location) -> CharacterID {
        let run = run(at: location)
        return CharacterID(replica: logs[Int(run.replica)].id, sequence: run.sequence + UInt64(location.offset))
    }

    /// The first character of the first run at or after run `run` of the
    /// leaf at `position` in document order, tombstones included.
    private func firstCharacter(fromPosition position: Int, run: Int) -> Location? {
        var position = position
        var run = run
        while position < order.count {
            let leaf = Int(order[position])
            if run < leaves[leaf].runs.count { return Location(leaf: leaf, run: run, offset: 0) }
            position += 1
            run = 0
        }
        return nil
    }

    /// The first character of the text, tombstones included.
    func firstLocation() -> Location? { firstCharacter(fromPosition: 0, run: 0) }

    /// The character after `location`, tombstones included.
    func location(after location: Location) -> Location? {
        if location.offset + 1 < Int(run(at: location).length) {
            return Location(leaf: location.leaf, run: location.run, offset: location.offset + 1)
        }
        return firstCharacter(fromPosition: Int(rankOfLeaf[location.leaf]), run: location.run + 1)
    }

    /// The first character of the run after the one holding `location`.
    func nextRun(after location: Location) -> Location? {
        firstCharacter(fromPosition: Int(rankOfLeaf[location.leaf]), run: location.run + 1)
    }

    /// Keeps the cached visible lengths in step after `leaf` changed by `delta`.
    mutating func adjustVisible(leaf: Int, by delta: Int) {
        guard delta != 0 else { return }
        leaves[leaf].visible += delta
        leafCounts.add(delta, at: Int(rankOfLeaf[leaf]))
        count += delta
    }

    /// Inserts `new` right after `location` (at the very start when `nil`),
    /// splitting the run there if `location` is inside it. The caller has
    /// already logged the new characters as sitting in that leaf.
    mutating func insertRun(_ new: TextRun, after location: Location?) {
        let leaf: Int
        if let location {
            leaf = location.leaf
            let old = run(at: location)
            let head = UInt32(location.offset + 1)
            if head < old.length {
                var tail = old
                tail.sequence += UInt64(head)
                tail.length -= head
                leaves[leaf].runs[location.run].length = head
                leaves[leaf].runs.insert(contentsOf: [new, tail], at: location.run + 1)
            } else {
                leaves[leaf].runs.insert(new, at: location.run + 1)
            }
        } else {
            leaf = Int(order[0])
            leaves[leaf].runs.insert(new, at: 0)
        }
        adjustVisible(leaf: leaf, by: new.visibleLength)
        splitIfFull(leaf: leaf)
    }

    /// The leaf characters appended after `location` (or at the start) land in.
    func leaf(after location: Location?) -> Int { location?.leaf ?? Int(order[0]) }

    /// Moves the upper half of a full leaf into a new leaf placed after it.
    mutating func splitIfFull(leaf: Int) {
        guard leaves[leaf].runs.count > TextLeaf.maxRuns else { return }
        let middle = leaves[leaf].runs.count / 2
        let moved = Array(leaves[leaf].runs[middle...])
        leaves[leaf].runs.removeSubrange(middle...)
        let movedVisible = moved.reduce(0) { $0 + $1.visibleLength }
        leaves[leaf].visible -= movedVisible
        let newLeaf = leaves.count
        leaves.append(TextLeaf(runs: moved, visible: movedVisible))
        for run in moved {
            logs[Int(run.replica)].setLeaf(newLeaf, for: run.sequence..<run.end)
        }
        let rank = Int(rankOfLeaf[leaf]) + 1
        order.insert(UInt32(newLeaf), at: rank)
        rankOfLeaf.append(0)
        for position in rank..<order.count { rankOfLeaf[Int(order[position])] = UInt32(position) }
        leafCounts = TextLeafCounts(order.map { leaves[Int($0)].visible })
    }
}

extension TextSequence {
    /// Lays decoded runs into leaves filled to three quarters, leaving room
    /// for edits before the first splits. The logs must hold the characters.
    mutating func fill(with runs: [TextRun]) {
        let perLeaf = TextLeaf.maxRuns * 3 / 4
        leaves = []
        var start = 0
        repeat {
            let slice = runs[start..<min(start + perLeaf, runs.count)]
            let leaf = leaves.count
            leaves.append(TextLeaf(runs: Array(slice), visible: slice.reduce(0) { $0 + $1.visibleLength }))
            for run in slice { logs[Int(run.replica)].setLeaf(leaf, for: run.sequence..<run.end) }
            start += perLeaf
        } while start < runs.count
        order = (0..<leaves.count).map { UInt32($0) }
        rankOfLeaf = order
        leafCounts = TextLeafCounts(leaves.map(\.visible))
        count = leaves.reduce(0) { $0 + $1.visible }
    }
}
