import Foundation
import Testing
import TandemModel
import TandemPostgres
import TandemServer
import TandemSync
import TandemTesting

/// Several real `tandemd serve --store postgres://…` processes on one
/// database: clients spread across them converge, a SIGKILLed instance loses
/// no acknowledged operation, admin commands and `migrate-store` work on it.
// Needs a PostgreSQL server: .ci/run starts a throwaway cluster and sets the
// variable; without one these tests are skipped with this reason.
@Suite("tandemd on PostgreSQL (processes)",
       .enabled(if: PostgresTestDatabase.available,
                "TANDEM_TEST_POSTGRES_URL is not set, so no PostgreSQL server to test against: run `scripts/postgres-test-cluster start` and export the URL it prints (CI always does)"),
       .serialized, .timeLimit(.minutes(2)))
struct PostgresMultiInstanceTests {
    typealias Server = DurabilityTests.Server

    static let options = SyncOptions(batchSize: 50, window: 2, connectTimeout: .seconds(2), responseTimeout: .seconds(10),
                                     pollInterval: .milliseconds(20), digestInterval: .seconds(30))

    static func client(_ server: Server, _ token: String, _ replica: InMemorySyncReplica) -> SyncClient {
        SyncClient(endpoint: SyncEndpoint(host: "127.0.0.1", port: server.port), token: token, replica: replica, options: options, logger: ServerHarness.quiet)
    }

    /// A plan with members made by the real admin commands on `store` (`--store URL` or `--data DIR`).
    static func makePlan(_ store: [String], members: [String]) async throws -> (plan: String, clients: [TestClient]) {
        let plan = try await DurabilityTests.tandemd(["plan", "create", "--title", "Scale-out", "--customer", "Acme"] + store)
        var clients: [TestClient] = []
        for name in members {
            // "member ID", "token TOKEN" lines.
            let added = try await DurabilityTests.tandemd(["member", "add", "--plan", plan, "--name", name, "--side", "internal"] + store)
            func field(_ name: String) -> String? {
                added.split(separator: "\n").first { $0.hasPrefix(name + " ") }.map { String($0.dropFirst(name.count)).trimmingCharacters(in: .whitespaces) }
            }
            let member = try #require(field("member").flatMap(EntityID.init), "member add printed \(added)")
            clients.append(TestClient(name: name, member: member, token: try #require(field("token"))))
        }
        return (plan, clients)
    }

    @Test("three instances, clients spread across them: concurrent offline edits converge; a live watcher on one sees pushes through another")
    func threeInstancesConverge() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: DurabilityTests.binary), "build tandemd first (swift build)")
        let url = try await PostgresTestDatabase.create().address
        let store = ["--store", url]
        let (_, clients) = try await Self.makePlan(store, members: ["Ana", "Bo", "Cy"])
        // The safety sweep is slow on purpose: live delivery must come from NOTIFY.
        var started: [Server] = []
        for _ in 0..<3 { started.append(try await Server(store: store + ["--refresh-interval", "600"])) }
        let servers = started // a `let`, so the task group below may capture it
        defer { for server in servers { server.stop() } }
        for (index, client) in clients.enumerated() { _ = try await Self.client(servers[index], client.token, client.replica).syncOnce() }

