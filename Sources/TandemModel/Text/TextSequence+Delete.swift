extension TextSequence {
    /// Deletes the visible characters in `range` and returns the operation
    /// to send. The characters stay as tombstones.
    @discardableResult
    public mutating func delete(range: Range<Int>) -> TextDeletion {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "delete range \(range) outside 0..<\(count)")
        var runs: [TextDeletion.Run] = []
        var remaining = range.count
        while remaining > 0 {
            // Deleted characters stop being visible, so the next one to
            // delete is always at the range's lower bound.
            let location = locateVisible(range.lowerBound)
            let run = run(at: location)
            let take = min(remaining, Int(run.length) - location.offset)
            let replica = logs[Int(run.replica)].id
            let first = run.sequence + UInt64(location.offset)
            if let last = runs.last, last.replica == replica, last.first + last.length == first {
                runs[runs.count - 1] = TextDeletion.Run(replica: replica, first: last.first, length: last.length + UInt64(take))
            } else {
                runs.append(TextDeletion.Run(replica: replica, first: first, length: UInt64(take)))
            }
            markDeleted(at: location, count: take)
            remaining -= take
        }
        return TextDeletion(runs: runs)
    }

    /// A deletion can always be applied: characters not received yet are
    /// remembered and deleted on arrival.
    public func canApply(_ deletion: TextDeletion) -> Bool { true }

    /// Merges a deletion from another replica. Idempotent and commutative
    /// with insertions: deleting a tombstone changes nothing, and deletions
    /// of characters not received yet wait for them.
    public mutating func apply(_ deletion: TextDeletion) {
        for run in deletion.runs where run.length > 0 && run.first <= UInt64.max - run.length {
            deleteCharacters(replica: run.replica, run.sequences)
        }
    }

    /// Deletes the known characters in `range` of `replica`, remembering
    /// the unknown ones as pending.
    private mutating func deleteCharacters(replica: ReplicaID, _ range: Range<UInt64>) {
        guard let log = logIndex[replica].map({ Int($0) }) else {
            addPendingDeletion(replica: replica, range)
            return
        }
        // Walk the known stretches between the unknown parts, so a hostile
        // range of 2^60 sequences costs only what the text really holds.
        var sequence = range.lowerBound
        for part in logs[log].unknownParts(of: range) {
            addPendingDeletion(replica: replica, part)
            if sequence < part.lowerBound { deleteKnown(log: log, sequence..<part.lowerBound) }
            sequence = part.upperBound
        }
        if sequence < range.upperBound { deleteKnown(log: log, sequence..<range.upperBound) }
    }

    /// Tombstones the characters of `range`, which must all be known.
    private mutating func deleteKnown(log: Int, _ range: Range<UInt64>) {
        var sequence = range.lowerBound
        while sequence < range.upperBound {
            guard let leaf = logs[log].leaf(of: sequence),
                  let index = leaves[leaf].runIndex(replica: UInt32(log), sequence: sequence) else {
                assertionFailure("character \(sequence) of log \(log) is not in its leaf")
                return
            }
            let run = leaves[leaf].runs[index]
            let take = Int(min(range.upperBound, run.end) - sequence)
            if !run.isDeleted {
                markDeleted(at: Location(leaf: leaf, run: index, offset: Int(sequence - run.sequence)), count: take)
            }
            sequence += UInt64(take)
        }
    }

    /// Turns `count` visible characters of one run, from `location`, into a
    /// tombstone of the current epoch, merged with neighbouring tombstones
    /// of the same epoch that continue it (a backspaced word is one run).
    mutating func markDeleted(at location: Location, count: Int) {
        let leaf = location.leaf
        let old = run(at: location)
        var index = location.run
        var dead = old
        dead.sequence += UInt64(location.offset)
        dead.length = UInt32(count)
        dead.deletedIn = epoch
        var replacement: [TextRun] = []
        if location.offset > 0 {
            var head = old
            head.length = UInt32(location.offset)
            replacement.append(head)
        }
        replacement.append(dead)
        let tailLength = Int(old.length) - location.offset - count
        if tailLength > 0 {
            var tail = old
            tail.sequence = dead.end
            tail.length = UInt32(tailLength)
            replacement.append(tail)
        }
        leaves[leaf].runs.replaceSubrange(index...index, with: replacement)
        if location.offset > 0 { index += 1 }
        // Merge with the tombstone after, then the one before.
        let runs = leaves[leaf].runs
        if index + 1 < runs.count, Self.continues(runs[index], with: runs[index + 1]) {
            leaves[leaf].runs[index].length += runs[index + 1].length
            leaves[leaf].runs.remove(at: index + 1)
        }
        if index > 0, Self.continues(leaves[leaf].runs[index - 1], with: leaves[leaf].runs[index]) {
            leaves[leaf].runs[index - 1].length += leaves[leaf].runs[index].length
            leaves[leaf].runs.remove(at: index)
        }
        adjustVisible(leaf: leaf, by: -count)
        splitIfFull(leaf: leaf)
    }

    /// Whether tombstone `next` directly continues tombstone `run`.
    private static func continues(_ run: TextRun, with next: TextRun) -> Bool {
        run.isDeleted && run.deletedIn == next.deletedIn && run.replica == next.replica
            && run.end == next.sequence && Int(run.length) + Int(next.length) <= Int(UInt32.max)
    }

    private mutating func addPendingDeletion(replica: ReplicaID, _ range: Range<UInt64>) {
        var ranges = pendingDeletions[replica, default: []]
        ranges.append(range)
        ranges.sort { $0.lowerBound < $1.lowerBound }
        var merged: [Range<UInt64>] = []
        for range in ranges {
            if let last = merged.last, range.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        pendingDeletions[replica] = merged
    }

    /// Deletes newly arrived characters that a deletion named before they came.
    mutating func applyPendingDeletions(log: Int, range: Range<UInt64>) {
        guard !pendingDeletions.isEmpty else { return }
        let replica = logs[log].id
        guard let ranges = pendingDeletions[replica] else { return }
        var kept: [Range<UInt64>] = []
        for pending in ranges {
            let overlap = pending.clamped(to: range)
            guard !overlap.isEmpty else {
                kept.append(pending)
                continue
            }
            deleteKnown(log: log, overlap)
            if pending.lowerBound < overlap.lowerBound { kept.append(pending.lowerBound..<overlap.lowerBound) }
            if overlap.upperBound < pending.upperBound { kept.append(overlap.upperBound..<pending.upperBound) }
        }
        pendingDeletions[replica] = kept.isEmpty ? nil : kept
    }
}
