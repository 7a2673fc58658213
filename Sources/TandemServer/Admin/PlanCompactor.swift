import TandemModel

/// `tandemd admin compact`: folds the whole log into a snapshot at the head,
/// then (unless asked to keep it) deletes the log up to that snapshot, so a
/// plan's storage is its state plus the operations since its last compaction
/// rather than its whole history.
///
/// What pruning keeps (docs/operations.md, "Compaction"): the state at the
/// pruned point (the snapshot, kept as the base while it is the oldest),
/// every operation after it, history and conflicts of the retained log with a
/// summary of what was pruned, time travel back to the base by sequence. A
/// client whose cursor is below the pruned point gets the snapshot when it can
/// install one (its pending edits are pushed and merge as usual) and
/// `history-pruned` when it cannot (the `tandem` CLI keeps full history).
public enum PlanCompactor {
    public struct Result: Hashable, Sendable {
        public var plan: EntityID
        public var sequence: UInt64
        public var snapshotBytes: Int
        public var snapshotsBefore: [UInt64]
        public var snapshotsAfter: [UInt64]
        /// Log rows deleted (0 with `prune: false`).
        public var prunedOperations: Int
        /// The last sequence no longer in the log.
        public var prunedThrough: UInt64
    }

    /// Refuses an unsound plan (run `verify`): a snapshot would bless whatever is wrong.
    public static func compact(store: any ServerAdminStore, plan: EntityID, prune: Bool = true) async throws -> Result {
        let inspector = try await PlanInspector(store: store, plan: plan)
        let report = PlanVerifier.verify(inspector, recordedHead: try await store.recordedHead(plan: plan))
        guard report.isSound else {
            throw ServerStoreError(.corrupt, "plan \(plan) fails verification (\(report.problems.count) problems; run 'tandemd admin verify \(plan.short())'); not compacted")
        }
        let before = inspector.snapshots.map(\.sequence)
        // From the log, not from a stored snapshot, so the new snapshot never inherits a bad one.
        let bytes = inspector.document.encodedSnapshot()
        if before.last != inspector.head {
            try await store.saveSnapshot(plan: plan, StoredSnapshot(sequence: inspector.head, bytes: bytes))
        }
        let pruned = prune && inspector.head > inspector.prunedThrough ? try await store.pruneLog(plan: plan, through: inspector.head) : 0
        let after = try await store.snapshots(plan: plan).map(\.sequence)
        return Result(plan: plan, sequence: inspector.head, snapshotBytes: bytes.count, snapshotsBefore: before, snapshotsAfter: after,
                      prunedOperations: pruned, prunedThrough: prune ? inspector.head : inspector.prunedThrough)
    }
}

extension AdminReports {
    public static func compact(store: any ServerAdminStore, plan: String, prune: Bool = true) async throws -> AdminOutput {
        let id = try await PlanInspector.resolvePlan(plan, store: store)
        let result = try await PlanCompactor.compact(store: store, plan: id, prune: prune)
        let text = """
            plan \(id.short()): snapshot at sequence \(result.sequence) (\(formatBytes(result.snapshotBytes))); \
            snapshots before: \(result.snapshotsBefore.isEmpty ? "none" : result.snapshotsBefore.map(String.init).joined(separator: ", ")), \
            after: \(result.snapshotsAfter.map(String.init).joined(separator: ", ")). \
            \(prune ? "Pruned \(result.prunedOperations) operations; the log now starts after sequence \(result.prunedThrough)" : "The operation log is kept (--keep-log)") \
            (see docs/operations.md, "Compaction").
            """
        return AdminOutput(text: text, json: .object([
            "plan": .string(id.description), "sequence": .int(Int64(result.sequence)), "snapshotBytes": .int(Int64(result.snapshotBytes)),
            "snapshotsBefore": .array(result.snapshotsBefore.map { .int(Int64($0)) }),
            "snapshotsAfter": .array(result.snapshotsAfter.map { .int(Int64($0)) }),
            "prunedOperations": .int(Int64(result.prunedOperations)), "prunedThrough": .int(Int64(result.prunedThrough)),
        ]))
    }
}