        // Offline: each edits on its own, seeded.
        for (index, client) in clients.enumerated() {
            var rng = SeededRandom(seed: 90 + UInt64(index))
            try client.replica.edit { plan in RandomEdits.apply(count: 40, to: &plan, rng: &rng) }
        }
        // Back online all at once, each through its own instance; then once more through the next one.
        let online = servers.map(\.port)
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for (port, client) in zip(online, clients) {
                tasks.addTask {
                    _ = try await SyncClient(endpoint: SyncEndpoint(host: "127.0.0.1", port: port), token: client.token, replica: client.replica,
                                             options: Self.options, logger: ServerHarness.quiet).syncOnce()
                }
            }
            try await tasks.waitForAll()
        }
        for (index, client) in clients.enumerated() { _ = try await Self.client(servers[(index + 1) % 3], client.token, client.replica).syncOnce() }
        let texts = clients.map { $0.replica.document.canonicalText() }
        #expect(Set(texts).count == 1, "replicas diverged")
        #expect(clients.allSatisfy { $0.replica.pendingCount == 0 })

        // Live: Cy watches on instance 2 while Ana pushes through instance 0.
        let watcher = Self.client(servers[2], clients[2].token, clients[2].replica)
        let watch = Task { try await watcher.watch() }
        defer { watch.cancel() }
        try clients[0].replica.edit { plan in _ = try plan.addPhase(title: "Live across instances") }
        _ = try await Self.client(servers[0], clients[0].token, clients[0].replica).syncOnce()
        try await LiveSyncTests.waitUntil { clients[2].replica.document.operationCount == clients[0].replica.document.operationCount }
        #expect(clients[2].replica.document.canonicalText() == clients[0].replica.document.canonicalText())

        // The admin commands see one sound plan with every operation.
        let verify = try await DurabilityTests.run(["admin", "verify"] + store)
        #expect(verify.status == 0, "\(verify.output)")
    }

    @Test("SIGKILL of one of two instances mid-stream: no acknowledged operation lost; its client converges through the other")
    func killOneInstance() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: DurabilityTests.binary), "build tandemd first (swift build)")
        let url = try await PostgresTestDatabase.create().address
        let store = ["--store", url]
        let (_, clients) = try await Self.makePlan(store, members: ["Ana", "Bo"])
        let (writer, watcher) = (clients[0], clients[1])
        let doomed = try await Server(store: store)
        let survivor = try await Server(store: store + ["--refresh-interval", "1"])
        defer { survivor.stop() }
        _ = try await Self.client(doomed, writer.token, writer.replica).syncOnce()
        let phase = try writer.replica.edit { plan in try plan.addPhase(title: "Stream") }
        let watch = Task { try await Self.client(survivor, watcher.token, watcher.replica).watch() }
        defer { watch.cancel() }

        let port = doomed.port
        let pusher = Task {
            let client = SyncClient(endpoint: SyncEndpoint(host: "127.0.0.1", port: port), token: writer.token, replica: writer.replica,
                                    options: SyncOptions(batchSize: 7, window: 2, connectTimeout: .seconds(2), responseTimeout: .seconds(5)),
                                    logger: ServerHarness.quiet)
            for round in 0..<400 where !Task.isCancelled {
                try? writer.replica.edit { plan in for index in 0..<10 { _ = try plan.addTask(.init(title: "Task \(round)-\(index)"), in: phase) } }
                _ = try? await client.syncOnce()
            }
        }
        /// The writer's own operations the server has acknowledged.
        func acknowledged() throws -> [OperationID] {
            let pending = Set(try writer.replica.pendingOperations().map(\.id))
            return writer.replica.document.version.ranges[writer.replica.replicaID, default: []]
                .flatMap { $0 }.map { OperationID(replica: writer.replica.replicaID, counter: $0) }.filter { !pending.contains($0) }
        }
        // Kill once a good number are durable, mid-stream (up to 30 s on a loaded machine).
        let deadline = ContinuousClock.now + .seconds(30)
        while try acknowledged().count < 200, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        doomed.kill9()
        try await Task.sleep(for: .milliseconds(200))
        pusher.cancel()
        _ = await pusher.value
        let acknowledged = try acknowledged()
        #expect(acknowledged.count >= 200)

        // A fresh replica through the survivor holds every acknowledged operation.
        let fresh = InMemorySyncReplica(author: watcher.member, supportsSnapshots: false)
        _ = try await Self.client(survivor, watcher.token, fresh).syncOnce()
        let missing = acknowledged.filter { !fresh.document.version.contains($0) }
        #expect(missing.isEmpty, "\(missing.count) acknowledged operations lost, e.g. \(missing.prefix(3))")

        // The killed instance's client carries on through the survivor; everyone converges, the watcher live.
        _ = try await Self.client(survivor, writer.token, writer.replica).syncOnce()
        #expect(writer.replica.pendingCount == 0)
        // Counting is cheap; the texts are compared once, after.
        try await LiveSyncTests.waitUntil { watcher.replica.document.operationCount == writer.replica.document.operationCount }
        #expect(watcher.replica.document.canonicalText() == writer.replica.document.canonicalText())
        _ = try await Self.client(survivor, watcher.token, fresh).syncOnce()
        #expect(fresh.document.canonicalText() == writer.replica.document.canonicalText())
    }

    @Test("migrate-store copies a data directory into PostgreSQL and verifies it; the admin commands and old tokens work there")
    func migrateStoreRoundTrip() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: DurabilityTests.binary), "build tandemd first (swift build)")
        let data = NSTemporaryDirectory() + "tandemd-migrate-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: data) }
        let (plan, clients) = try await Self.makePlan(["--data", data], members: ["Ana", "Bo"])
        do {
            let embedded = try await Server(data: data)
            defer { embedded.stop() }
            for (index, client) in clients.enumerated() {
                var rng = SeededRandom(seed: 300 + UInt64(index))
                try client.replica.edit { plan in RandomEdits.apply(count: 60, to: &plan, rng: &rng) }
                _ = try await Self.client(embedded, client.token, client.replica).syncOnce()
            }
        }
        let url = try await PostgresTestDatabase.create().address
        let store = ["--store", url]

        let first = try await DurabilityTests.run(["migrate-store", "--from", data, "--to", url, "--json"])
        #expect(first.status == 0, "\(first.output)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(first.output.utf8)) as? [String: Any])
        #expect(report["ok"] as? Bool == true)
        let totals = try #require(report["totals"] as? [String: Any])
        #expect(totals["copied"] as? Int == 1 && totals["members"] as? Int == 2)
        let again = try await DurabilityTests.run(["migrate-store", "--from", data, "--to", url])
        #expect(again.status != 0, "a non-empty target must be refused")
        let resumed = try await DurabilityTests.run(["migrate-store", "--from", data, "--to", url, "--allow-non-empty"])
        #expect(resumed.status == 0 && resumed.output.contains("already there"), "\(resumed.output)")

        // The same answers from both stores.
        for command in [["admin", "state", plan], ["admin", "history", plan, String(plan.prefix(8))], ["plan", "list"]] {
            let fromDirectory = try await DurabilityTests.run(command + ["--data", data])
            let fromPostgres = try await DurabilityTests.run(command + store)
            #expect(fromDirectory.status == 0 && fromPostgres.status == 0, "\(command)")
            #expect(fromDirectory.output == fromPostgres.output, "\(command)")
        }
        for command in [["admin", "plans", "--json"], ["admin", "replicas", plan, "--json"], ["admin", "verify"], ["admin", "conflicts", plan],
                        ["admin", "compact", plan], ["analytics", "--as-of", "2026-01-01"], ["member", "list", "--plan", plan]] {
            let result = try await DurabilityTests.run(command + store)
            #expect(result.status == 0, "\(command): \(result.output)")
        }
        let unknownDatabase = try await DurabilityTests.run(["admin", "plans", "--store", url + "_missing"])
        #expect(unknownDatabase.status != 0)

        // Members' tokens were copied as hashes: the same clients carry on against PostgreSQL.
        let server = try await Server(store: store)
        defer { server.stop() }
        try clients[0].replica.edit { plan in _ = try plan.addPhase(title: "After the move") }
        for client in clients + clients { _ = try await Self.client(server, client.token, client.replica).syncOnce() }
        #expect(clients[0].replica.document.canonicalText() == clients[1].replica.document.canonicalText())
        #expect(clients[1].replica.document.canonicalText().contains("After the move"))
    }
}
