import ArgumentParser
import TandemStore

/// `--full-history` / `--accept-snapshot` for `tandem join` and `tandem sync`:
/// whether the server may catch this store up from a snapshot.
///
/// By default the CLI announces the snapshot capability: a new store, one far
/// behind, or one behind a pruning `compact` is caught up from the server's
/// snapshot and its local history starts there (`tandem history` says so).
struct HistoryOptions: ParsableArguments {
    /// Set by `join --full-history`, so later syncs keep asking for the log.
    static let fullHistoryKey = "sync.full-history"

    @Flag(name: .customLong("full-history"), help: ArgumentHelp(
        "Never catch up from a server snapshot: keep every operation locally (join remembers it). After a pruning compaction such a store cannot sync (history-pruned)."))
    var fullHistory = false

    @Flag(name: .customLong("accept-snapshot"), help: ArgumentHelp(
        "Let the server catch this store up from a snapshot even though it was joined with --full-history (e.g. after history-pruned); the store forgets --full-history."))
    var acceptSnapshot = false

    func validate() throws {
        if fullHistory, acceptSnapshot { throw ValidationError("give at most one of --full-history and --accept-snapshot") }
    }

    /// Whether this sync of `store` may install a server snapshot.
    func acceptsSnapshots(_ store: ReplicaStore) throws -> Bool {
        if acceptSnapshot {
            try store.setSetting(Self.fullHistoryKey, nil)
            return true
        }
        let remembered = try store.setting(Self.fullHistoryKey) != nil
        return !fullHistory && !remembered
    }
}
