import Dispatch
import Foundation
import Logging
import ServiceLifecycle
import TandemModel
import TandemPostgres
import TandemServer
import TandemSync

/// Scale-out figures, in one run so they compare: ingest rate and fan-out
/// latency on the SQLite store (one instance), and on PostgreSQL with one and
/// with two in-process `SyncServer` instances sharing one database (each with
/// its own pool and plan-change follower, as separate `tandemd` processes have).
///
/// Needs a PostgreSQL server: `TANDEM_BENCH_POSTGRES_URL` (or the tests'
/// `TANDEM_TEST_POSTGRES_URL`); `scripts/postgres-test-cluster start` prints one.
/// Each setup gets a fresh database on that cluster.
func runScaleOutBenchmark(runs: Int) {
    let environment = ProcessInfo.processInfo.environment
    guard let text = environment["TANDEM_BENCH_POSTGRES_URL"] ?? environment["TANDEM_TEST_POSTGRES_URL"] else {
        print("scale-out: skipped: no PostgreSQL; set TANDEM_BENCH_POSTGRES_URL (scripts/postgres-test-cluster start prints one)")
        return
    }
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        do {
            var benchmark = ScaleOutBenchmark(base: try PostgresStoreURL(parsing: text), runs: max(1, runs))
            try await benchmark.run()
        } catch {
            print("scale-out: benchmark failed: \(error)")
        }
        done.signal()
    }
    done.wait()
}

struct ScaleOutBenchmark {
    enum Setup: CustomStringConvertible {
        case sqlite
        case postgres(instances: Int)

        var instances: Int { if case .postgres(let count) = self { count } else { 1 } }
        var description: String {
            switch self {
            case .sqlite: "SQLite, 1 instance"
            case .postgres(let count): "PostgreSQL, \(count) instance\(count == 1 ? "" : "s")"
            }
        }
    }

    let base: PostgresStoreURL
    let runs: Int
    let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
    static let setups: [Setup] = [.sqlite, .postgres(instances: 1), .postgres(instances: 2)]
    /// Ingest size: enough batches to reach a steady rate, small enough to keep the run quick.
    static let operations = 20_000
    static let watchers = 20
    static let pushes = 100

    mutating func run() async throws {
        print("scale-out: \(base.redacted); ingest of \(Self.operations) operations (batches of 1,000, window 4) by one client per instance into one plan; "
              + "fan-out from one pusher to \(Self.watchers) watchers (on the other instance when there are two); median of \(runs) runs")
        for setup in Self.setups {
            var rates: [Double] = [], separate: [Double] = [], p50s: [Double] = [], p99s: [Double] = []
            for _ in 0..<runs {
                rates.append(try await ingest(setup))
                if setup.instances > 1 { separate.append(try await ingest(setup, planEach: true)) }
                let (p50, p99) = try await fanOut(setup)
                p50s.append(p50)
                p99s.append(p99)
            }
            let apart = separate.isEmpty ? "" : " (one plan each: \(Int(median(separate))) ops/s)"
            print("scale-out: \(setup): ingest median \(Int(median(rates))) ops/s\(apart); fan-out latency p50 \(ms(median(p50s))), p99 \(ms(median(p99s)))")
        }
    }

    /// One client per instance, each pushing its share into the same plan: with
    /// two instances their commits contend for the plan's row lock.
    /// With `planEach`, each instance's client pushes into a plan of its own instead.
    func ingest(_ setup: Setup, planEach: Bool = false) async throws -> Double {
        try await withInstances(setup) { store, ports in
            let admin = PlanAdministration(store: store)
            let shared = try await admin.createPlan(.init(title: "Ingest", customer: "Acme"))
            var pushers: [SyncClient] = []
            for port in ports {
                let plan = planEach ? try await admin.createPlan(.init(title: "Ingest \(port)", customer: "Acme")) : shared
                pushers.append(try await SyncBenchmark.pusher(into: plan.id, admin: admin, endpoint: SyncEndpoint(host: "127.0.0.1", port: port),
                                                              name: "Pusher \(port)", operations: Self.operations / ports.count, batchSize: 1_000,
                                                              logger: logger).client)
            }
            return try await SyncBenchmark.pushTogether(pushers)
        }
    }

