/// What a pruning compaction (`PlanCompactor`) means for catch-up.
extension PlanHub {
    /// Whether the log still holds the operation right after `cursor` (false
    /// when a compaction pruned it: the replica needs a snapshot). Call with
    /// `cursor` below the head.
    func logContinues(after cursor: UInt64) async throws -> Bool {
        let next = try await operations(after: cursor, upTo: cursor + 1, limit: 1)
        return next.first?.sequence == cursor + 1
    }
}
