import Dispatch
import CSQLite
import Foundation
import Logging
import TandemModel
import TandemServer
import TandemStore
import TandemSync
import TandemWire

/// Foundation has an `Operation` too; in this benchmark module it means the model's
/// (a module-level alias, so every file here that imports both resolves it).
typealias Operation = TandemModel.Operation

/// Sync figures (medians over `runs`), against an in-process `SyncServer`
/// with its SQLite store in a temporary directory (WAL, synchronous=FULL),
/// over TCP on 127.0.0.1:
/// - ingest: one client pushing 10,000 / 100,000 / 1,000,000 operations in batches, durable
///   (target ≥ 200,000 ops/s), beside the store alone committing the same batches (the baseline);
/// - catch-up: a fresh client joining a plan of each of those sizes (target < 2 s at 100,000);
/// - latency: push to delivery at 50 and 500 other live clients, p50/p99 (target p99 < 50 ms);
/// - memory: per idle connected client and per loaded plan (`SyncBenchmark+Memory.swift`);
/// - bytes on the wire per operation, raw and compressed.
/// With `json`, the figures also go to that file for `benchmarks/report.py`.
func runSyncBenchmark(runs: Int = 3, json: String? = nil) {
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        var benchmark = SyncBenchmark(runs: max(1, runs))
        do { try await benchmark.run() } catch { print("sync: benchmark failed: \(error)") }
        if let json {
            do { try benchmark.results.write(to: json) } catch { print("sync: cannot write \(json): \(error)") }
        }
        done.signal()
    }
    done.wait()
}

