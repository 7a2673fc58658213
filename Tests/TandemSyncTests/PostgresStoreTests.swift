import Foundation
import Testing
import TandemModel
@testable import TandemPostgres
import TandemServer
import TandemSync
import TandemTesting

/// The PostgreSQL store in-process: the conformance laws, commits from two
/// instances at once, and delivery between instances.
// Needs a PostgreSQL server: .ci/run starts a throwaway cluster and sets the
// variable; without one these tests are skipped with this reason.
@Suite("PostgreSQL server store",
       .enabled(if: PostgresTestDatabase.available,
                "TANDEM_TEST_POSTGRES_URL is not set, so no PostgreSQL server to test against: run `scripts/postgres-test-cluster start` and export the URL it prints (CI always does)"),
       .timeLimit(.minutes(1)))
struct PostgresStoreTests {
    @Test("the PostgreSQL server store keeps the ServerStore laws")
    func conformance() async throws {
        try await PostgresTestDatabase.withStores(count: 2) { _, stores in
            // The first open is the store under test; the second, another instance on the same database.
            var opened = 0
            try await ServerStoreConformance.check {
                defer { opened += 1 }
                return stores[min(opened, 1)]
            }
        }
    }

    @Test("the PostgreSQL server store keeps the ServerAdminStore laws (admin tokens, log pruning)")
    func adminConformance() async throws {
        try await PostgresTestDatabase.withStores { _, stores in try await ServerAdminStoreConformance.check(stores[0]) }
    }

    @Test("queued commits (a pipelined connection's) land in queue order per plan; a failed one does not stop those queued behind it")
    func queuedCommitsKeepTheirOrder() async throws {
        try await PostgresTestDatabase.withStores { _, stores in
            let store = stores[0]
            let plan = try await PlanAdministration(store: store).createPlan(OnboardingPlan.Details(title: "Queue", customer: "Acme"))
            let startHead = try await store.head(plan: plan.id)
            var author = OnboardingPlan(replica: PlanReplica(replicaID: ReplicaID(4_242), document: try await store.loadDocument(plan: plan.id).document))
            var batches: [[TandemModel.Operation]] = []
            var phase = try author.addPhase(title: "p0")
            for index in 0..<12 {
                // Each batch names what the one before it created.
                phase = try author.addPhase(title: "p\(index + 1)")
                _ = try author.addTask(.init(title: "t\(index)"), in: phase)
                batches.append(author.replica.takeOutbox())
            }
            let unknown = EntityID(OperationID(replica: ReplicaID(77), counter: 1))
            let queued = batches.map { store.queueCommit(plan: plan.id, operations: $0) }
            // Two commits to a plan that does not exist: the first fails, the second still runs (and fails too).
            let failing = [store.queueCommit(plan: unknown, operations: batches[0]), store.queueCommit(plan: unknown, operations: batches[1])]
            for pending in failing {
                await #expect(throws: ServerStoreError.self) { try await pending.result() }
            }
            var heads: [UInt64] = []
            for pending in queued { heads.append(try await pending.result().head) }
            #expect(heads == heads.sorted() && Set(heads).count == heads.count)
            let made = batches.flatMap { $0 }
            #expect(heads.last == startHead + UInt64(made.count))
            let log = try await store.operations(plan: plan.id, after: startHead, limit: made.count + 1)
            #expect(log.map(\.operation.id) == made.map(\.id))
            #expect(log.map(\.sequence) == Array(startHead + 1...startHead + UInt64(made.count)))
        }
    }

