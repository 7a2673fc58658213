import TandemModel
import TandemStore
import TandemSync

/// Where a store syncs, kept in its `meta` table by `tandem join`.
struct SyncSettings {
    static let serverKey = "sync.server"
    static let tokenKey = "sync.token"
    static let planKey = "sync.plan"

    let endpoint: SyncEndpoint
    let token: String

    /// The store's server and token, or an error saying how to join.
    static func load(_ store: ReplicaStore) throws -> SyncSettings {
        guard let server = try store.setting(serverKey), let endpoint = SyncEndpoint(server), let token = try store.setting(tokenKey) else {
            throw CLIError("not-joined", "this store has not joined a server; run 'tandem join HOST:PORT TOKEN' with the token from 'tandemd member add'")
        }
        return SyncSettings(endpoint: endpoint, token: token)
    }

    /// `sync: 3 pending · 1 refused · last synced 2026-03-20 14:02 UTC with 127.0.0.1:7420`, or nil when never joined.
    static func statusLine(_ store: ReplicaStore) throws -> String? {
        guard let server = try store.setting(serverKey) else { return nil }
        let stats = try store.statistics()
        let refused = try store.rejectedOperations().count
        let state = try store.syncState(server: server)
        let last = state.lastSyncMilliseconds.map { "last synced \(Instant(milliseconds: $0))" } ?? "never synced"
        var parts = ["\(stats.pending) pending"]
        if refused > 0 { parts.append("\(refused) refused ('tandem sync' lists them)") }
        parts.append("\(last) with \(server)")
        return "sync: " + parts.joined(separator: " · ")
    }
}
