import TandemModel
import TandemStore

/// Where this store's log begins when it was caught up from a server snapshot,
/// for the commands that read the log (`history`, `conflicts`, `doc log`,
/// `doc diff`, `report`): they say so instead of silently showing less.
struct HistoryBoundary {
    let base: ServerBase

    /// The boundary of `store`, or nil when its log is the whole history.
    static func of(_ store: ReplicaStore) throws -> HistoryBoundary? {
        try store.serverBase().map(HistoryBoundary.init)
    }

    var installed: String { Instant(milliseconds: base.installedMilliseconds).description }

    /// One sentence for people: what is missing and where it lives.
    var note: String {
        "note: this store was caught up from a server snapshot (server sequence \(base.sequence), installed \(installed)); "
            + "changes made before it are not in its log, only their result. The full history is on the server "
            + "(an operator's 'tandem admin history PLAN ENTITY', unless a pruning compaction removed it too)."
    }

    /// The note on standard output after a table, or on standard error when
    /// standard output is JSON (whose shape stays the same).
    func announce(json: Bool) {
        if json { CLIContext.current.output.errorLine(note) } else { Out.line(note) }
    }

    /// An entity's fields as they were in the snapshot, or nil when it did not exist yet.
    func fieldsAtBase(of id: EntityID) -> [(field: String, value: Value)]? {
        guard let state = base.document[id] else { return nil }
        return state.fields.keys.sorted().compactMap { key in state.fields[key].map { (key, $0.value) } }
    }
}
