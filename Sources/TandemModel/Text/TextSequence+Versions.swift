extension TextSequence {
    /// Names the current version: returns a marker (see ``TextVersion``)
    /// and starts a new deletion epoch, so deletions made from now on are
    /// told apart from those before. Cheap: the marker holds one range per
    /// replica and a number; nothing is copied.
    ///
    /// Mutating because of the epoch: stamping tombstones per epoch rather
    /// than per deletion is what lets a backspaced word stay one tombstone
    /// run, in memory and in the encoding, when no marker was taken between
    /// the keystrokes.
    public mutating func versionMarker() -> TextVersion {
        var inserted: [ReplicaID: [Range<UInt64>]] = [:]
        for log in logs where !log.spans.isEmpty {
            inserted[log.id] = log.spans.map { $0.first..<$0.end }
        }
        let marker = TextVersion(inserted: inserted, deletionEpoch: epoch)
        // After 4 billion markers, later ones share the last epoch: deletions
        // after such a marker then show as already made at it.
        if epoch < UInt32.max { epoch += 1 }
        return marker
    }

    /// The text as it was at `version`: the characters inserted by then
    /// and not yet deleted, in today's order (which is the order they had).
    public func text(at version: TextVersion) -> String {
        var utf8: [UInt8] = []
        forEachRun { run in
            if run.isDeleted && run.deletedIn <= version.deletionEpoch { return }
            let log = logs[Int(run.replica)]
            guard let ranges = version.inserted[log.id] else { return }
            for range in ranges {
                let overlap = range.clamped(to: run.sequence..<run.end)
                if !overlap.isEmpty { log.withScalars(overlap) { appendUTF8($0, to: &utf8) } }
            }
        }
        return String(decoding: utf8, as: UTF8.self)
    }
}
