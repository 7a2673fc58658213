import Logging
import PostgresNIO
import TandemServer

/// Creating databases on a cluster: the tests and the benchmark give each run
/// a fresh one next to the database named in `base`.
public enum PostgresDatabases {
    /// Creates an empty database named `prefix` plus a random suffix; returns its address.
    public static func createFresh(on base: PostgresStoreURL, prefix: String = "tandem_", logger: Logger) async throws -> PostgresStoreURL {
        guard prefix.allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "_") }) else {
            throw ServerStoreError(.invalidRequest, "a database name prefix takes letters and underscores only")
        }
        var url = base
        url.database = prefix + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let client = PostgresClient(configuration: base.clientConfiguration(maximumConnections: 1), backgroundLogger: logger)
        do {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { await client.run() }
                defer { tasks.cancelAll() }
                // The name is ours (checked above), so it may be spliced into the statement.
                try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(url.database)"), logger: logger)
            }
        } catch let error as PSQLError {
            throw ServerStoreError(.postgres, "cannot create a database on \(base.redacted): \(PostgresServerStore.describe(error))")
        }
        return url
    }
}
