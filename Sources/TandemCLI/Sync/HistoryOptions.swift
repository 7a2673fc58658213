import ArgumentParser
import TandemStore

/// `--full-history` for `tandem join` and `tandem sync`: ask the server for
/// the whole log instead of letting it send a snapshot.
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

    /// Whether this sync of `store` may install a server snapshot.
    func acceptsSnapshots(_ store: ReplicaStore) throws -> Bool {
        try !fullHistory && store.setting(Self.fullHistoryKey) == nil
    }
}