    @Test("two instances committing to one plan at once: gap-free sequences, each operation once, one order for every reader", arguments: [UInt64(7), 11])
    func concurrentCommits(seed: UInt64) async throws {
        try await PostgresTestDatabase.withStores(count: 2) { _, stores in
            let plan = try await PlanAdministration(store: stores[0]).createPlan(OnboardingPlan.Details(title: "Race", customer: "Acme"))
            let startHead = try await stores[0].head(plan: plan.id)
            // Four writers, each a run of batches; some batches are sent twice (a retry after a lost acknowledgement).
            var rng = SeededRandom(seed: seed)
            var batches: [[TandemModel.Operation]] = []
            for writer in 0..<4 {
                var document = OnboardingPlan(replica: PlanReplica(replicaID: ReplicaID(1_000 + UInt64(writer))))
                _ = try document.createPlan(.init(title: "w\(writer)", customer: "c"))
                let phase = try document.addPhase(title: "p")
                for _ in 0..<6 {
                    for _ in 0..<Int.random(in: 1...12, using: &rng) { _ = try document.addTask(.init(title: "t\(rng.next() % 1000)"), in: phase) }
                    batches.append(document.replica.takeOutbox())
                }
            }
            let resent = batches.filter { _ in Bool.random(using: &rng) }
            let all = (batches + resent).shuffled(using: &rng)
            let results = try await withThrowingTaskGroup(of: [(TandemModel.Operation, CommitResult.Outcome)].self) { tasks in
                for (index, batch) in all.enumerated() {
                    let store = stores[index % 2]
                    tasks.addTask { Array(zip(batch, try await store.commit(plan: plan.id, operations: batch).outcomes)) }
                }
                return try await tasks.reduce(into: []) { $0 += $1 }
            }
            let unique = Set(batches.flatMap { $0 }.map(\.id))
            let log = try await stores[1].operations(plan: plan.id, after: startHead, limit: 100_000)
            #expect(log.map(\.sequence) == Array((startHead + 1)...(startHead + UInt64(unique.count))))
            #expect(Set(log.map(\.operation.id)) == unique)
            #expect(try await stores[0].head(plan: plan.id) == startHead + UInt64(unique.count))
            #expect(try await stores[0].operations(plan: plan.id, after: startHead, limit: 100_000) == log)
            // Every outcome names the sequence the log holds the operation at; nothing conflicted.
            let sequenceOf = Dictionary(uniqueKeysWithValues: log.map { ($0.operation.id, $0.sequence) })
            for (operation, outcome) in results {
                switch outcome {
                case .stored(let sequence), .duplicate(let sequence): #expect(sequenceOf[operation.id] == sequence)
                case .conflicting: Issue.record("\(operation.id) reported conflicting")
                }
            }
            #expect(results.filter { if case .stored = $0.1 { true } else { false } }.count == unique.count)
        }
    }

    @Test("a push to one instance reaches a live subscriber on another through NOTIFY; a missed notice is caught up from the log")
    func deliveryBetweenInstances() async throws {
        try await PostgresTestDatabase.withStores(count: 3) { _, stores in
            let admin = PlanAdministration(store: stores[0])
            let plan = try await admin.createPlan(OnboardingPlan.Details(title: "Bus", customer: "Acme"))
            let (ana, anaToken) = try await admin.addMember(plan: plan.id, name: "Ana", side: .internal, role: nil)
            let (bo, boToken) = try await admin.addMember(plan: plan.id, name: "Bo", side: .customer, role: nil)
            let servers = stores.map { SyncServer(store: $0, configuration: ServerConfiguration(host: "127.0.0.1", port: 0), logger: ServerHarness.quiet) }
            // Instances 0 and 1 follow the bus (safety sweep far away, so delivery must come from NOTIFY); instance 2 does not.
            let followers = (0..<2).map { PlanChangeFollower(store: stores[$0], server: servers[$0], logger: ServerHarness.quiet, safetyInterval: .seconds(600)) }
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                for server in servers { tasks.addTask { try await server.run() } }
                for follower in followers { tasks.addTask { await follower.run() } }
                defer { for server in servers { server.shutdown() }; tasks.cancelAll() }
                var ports: [Int] = []
                for server in servers { ports.append(try await server.listeningPort()) }
                func client(_ token: String, _ replica: InMemorySyncReplica, instance: Int) -> SyncClient {
                    SyncClient(endpoint: SyncEndpoint(host: "127.0.0.1", port: ports[instance]), token: token, replica: replica,
                               options: SyncOptions(responseTimeout: .seconds(10), pollInterval: .milliseconds(20), digestInterval: .seconds(30)),
                               logger: ServerHarness.quiet)
                }
                let watcher = InMemorySyncReplica(author: bo.member)
                let writer = InMemorySyncReplica(author: ana.member)
                let watching = client(boToken, watcher, instance: 1)
                let watch = Task { try await watching.watch() }
                defer { watch.cancel() }
                try await LiveSyncTests.waitUntil { watcher.document.operationCount > 0 }
                _ = try await client(anaToken, writer, instance: 0).syncOnce()
                try writer.edit { plan in _ = try plan.addPhase(title: "Through instance 0") }
                let pushed = ContinuousClock.now
                _ = try await client(anaToken, writer, instance: 0).syncOnce()
                try await LiveSyncTests.waitUntil { watcher.document.canonicalText().contains("Through instance 0") }
                #expect(watcher.document.canonicalText().contains("Through instance 0"))
                #expect(ContinuousClock.now - pushed < .seconds(5), "live delivery across instances took \(ContinuousClock.now - pushed)")

                // Instance 2 has the plan loaded but hears nothing: behind after a commit elsewhere, caught up by one sweep.
                _ = try await client(boToken, InMemorySyncReplica(author: bo.member), instance: 2).syncOnce()
                try writer.edit { plan in _ = try plan.addPhase(title: "Unannounced") }
                _ = try await client(anaToken, writer, instance: 0).syncOnce()
                let head = try await stores[0].head(plan: plan.id)
                #expect(servers[2].loadedPlanHeads()[plan.id]! < head)
                await PlanChangeFollower(store: stores[2], server: servers[2], logger: ServerHarness.quiet).catchUp()
                #expect(servers[2].loadedPlanHeads()[plan.id] == head)
            }
        }
    }

}

