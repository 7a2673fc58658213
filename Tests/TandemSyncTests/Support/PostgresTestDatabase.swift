import Foundation
import Logging
import TandemModel
import TandemPostgres
import TandemServer

/// A fresh PostgreSQL database per test, on the cluster named by
/// `TANDEM_TEST_POSTGRES_URL` (`.ci/run` starts one with
/// `scripts/postgres-test-cluster start` and exports it).
enum PostgresTestDatabase {
    static let variable = "TANDEM_TEST_POSTGRES_URL"

    static var baseURL: String? {
        guard let text = ProcessInfo.processInfo.environment[variable], !text.isEmpty else { return nil }
        return text
    }

    /// Tests that need PostgreSQL carry `.enabled(if: PostgresTestDatabase.available, …)`.
    static var available: Bool { baseURL != nil }

    /// Creates an empty database for one test; returns its URL.
    static func create() async throws -> PostgresStoreURL {
        guard let baseURL else { throw ServerStoreError(.invalidRequest, "\(variable) is not set") }
        return try await PostgresDatabases.createFresh(on: try PostgresStoreURL(parsing: baseURL), prefix: "tandem_t_", logger: ServerHarness.quiet)
    }

    /// Runs `body` with `count` stores on one fresh database (as `count`
    /// instances would have), their pools running meanwhile; the schema is migrated.
    static func withStores<T>(count: Int = 1, _ body: (PostgresStoreURL, [PostgresServerStore]) async throws -> T) async throws -> T {
        let url = try await create()
        let stores = (0..<count).map { _ in PostgresServerStore(url: url, logger: ServerHarness.quiet) }
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            for store in stores { tasks.addTask { await store.run() } }
            defer { tasks.cancelAll() }
            for store in stores { try await store.prepare(mode: .migrate) }
            return try await body(url, stores)
        }
    }
}
