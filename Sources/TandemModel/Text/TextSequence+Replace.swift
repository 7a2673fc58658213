extension TextSequence {
    /// Turns a whole-text edit (say, from `$EDITOR`) into the fewest
    /// insertions and deletions, applies them, and returns them to send.
    ///
    /// The common prefix and suffix are trimmed and the middle diffed with
    /// Myers' algorithm, so only the characters that really changed get new
    /// ids: two people who edit different sentences of one paragraph
    /// offline both keep their edits after merging. Operations are returned
    /// in document order; they do not depend on each other, so they can be
    /// applied anywhere in any order.
    @discardableResult
    public mutating func replaceAll(with newText: String, by replica: ReplicaID) -> (insertions: [TextInsertion], deletions: [TextDeletion]) {
        let old = visibleScalars().map(\.value)
        let newScalars = Array(newText.unicodeScalars)
        let hunks = TextDiff.hunks(from: old, to: newScalars.map(\.value))
        var insertions: [TextInsertion] = []
        var deletions: [TextDeletion] = []
        // Back to front, so the positions of hunks not yet applied hold.
        for hunk in hunks.reversed() {
            if !hunk.old.isEmpty { deletions.append(delete(range: hunk.old)) }
            if !hunk.new.isEmpty {
                var view = String.UnicodeScalarView()
                view.append(contentsOf: newScalars[hunk.new])
                insertions.append(insert(String(view), at: hunk.old.lowerBound, by: replica))
            }
        }
        return (insertions.reversed(), deletions.reversed())
    }

    /// The visible characters, in order.
    func visibleScalars() -> [Unicode.Scalar] {
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(count)
        forEachRun { run in
            guard !run.isDeleted else { return }
            logs[Int(run.replica)].withScalars(run.sequence..<run.end) { scalars.append(contentsOf: $0) }
        }
        return scalars
    }
}
