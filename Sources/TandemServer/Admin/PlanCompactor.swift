import TandemModel

/// `tandemd admin compact`: folds the whole log into a snapshot at the head,
/// so that a server start (and a snapshot-capable client far behind) costs one
/// snapshot instead of a replay, and drops superseded snapshots.
///
/// The log itself is kept. Pruning it would break two guarantees: a client
/// without snapshot support (the `tandem` CLI) catches up from its cursor by
/// reading the log, and the server's catch-up path (`ServerConnection`) reads
/// the log after the client's cursor without checking for a pruned floor.
/// Until the server sends a snapshot to every client below such a floor,
/// compaction must not delete operations; history, conflicts and time travel
/// therefore stay complete after compaction.
public enum PlanCompactor {
    public struct Result: Hashable, Sendable {
        public var plan: EntityID
        public var sequence: UInt64
        public var snapshotBytes: Int
        public var snapshotsBefore: [UInt64]
        public var snapshotsAfter: [UInt64]
    }

    /// Refuses an unsound plan (run `verify`): a snapshot would bless whatever is wrong.
    public static func compact(store: any ServerAdminStore, plan: EntityID) async throws -> Result {
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
        let after = try await store.snapshots(plan: plan).map(\.sequence)
        return Result(plan: plan, sequence: inspector.head, snapshotBytes: bytes.count, snapshotsBefore: before, snapshotsAfter: after)
    }
}

extension AdminReports {
    public static func compact(store: any ServerAdminStore, plan: String) async throws -> AdminOutput {
        let id = try await PlanInspector.resolvePlan(plan, store: store)
        let result = try await PlanCompactor.compact(store: store, plan: id)
        let text = """
            plan \(id.short()): snapshot at sequence \(result.sequence) (\(formatBytes(result.snapshotBytes))); \
            snapshots before: \(result.snapshotsBefore.isEmpty ? "none" : result.snapshotsBefore.map(String.init).joined(separator: ", ")), \
            after: \(result.snapshotsAfter.map(String.init).joined(separator: ", ")). The operation log is kept (see docs/operations.md).
            """
        return AdminOutput(text: text, json: .object([
            "plan": .string(id.description), "sequence": .int(Int64(result.sequence)), "snapshotBytes": .int(Int64(result.snapshotBytes)),
            "snapshotsBefore": .array(result.snapshotsBefore.map { .int(Int64($0)) }),
            "snapshotsAfter": .array(result.snapshotsAfter.map { .int(Int64($0)) }),
        ]))
    }
}