struct SyncBenchmark {
    let runs: Int
    let logger = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })
    var results = SyncResults()
    static let operations = 100_000
    /// Plan sizes for ingest and catch-up growth (×1, ×10, ×100); the largest runs once.
    static let sizes = [10_000, 100_000, 1_000_000]

    mutating func run() async throws {
        var load = [Double](repeating: 0, count: 3)
        _ = getloadavg(&load, 3)
        results.loadBefore = load[0]
        // Wall-clock figures on a shared 2-core machine depend on what else runs: say so.
        print("sync: workload create + title + status per task, then renames; load average \(String(format: "%.1f", load[0])) on \(ProcessInfo.processInfo.activeProcessorCount) cores")
        if CommandLine.arguments.contains("--ingest-only") {
            // For profiling the ingest path: one size, nothing else (`--catch-up`: and the catch-ups).
            return try await ingestAndCatchUp(size: Self.operations, runs: runs, catchUp: CommandLine.arguments.contains("--catch-up"))
        }
        if CommandLine.arguments.contains("--memory-only") {
            try await idleClientMemory(clients: 500)
            return try await loadedPlanMemory(plans: 100)
        }
        if CommandLine.arguments.contains("--fanout-only") {
            // For profiling fan-out: the latency rows alone (`--clients N` for one size).
            let clients = CommandLine.arguments.firstIndex(of: "--clients").flatMap { Int(CommandLine.arguments[$0 + 1]) }
            for subscribers in clients.map({ [$0] }) ?? [50, 500] {
                try await latency(subscribers: subscribers, pushes: subscribers >= 500 ? 100 : 200)
            }
            return
        }
        try bytesPerOperation(Self.workload().operations)
        for size in Self.sizes {
            try await ingestAndCatchUp(size: size, runs: size >= 1_000_000 ? 1 : runs)
        }
        try await parallelIngest(clients: 8, operations: Self.operations)
        for subscribers in [50, 500] {
            try await latency(subscribers: subscribers, pushes: subscribers >= 500 ? 100 : 200)
        }
        try await idleClientMemory(clients: 500)
        try await loadedPlanMemory(plans: 100)
        _ = getloadavg(&load, 3)
        results.loadAfter = load[0]
    }

    // MARK: Ingest and catch-up

    /// Pushes `size` operations through one client (ingest), commits the same batches into a
    /// store of its own (the baseline: what the server adds to SQLite), then times fresh clients
    /// catching up.
    mutating func ingestAndCatchUp(size: Int, runs: Int, catchUp: Bool = true) async throws {
        var rates: [Double] = [], baseline: [Double] = [], syncTimes: [Double] = [], cpuTimes: [Double] = [], storeBytes: [Double] = []
        var catchUps: [String: [Double]] = [:]
        var made = 0
        for _ in 0..<runs {
            try await withServer { server, store, port in
                let plan = try await PlanAdministration(store: store).createPlan(.init(title: "Bench", customer: "Acme"))
                let (member, token) = try await PlanAdministration(store: store).addMember(plan: plan.id, name: "Pusher", side: .internal, role: nil)
                let endpoint = SyncEndpoint(host: "127.0.0.1", port: port)
                let pusher = InMemorySyncReplica(author: member.member, supportsSnapshots: false)
                _ = try await SyncClient(endpoint: endpoint, token: token, replica: pusher, logger: logger).syncOnce()
                made = pusher.edit { plan in Self.makeOperations(in: &plan, tasks: (size - 40 + 3) / 4) }
                let operations = try pusher.pendingOperations()
                let options = SyncOptions(batchSize: 5_000, window: 4, responseTimeout: .seconds(120))
                let lastAck = LockedBox(ContinuousClock.now)
                let cpuBefore = Self.cpuSeconds()
                let lastAckCPU = LockedBox(cpuBefore)
                let start = ContinuousClock.now
                let report = try await SyncClient(endpoint: endpoint, token: token, replica: pusher, options: options, logger: logger).syncOnce { event in
                    if case .acknowledged = event {
                        lastAck.mutate { $0 = .now }
                        lastAckCPU.mutate { $0 = Self.cpuSeconds() }
                    }
                }
                rates.append(Double(report.acknowledged) / (lastAck.value - start).seconds)
                syncTimes.append((ContinuousClock.now - start).seconds)
                cpuTimes.append(lastAckCPU.value - cpuBefore)
                let stored = try await Self.storeOnlyRate(operations)
                baseline.append(stored.opsPerSecond)
                storeBytes.append(stored.bytesPerOperation)

                // Catch-up of a fresh client: into a SQLite store (full history), into memory, and from a snapshot.
                for (label, makeReplica) in Self.freshReplicas(endpoint: endpoint) where catchUp {
                    let (replica, cleanup) = try makeReplica()
                    defer { cleanup() }
                    let begin = ContinuousClock.now
                    _ = try await SyncClient(endpoint: endpoint, token: token, replica: replica, options: options, logger: logger).syncOnce()
                    catchUps[label, default: []].append((ContinuousClock.now - begin).seconds)
                }
            }
        }
        let row = SyncResults.Ingest(operations: made, runs: runs, opsPerSecond: median(rates), minimum: rates.min()!,
                                     storeOnlyOpsPerSecond: median(baseline), cpuSeconds: median(cpuTimes), wholeSyncSeconds: median(syncTimes),
                                     storeBytesPerOperation: median(storeBytes))
        results.ingest.append(row)
        results.catchUp.append(SyncResults.CatchUp(operations: made, runs: runs, sqliteSeconds: median(catchUps[Self.replicaLabels[0]] ?? []),
                                                   memorySeconds: median(catchUps[Self.replicaLabels[1]] ?? []),
                                                   snapshotSeconds: median(catchUps[Self.replicaLabels[2]] ?? [])))
        print("sync: ingest, one client, \(made) operations in batches of 5,000 (window 4), durable: median \(Int(row.opsPerSecond)) ops/s (min \(Int(row.minimum)), \(runs) runs; target ≥ 200,000); the store alone, same batches: \(Int(row.storeOnlyOpsPerSecond)) ops/s, \(format(row.storeBytesPerOperation ?? 0)) bytes on disk per operation")
        print("sync: ingest CPU time (client and server together, all threads) to the last ACK: median \(ms(row.cpuSeconds)), i.e. \(Int(Double(made) / row.cpuSeconds)) ops per CPU-second; the whole 'sync' (push, catch-up, digests): \(ms(row.wholeSyncSeconds))")
        for label in Self.replicaLabels {
            print("sync: catch-up of a fresh client joining a \(made)-operation plan, \(label): median \(ms(median(catchUps[label] ?? []))) (\(runs) runs; target < 2 s at 100,000)")
        }
    }

    /// `clients` clients, each on a plan of its own, pushing `operations` in all in batches of
    /// 500 at once: what many small pushes cost when each needs a durable commit.
    mutating func parallelIngest(clients: Int, operations total: Int) async throws {
        var rates: [Double] = []
        let each = total / clients
        for _ in 0..<runs {
            try await withServer { server, store, port in
                let admin = PlanAdministration(store: store)
                let endpoint = SyncEndpoint(host: "127.0.0.1", port: port)
                var pushers: [SyncClient] = []
                for index in 0..<clients {
                    let plan = try await admin.createPlan(.init(title: "Plan \(index)", customer: "Acme"))
                    pushers.append(try await Self.pusher(into: plan.id, admin: admin, endpoint: endpoint, name: "Pusher", operations: each,
                                                         batchSize: 500, logger: logger).client)
                }
                rates.append(try await Self.pushTogether(pushers))
            }
        }
        results.parallelIngest = SyncResults.ParallelIngest(clients: clients, operations: total, batch: 500, runs: runs, opsPerSecond: median(rates))
        print("sync: ingest, \(clients) clients on \(clients) plans at once, \(total) operations in all in batches of 500, durable: median \(Int(median(rates))) ops/s (\(runs) runs)")
    }

    /// A member of `plan` whose replica holds the plan and about `operations` new ones of
    /// the benchmark's workload, with a client to push them in batches of `batchSize`.
    static func pusher(into plan: EntityID, admin: PlanAdministration, endpoint: SyncEndpoint, name: String, operations: Int,
                       batchSize: Int, logger: Logger) async throws -> (client: SyncClient, made: Int) {
        let (member, token) = try await admin.addMember(plan: plan, name: name, side: .internal, role: nil)
        let replica = InMemorySyncReplica(author: member.member, supportsSnapshots: false)
        _ = try await SyncClient(endpoint: endpoint, token: token, replica: replica, logger: logger).syncOnce()
        let made = replica.edit { plan in makeOperations(in: &plan, tasks: (operations - 40) / 4) }
        let options = SyncOptions(batchSize: batchSize, window: 4, responseTimeout: .seconds(120))
        return (SyncClient(endpoint: endpoint, token: token, replica: replica, options: options, logger: logger), made)
    }

    /// Runs every client's sync at once: operations acknowledged per second, timed to the
    /// last (durable) acknowledgement, not to the end of each client's catch-up of the others'.
    static func pushTogether(_ clients: [SyncClient]) async throws -> Double {
        let lastAck = LockedBox(ContinuousClock.now)
        let start = ContinuousClock.now
        let acknowledged = try await withThrowingTaskGroup(of: Int.self) { group in
            for client in clients {
                group.addTask {
                    try await client.syncOnce { event in if case .acknowledged = event { lastAck.mutate { $0 = max($0, .now) } } }.acknowledged
                }
            }
            return try await group.reduce(0, +)
        }
        return Double(acknowledged) / (lastAck.value - start).seconds
    }

    /// The baseline: the same batches committed straight into a fresh store (no network,
    /// no validation, no publishing). Also
    /// what the log costs on disk: the database's pages per operation afterwards.
    static func storeOnlyRate(_ operations: [Operation]) async throws -> (opsPerSecond: Double, bytesPerOperation: Double) {
        let directory = NSTemporaryDirectory() + "tandem-bench-store-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteServerStore(directory: directory)
        let plan = try await PlanAdministration(store: store).createPlan(.init(title: "Baseline", customer: "Acme"))
        let start = ContinuousClock.now
        for offset in stride(from: 0, to: operations.count, by: 5_000) {
            _ = try await store.commit(plan: plan.id, operations: Array(operations[offset..<min(offset + 5_000, operations.count)]))
        }
        let rate = Double(operations.count) / (ContinuousClock.now - start).seconds
        // The database's logical size (its pages, those still in the write-ahead log included):
        // the WAL file itself is a reusable buffer, not data.
        var db: OpaquePointer?
        var bytes: Int64 = 0
        if sqlite3_open(directory + "/" + SQLiteServerStore.databaseFileName, &db) == SQLITE_OK {
            var statement: OpaquePointer?
            if sqlite3_prepare_v2(db, "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()", -1, &statement, nil) == SQLITE_OK,
               sqlite3_step(statement) == SQLITE_ROW {
                bytes = sqlite3_column_int64(statement, 0)
            }
            sqlite3_finalize(statement)
        }
        sqlite3_close(db)
        return (rate, Double(bytes) / Double(operations.count))
    }

    // MARK: Latency

    mutating func latency(subscribers: Int = 50, pushes: Int = 200) async throws {
        var p50s: [Double] = [], p99s: [Double] = []
        for _ in 0..<runs {
            try await withServer { server, store, port in
                let admin = PlanAdministration(store: store)
                let plan = try await admin.createPlan(.init(title: "Latency", customer: "Acme"))
                let endpoint = SyncEndpoint(host: "127.0.0.1", port: port)
                let sentAt = LockedBox<[Int: ContinuousClock.Instant]>([:])
                let samples = LockedBox<[Double]>([])
                var watchers: [Task<Void, any Error>] = []
                let ready = LockedBox(0)
                for index in 0..<subscribers {
                    let (member, token) = try await admin.addMember(plan: plan.id, name: "Watcher \(index)", side: .customer, role: nil)
                    let replica = InMemorySyncReplica(author: member.member, supportsSnapshots: false)
                    replica.onReceive = { operations in
                        let now = ContinuousClock.now
                        for operation in operations {
                            guard case .set(_, "title", .string(let title), _) = operation.action, title.hasPrefix("lat-"), let index = Int(title.dropFirst(4)),
                                  let sent = sentAt.value[index] else { continue }
                            samples.mutate { $0.append((now - sent).seconds) }
                        }
                    }
                    let client = SyncClient(endpoint: endpoint, token: token, replica: replica, options: Self.watcherOptions, logger: logger)
                    watchers.append(Task { try await client.watch { event in if case .converged = event { ready.mutate { $0 += 1 } } } })
                }
                let (member, token) = try await admin.addMember(plan: plan.id, name: "Pusher", side: .internal, role: nil)
                let pusher = InMemorySyncReplica(author: member.member, supportsSnapshots: false)
                let pushOptions = SyncOptions(pollInterval: .milliseconds(1))
                let pushClient = SyncClient(endpoint: endpoint, token: token, replica: pusher, options: pushOptions, logger: logger)
                let pusherReady = LockedBox(false)
                let pushing = Task { try await pushClient.watch { event in if case .converged = event { pusherReady.mutate { $0 = true } } } }
                // Every watcher and the pusher itself hold the plan before the first edit.
                while ready.value < subscribers || !pusherReady.value { try await Task.sleep(for: .milliseconds(20)) }
                try await Task.sleep(for: .milliseconds(300))
                let task = try pusher.edit { plan -> EntityID in
                    let phase = try plan.addPhase(title: "Latency")
                    return try plan.addTask(.init(title: "lat-setup"), in: phase)
                }
                try await Task.sleep(for: .milliseconds(500))
                for index in 0..<pushes {
                    sentAt.mutate { $0[index] = .now }
                    try pusher.edit { plan in try plan.editTask(task, title: "lat-\(index)") }
                    try await Task.sleep(for: .milliseconds(subscribers >= 500 ? 30 : 15))
                }
                let expected = pushes * subscribers
                for _ in 0..<300 where samples.value.count < expected { try await Task.sleep(for: .milliseconds(20)) }
                pushing.cancel()
                for watcher in watchers { watcher.cancel() }
                let sorted = samples.value.sorted()
                guard !sorted.isEmpty else { print("sync: latency: no deliveries measured"); return }
                p50s.append(sorted[sorted.count / 2])
                p99s.append(sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))])
                if sorted.count < expected { print("sync: latency: only \(sorted.count) of \(expected) deliveries seen") }
            }
        }
        results.fanOut.append(SyncResults.FanOut(clients: subscribers, pushes: pushes, runs: runs, p50Seconds: median(p50s), p99Seconds: median(p99s)))
        print("sync: push-to-delivery latency at \(subscribers) live clients (\(pushes) single-edit pushes, from the edit to each delivery, pusher polling every 1 ms): median p50 \(ms(median(p50s))), median p99 \(ms(median(p99s))) (\(runs) runs; target p99 < 50 ms)")
    }

    /// The receivers verify the plan's digest once, on joining, and not again during the
    /// measurement: a real client checks its digest (at most once a second by default) on its
    /// own machine, but 500 of them in this process re-rendering the whole plan each second took
    /// half of the 2 cores the server runs on (`perf`: 51% of samples in
    /// `InMemorySyncReplica.acknowledgedDigest`), so the figure was the receivers' more than
    /// the server's. `--verify-digests` restores the default interval (the old measurement).
    static var watcherOptions: SyncOptions {
        CommandLine.arguments.contains("--verify-digests") ? SyncOptions() : SyncOptions(digestInterval: .seconds(3_600))
    }

    // MARK: Bytes

    mutating func bytesPerOperation(_ operations: [Operation]) throws {
        let batches = stride(from: 0, to: operations.count, by: 5_000).map { Array(operations[$0..<min($0 + 5_000, operations.count)]) }
        var raw = 0, compressed = 0, single = 0
        for (index, batch) in batches.enumerated() {
            let message = Message.push(Push(batch: UInt64(index + 1), operations: batch))
            raw += message.frame(compressAbove: .max).bytes.count
            compressed += message.frame().bytes.count
            single += batch.reduce(0) { $0 + $1.encoded.count }
        }
        let count = Double(operations.count)
        (results.bytesPerOperationRaw, results.bytesPerOperationCompressed, results.bytesPerOperationSingle) = (Double(raw) / count, Double(compressed) / count, Double(single) / count)
        print(String(format: "sync: bytes on the wire per operation (typical edits, batches of 5,000, whole frames): raw %.2f, compressed %.2f (zlib level 1); one-by-one encoding %.2f", Double(raw) / count, Double(compressed) / count, Double(single) / count))
        let small = Array(operations.suffix(20))
        let smallMessage = Message.push(Push(batch: 1, operations: small))
        print(String(format: "sync: a small push of 20 renames: raw %.2f, compressed %.2f bytes per operation", Double(smallMessage.frame(compressAbove: .max).bytes.count) / 20, Double(smallMessage.frame(compressAbove: 0).bytes.count) / 20))
    }

    // MARK: Support

    static func workload() -> (operations: [Operation], unused: Void) {
        var plan = OnboardingPlan(replica: PlanReplica(replicaID: .random(), author: EntityID(OperationID(replica: ReplicaID(1), counter: 1))))
        _ = try! plan.createPlan(.init(title: "Bench", customer: "Acme"))
        _ = plan.replica.takeOutbox()
        _ = makeOperations(in: &plan)
        return (plan.replica.takeOutbox(), ())
    }

    /// `tasks` tasks (create, title, status) and as many renames, under 20 phases: 4 × tasks + 40 operations.
    @discardableResult
    static func makeOperations(in plan: inout OnboardingPlan, tasks taskCount: Int = 25_000) -> Int {
        var made = 0
        var tasks: [EntityID] = []
        let phases = (0..<20).map { try! plan.addPhase(title: "Phase \($0)") }
        made += 40
        for index in 0..<taskCount {
            tasks.append(try! plan.addTask(.init(title: "Task \(index)"), in: phases[index % phases.count]))
            made += 3
        }
        for (index, task) in tasks.enumerated() {
            try! plan.editTask(task, title: "Task \(index) (renamed)")
            made += 1
        }
        return made
    }

    static let replicaLabels = ["SQLite store (full history)", "in memory (full history)", "in memory from a snapshot"]

    static func freshReplicas(endpoint: SyncEndpoint) -> [(String, () throws -> (any SyncReplica, () -> Void))] {
        [
            (replicaLabels[0], {
                let directory = NSTemporaryDirectory() + "tandem-bench-client-\(UUID().uuidString)"
                let store = try ReplicaStore.create(at: directory)
                return (StoreSyncReplica(store: store, server: endpoint.description), { try? FileManager.default.removeItem(atPath: directory) })
            }),
            (replicaLabels[1], { (InMemorySyncReplica(supportsSnapshots: false), {}) }),
            (replicaLabels[2], { (InMemorySyncReplica(supportsSnapshots: true), {}) }),
        ]
    }

    func withServer(_ body: (SyncServer, SQLiteServerStore, Int) async throws -> Void) async throws {
        let directory = NSTemporaryDirectory() + "tandem-bench-server-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteServerStore(directory: directory)
        let server = SyncServer(store: store, configuration: ServerConfiguration(host: "127.0.0.1", port: 0), logger: logger)
        let running = Task { try await server.run() }
        let port = try await server.listeningPort()
        do {
            try await body(server, store, port)
        } catch {
            server.shutdown()
            _ = try? await running.value
            throw error
        }
        server.shutdown()
        _ = try? await running.value
    }

    /// User + system CPU time of this process so far, all threads.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    func median(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }

    func ms(_ seconds: Double) -> String { String(format: "%.1f ms", seconds * 1000) }
}

/// A value behind a lock, for counters shared with callbacks.
final class LockedBox<Value>: @unchecked Sendable {
    // @unchecked: `stored` is only touched under `lock`.
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    var value: Value { lock.withLock { stored } }
    func mutate(_ body: (inout Value) -> Void) { lock.withLock { body(&stored) } }
}
