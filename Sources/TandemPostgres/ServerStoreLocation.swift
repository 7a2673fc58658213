import Logging
import ServiceLifecycle
import TandemServer

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a `tandemd` command keeps its data: the one place that knows both
/// stores, so commands never branch on which one they have.
///
/// - `.directory`: the embedded SQLite store in a data directory (the default);
/// - `.postgres`: a shared PostgreSQL database that several instances serve.
public enum ServerStoreLocation: Hashable, Sendable, CustomStringConvertible {
    case directory(String)
    case postgres(PostgresStoreURL)

    /// The environment variable read when neither `--store` nor `--data` is given.
    public static let environmentVariable = "TANDEMD_STORE"

    /// Chooses from `--store` (a `postgres://` address or a directory), `--data`
    /// (a directory), or else `TANDEMD_STORE`; exactly one must say.
    public static func resolve(store: String?, data: String?, environment: String? = Self.environment()) throws -> ServerStoreLocation {
        if store != nil, data != nil {
            throw ServerStoreError(.invalidRequest, "give --store or --data, not both")
        }
        guard let text = store ?? data ?? environment.flatMap({ $0.isEmpty ? nil : $0 }) else {
            throw ServerStoreError(.invalidRequest, "no store: give --data DIR (embedded SQLite), --store postgres://user@host:port/db, or set \(environmentVariable)")
        }
        if PostgresStoreURL.looksLikeURL(text) {
            guard data == nil else { throw ServerStoreError(.invalidRequest, "--data takes a directory; give a postgres:// address with --store") }
            return .postgres(try PostgresStoreURL(parsing: text))
        }
        if text.contains("://") {
            throw ServerStoreError(.invalidRequest, "'\(text.prefix(40))' is neither a directory nor a postgres:// address")
        }
        return .directory(text)
    }

    public static func environment() -> String? {
        getenv(environmentVariable).map { String(cString: $0) }
    }

    public var description: String {
        switch self {
        case .directory(let path): "directory \(path)"
        case .postgres(let url): url.redacted
        }
    }

    public enum Mode: Sendable {
        /// Create what is missing (a directory, the schema): serve, plan create, member add.
        case create
        /// The store must exist already: admin commands read, they do not create.
        case existing
    }

    /// Runs `body` with the store open; for PostgreSQL the connection pool runs
    /// beside it and is closed when `body` returns.
    public func withStore<T>(logger: Logger, mode: Mode, isolation: isolated (any Actor)? = #isolation,
                             _ body: (any ServerAdminStore) async throws -> T) async throws -> T {
        switch self {
        case .directory(let path):
            if mode == .existing, access(path + "/" + SQLiteServerStore.databaseFileName, F_OK) != 0 {
                throw ServerStoreError(.notFound, "no server database in \(path) (expected \(SQLiteServerStore.databaseFileName))")
            }
            return try await body(try SQLiteServerStore(directory: path))
        case .postgres(let url):
            let store = PostgresServerStore(url: url, logger: logger)
            return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { tasks in
                tasks.addTask { await store.run() }
                defer { tasks.cancelAll() }
                try await store.prepare(mode: mode == .create ? .migrate : .existing)
                return try await body(store)
            }
        }
    }

    /// What must run beside a ``SyncServer`` on this store: for PostgreSQL,
    /// the follower that brings other instances' commits to this one's subscribers.
    /// `safetyInterval`: how often loaded plans are compared with the store's
    /// heads even without a notification.
    public func companionServices(store: any ServerStore, server: SyncServer, logger: Logger,
                                  safetyInterval: Duration = .seconds(5)) -> [any Service] {
        guard let store = store as? PostgresServerStore else { return [] }
        return [PlanChangeFollower(store: store, server: server, logger: logger, safetyInterval: safetyInterval)]
    }
}