/// Addresses and store selection: no server needed.
@Suite("PostgreSQL store addresses")
struct PostgresStoreURLTests {
    @Test("addresses: parsed, redacted, refused with a reason")
    func urls() throws {
        let url = try PostgresStoreURL(parsing: "postgres://ana:s%40cret@db.internal:6543/tandem?sslmode=require")
        #expect(url == PostgresStoreURL(user: "ana", password: "s@cret", host: "db.internal", port: 6543, database: "tandem", tls: .require))
        #expect(url.redacted == "postgres://ana:***@db.internal:6543/tandem?sslmode=require")
        #expect(try PostgresStoreURL(parsing: url.address) == url)
        #expect(try PostgresStoreURL(parsing: "postgresql://bo@[::1]/x") == PostgresStoreURL(user: "bo", host: "::1", database: "x"))
        for bad in ["postgres://host/db", "postgres://u@h:99999/db", "postgres://u@h/", "mysql://u@h/db", "postgres://u@h/db?sslmode=maybe",
                    "postgres://u:p@h/db?x=1", "postgres://u@h:port/db", String(repeating: "a", count: 3_000)] {
            #expect(throws: ServerStoreError.self, "\(bad)") { try PostgresStoreURL(parsing: bad) }
        }
        do {
            _ = try PostgresStoreURL(parsing: "postgres://u:topsecret@h:1/")
        } catch let error as ServerStoreError {
            #expect(!error.message.contains("topsecret"))
        }
        #expect(try ServerStoreLocation.resolve(store: nil, data: "/tmp/d", environment: "postgres://u@h/db") == .directory("/tmp/d"))
        #expect(try ServerStoreLocation.resolve(store: nil, data: nil, environment: "postgres://u@h/db") == .postgres(PostgresStoreURL(user: "u", host: "h", database: "db")))
        #expect(throws: ServerStoreError.self) { try ServerStoreLocation.resolve(store: "postgres://u@h/db", data: "/tmp/d", environment: nil) }
        #expect(throws: ServerStoreError.self) { try ServerStoreLocation.resolve(store: nil, data: nil, environment: nil) }
        #expect(PlanHeadNotice(payload: PlanHeadNotice(plan: EntityID(OperationID(replica: ReplicaID(9), counter: 3)), head: 42).payload)?.head == 42)
        #expect(PlanHeadNotice(payload: "hello world") == nil)
    }
}