    /// Single-edit pushes through the first instance, timed from the edit to
    /// each watcher's delivery on the last instance.
    func fanOut(_ setup: Setup) async throws -> (p50: Double, p99: Double) {
        try await withInstances(setup) { store, ports in
            let admin = PlanAdministration(store: store)
            let plan = try await admin.createPlan(.init(title: "Fan-out", customer: "Acme"))
            let sentAt = LockedBox<[Int: ContinuousClock.Instant]>([:])
            let samples = LockedBox<[Double]>([])
            let ready = LockedBox(0)
            var tasks: [Task<Void, any Error>] = []
            defer { for task in tasks { task.cancel() } }
            for index in 0..<Self.watchers {
                let (member, token) = try await admin.addMember(plan: plan.id, name: "Watcher \(index)", side: .customer, role: nil)
                let replica = InMemorySyncReplica(author: member.member, supportsSnapshots: false)
                replica.onReceive = { operations in
                    let now = ContinuousClock.now
                    for operation in operations {
                        guard case .set(_, "title", .string(let title), _) = operation.action, title.hasPrefix("fan-"), let index = Int(title.dropFirst(4)),
                              let sent = sentAt.value[index] else { continue }
                        samples.mutate { $0.append((now - sent).seconds) }
                    }
                }
                let client = SyncClient(endpoint: SyncEndpoint(host: "127.0.0.1", port: ports.last!), token: token, replica: replica, logger: logger)
                tasks.append(Task { try await client.watch { event in if case .converged = event { ready.mutate { $0 += 1 } } } })
            }
            let (member, token) = try await admin.addMember(plan: plan.id, name: "Pusher", side: .internal, role: nil)
            let pusher = InMemorySyncReplica(author: member.member, supportsSnapshots: false)
            let pushClient = SyncClient(endpoint: SyncEndpoint(host: "127.0.0.1", port: ports[0]), token: token, replica: pusher,
                                        options: SyncOptions(pollInterval: .milliseconds(1)), logger: logger)
            // The pusher holds the plan before it edits (its watch would fetch it too, but not necessarily first).
            _ = try await pushClient.syncOnce()
            tasks.append(Task { try await pushClient.watch() })
            for _ in 0..<500 where ready.value < Self.watchers { try await Task.sleep(for: .milliseconds(20)) }
            let task = try pusher.edit { plan -> EntityID in try plan.addTask(.init(title: "fan-setup"), in: try plan.addPhase(title: "Fan-out")) }
            try await Task.sleep(for: .milliseconds(300))
            for index in 0..<Self.pushes {
                sentAt.mutate { $0[index] = .now }
                try pusher.edit { plan in try plan.editTask(task, title: "fan-\(index)") }
                try await Task.sleep(for: .milliseconds(15))
            }
            let expected = Self.pushes * Self.watchers
            for _ in 0..<300 where samples.value.count < expected { try await Task.sleep(for: .milliseconds(20)) }
            let sorted = samples.value.sorted()
            if sorted.count < expected { print("scale-out: \(setup): only \(sorted.count) of \(expected) deliveries seen") }
            guard !sorted.isEmpty else { return (.nan, .nan) }
            return (sorted[sorted.count / 2], sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))])
        }
    }

    /// Starts the setup's servers (and, on PostgreSQL, a pool and a follower
    /// per instance on a fresh database); `body` gets a store to administer
    /// plans with and the instances' ports.
    func withInstances<T: Sendable>(_ setup: Setup, _ body: (any ServerStore, [Int]) async throws -> T) async throws -> T {
        let directory = NSTemporaryDirectory() + "tandem-bench-scaleout-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var stores: [any ServerStore] = []
        var services: [any Service] = []
        switch setup {
        case .sqlite:
            stores = [try SQLiteServerStore(directory: directory)]
        case .postgres(let count):
            let url = try await PostgresDatabases.createFresh(on: base, prefix: "tandem_bench_", logger: logger)
            let postgres = (0..<count).map { _ in PostgresServerStore(url: url, logger: logger) }
            stores = postgres
            services = postgres
        }
        let servers = stores.map { SyncServer(store: $0, configuration: ServerConfiguration(host: "127.0.0.1", port: 0), logger: logger) }
        if case .postgres = setup {
            for (store, server) in zip(stores, servers) {
                services.append(PlanChangeFollower(store: store as! PostgresServerStore, server: server, logger: logger))
            }
        }
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            for service in services { tasks.addTask { try await service.run() } }
            for server in servers { tasks.addTask { try await server.run() } }
            defer {
                for server in servers { server.shutdown() }
                tasks.cancelAll()
            }
            for store in stores { try await (store as? PostgresServerStore)?.prepare(mode: .migrate) }
            var ports: [Int] = []
            for server in servers { ports.append(try await server.listeningPort()) }
            return try await body(stores[0], ports)
        }
    }

    func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
    func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }
}
