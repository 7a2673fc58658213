import CSQLite
import Foundation
import Logging
import TandemModel
import TandemServer
import TandemSync
import TandemWire

/// An in-process sync server on a free loopback port with a temporary data
/// directory, and a plan that has been through real concurrent edits: Ana
/// (internal) creates a task, both members sync, then each renames it offline
/// and syncs — one concurrent overwrite that last-writer-wins resolves.
struct AdminHarness: Sendable {
    let server: SyncServer
    let store: SQLiteServerStore
    let port: Int
    let directory: String

    static let quiet = Logger(label: "tandem.admin-test", factory: { _ in SwiftLogNoOpLogHandler() })

    static func with<T: Sendable>(metrics: ServerMetrics = .disabled, _ body: @Sendable (AdminHarness) async throws -> T) async throws -> T {
        let directory = NSTemporaryDirectory() + "tandem-admin-test-\(UUID().uuidString)"
        defer {
            // TANDEM_ADMIN_KEEP=DIR keeps a copy of the last data directory, to try the commands on by hand.
            if let keep = ProcessInfo.processInfo.environment["TANDEM_ADMIN_KEEP"] {
                try? FileManager.default.removeItem(atPath: keep)
                try? FileManager.default.copyItem(atPath: directory, toPath: keep)
            }
            try? FileManager.default.removeItem(atPath: directory)
        }
        let store = try SQLiteServerStore(directory: directory)
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0, handshakeTimeout: .seconds(2))
        configuration.metrics = metrics
        let server = SyncServer(store: store, configuration: configuration, logger: quiet)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let harness = AdminHarness(server: server, store: store, port: try await server.listeningPort(), directory: directory)
            do {
                let result = try await body(harness)
                server.shutdown()
                try await group.waitForAll()
                return result
            } catch {
                server.shutdown()
                try? await group.waitForAll()
                throw error
            }
        }
    }

    func sync(_ client: Client) async throws {
        let sync = SyncClient(endpoint: SyncEndpoint(host: "127.0.0.1", port: port), token: client.token, replica: client.replica,
                              options: SyncOptions(responseTimeout: .seconds(10)), logger: Self.quiet)
        _ = try await sync.syncOnce()
    }

    struct Client: Sendable {
        let name: String
        let member: EntityID
        let token: String
        let replica: InMemorySyncReplica
    }

    func addClient(_ plan: PlanRecord, name: String, side: Side, snapshots: Bool = true) async throws -> Client {
        let (record, token) = try await PlanAdministration(store: store).addMember(plan: plan.id, name: name, side: side, role: nil)
        return Client(name: name, member: record.member, token: token, replica: InMemorySyncReplica(author: record.member, supportsSnapshots: snapshots))
    }

    /// The scenario every admin test starts from.
    struct Scenario: Sendable {
        let plan: PlanRecord
        let ana: Client
        let bo: Client
        let task: EntityID
        /// The head once the task existed on both sides, before the concurrent renames.
        let headBeforeRenames: UInt64
    }

    func concurrentEdits() async throws -> Scenario {
        let plan = try await PlanAdministration(store: store).createPlan(OnboardingPlan.Details(title: "Acme rollout", customer: "Acme"))
        let ana = try await addClient(plan, name: "Ana", side: .internal)
        let bo = try await addClient(plan, name: "Bo", side: .customer)
        try await sync(ana)
        try await sync(bo)
        let task = try ana.replica.edit { plan in
            let phase = try plan.addPhase(title: "Setup")
            return try plan.addTask(.init(title: "Configure SSO"), in: phase)
        }
        try await sync(ana)
        try await sync(bo)
        let before = try await store.head(plan: plan.id)
        // Offline on both sides: the same field, neither seeing the other's write.
        try ana.replica.edit { plan in try plan.editTask(task, title: "Configure SSO (Okta)") }
        try bo.replica.edit { plan in try plan.editTask(task, title: "Configure SSO (Azure AD)") }
        try await sync(ana)
        try await sync(bo)
        try await sync(ana)
        return Scenario(plan: plan, ana: ana, bo: bo, task: task, headBeforeRenames: before)
    }

    /// Waits (up to 5 s) until the server has written every client's pull
    /// position: it does so about a second after a delivery, and reports read
    /// before and after that would differ in cursors and last-seen times.
    func cursorsSettled(_ clients: [Client], plan: EntityID) async throws {
        for _ in 0..<50 {
            let records = try await store.replicaRecords(plan: plan)
            let settled = try clients.allSatisfy { client in
                try records.first { $0.replica == client.replica.replicaID }?.cursor == client.replica.cursor()
            }
            if settled { return }
            try await Task.sleep(for: .milliseconds(100))
        }
    }

    /// Runs SQL straight on the server database, as a disk fault or a careless hand would.
    func tamper(_ sql: String) throws {
        var db: OpaquePointer?
        guard sqlite3_open(directory + "/" + SQLiteServerStore.databaseFileName, &db) == SQLITE_OK else { throw TamperError(message: "open failed") }
        defer { sqlite3_close(db) }
        // The running server writes too (replica cursors about once a second): wait for its lock.
        sqlite3_busy_timeout(db, 10_000)
        var error: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(db, sql, nil, nil, &error) == SQLITE_OK else {
            let message = error.map { String(cString: $0) } ?? "?"
            sqlite3_free(error)
            throw TamperError(message: message)
        }
    }

    struct TamperError: Error { let message: String }
}
