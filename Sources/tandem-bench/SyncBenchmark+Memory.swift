import Dispatch
import Foundation
import Logging
import TandemModel
import TandemServer
import TandemSync
import TandemWire

#if canImport(Glibc)
import Glibc
#endif

/// Memory figures of the server, in this process: the growth of the resident
/// set while `count` idle clients are connected, or `count` plans are loaded.
///
/// The idle clients are raw sockets that say HELLO and SUBSCRIBE (live) and
/// then wait: on this side each costs a file descriptor and no heap, so the
/// growth is the server's (its channel, connection task, stream and
/// subscription). Freed heap is returned to the system (`malloc_trim`) before
/// each reading so earlier benchmarks' garbage does not count.
extension SyncBenchmark {
    mutating func idleClientMemory(clients: Int) async throws {
        raiseFileLimit(to: clients * 2 + 256)
        var perClient: [Double] = [], before: [Double] = []
        for _ in 0..<runs {
            try await withServer { server, store, port in
                let admin = PlanAdministration(store: store)
                let plan = try await admin.createPlan(.init(title: "Idle", customer: "Acme"))
                // 20 connections per member: the server allows a member 32 by default.
                var tokens: [String] = []
                for index in 0..<(clients + 19) / 20 {
                    tokens.append(try await admin.addMember(plan: plan.id, name: "Watcher \(index)", side: .customer, role: nil).token)
                }
                // Warm up: the plan loaded, the event loops' and the task pool's buffers grown.
                for connection in try await IdleConnection.open(count: 20, port: port, token: tokens[0]) { connection.close() }
                try await Task.sleep(for: .milliseconds(200))
                let start = trimmedResidentBytes()
                var connections: [IdleConnection] = []
                for (index, token) in tokens.enumerated() {
                    connections += try await IdleConnection.open(count: min(20, clients - index * 20), port: port, token: token)
                }
                try await Task.sleep(for: .milliseconds(300))
                let end = trimmedResidentBytes()
                for connection in connections { connection.close() }
                perClient.append((end - start) / Double(clients))
                before.append(start)
            }
        }
        results.idleClient = SyncResults.Memory(count: clients, runs: runs, bytesEach: median(perClient), residentBeforeBytes: median(before))
        print(String(format: "sync: memory per idle connected client (%d clients, authenticated and subscribed): median %.1f KB (resident set growth / clients, %d runs; target < 50 KB)",
                     clients, median(perClient) / 1024, runs))
    }

    /// Plans of ~1,000 operations (a plan of 240 tasks) written by one server,
    /// then loaded by a second one on the same store.
    mutating func loadedPlanMemory(plans count: Int) async throws {
        var perPlan: [Double] = [], before: [Double] = []
        var operationsEach = 0, snapshotBytes = 0
        let directory = NSTemporaryDirectory() + "tandem-bench-plans-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var planIDs: [EntityID] = []
        do {
            let store = try SQLiteServerStore(directory: directory)
            let admin = PlanAdministration(store: store)
            let writer = ReplicaID.random()
            for index in 0..<count {
                let plan = try await admin.createPlan(.init(title: "Plan \(index)", customer: "Customer \(index)"))
                // The plan's own operations first, then the tasks written on top of them (as a member's replica would).
                let (document, _) = try await store.loadDocument(plan: plan.id)
                var editor = OnboardingPlan(replica: PlanReplica(replicaID: writer, document: document))
                Self.makeOperations(in: &editor, tasks: 240)
                let operations = editor.replica.takeOutbox()
                _ = try await store.commit(plan: plan.id, operations: operations)
                planIDs.append(plan.id)
                if index == 0 {
                    let (loaded, head) = try await store.loadDocument(plan: plan.id)
                    operationsEach = Int(head)
                    snapshotBytes = loaded.encodedSnapshot().count
                }
            }
        }
        for _ in 0..<runs {
            let store = try SQLiteServerStore(directory: directory)
            let server = SyncServer(store: store, configuration: ServerConfiguration(host: "127.0.0.1", port: 0), logger: logger)
            _ = try await server.preload(plan: planIDs[0])  // warm-up: code paths and the store's caches
            let start = trimmedResidentBytes()
            for plan in planIDs.dropFirst() { try await server.preload(plan: plan) }
            let end = trimmedResidentBytes()
            perPlan.append((end - start) / Double(planIDs.count - 1))
            before.append(start)
            withExtendedLifetime(server) {}
        }
        results.loadedPlan = SyncResults.Memory(count: count - 1, runs: runs, bytesEach: median(perPlan), residentBeforeBytes: median(before),
                                                operationsEach: operationsEach, snapshotBytesEach: snapshotBytes)
        print(String(format: "sync: memory per loaded plan (%d plans of %d operations, snapshot %.1f KB each): median %.1f KB (resident set growth / plans, %d runs)",
                     count - 1, operationsEach, Double(snapshotBytes) / 1024, median(perPlan) / 1024, runs))
    }

    private func trimmedResidentBytes() -> Double {
        // glibc's malloc_trim, looked up at run time (its module map does not export it).
        typealias Trim = @convention(c) (Int) -> Int32
        if let symbol = dlsym(dlopen(nil, RTLD_NOW), "malloc_trim") { _ = unsafeBitCast(symbol, to: Trim.self)(0) }
        return residentMegabytes() * 1_048_576
    }

    private func raiseFileLimit(to wanted: Int) {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        if limit.rlim_cur < rlim_t(wanted) {
            limit.rlim_cur = min(limit.rlim_max, rlim_t(wanted))
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
    }
}

/// A client connection over a plain blocking socket: HELLO, SUBSCRIBE (live),
/// read up to CAUGHT_UP, then idle until closed.
struct IdleConnection: Sendable {
    let descriptor: Int32

    /// Opens `count` connections on a Dispatch thread (blocking I/O stays off the task pool).
    static func open(count: Int, port: Int, token: String) async throws -> [IdleConnection] {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try (0..<count).map { _ in try IdleConnection(port: port, token: token) } })
            }
        }
    }

    private init(port: Int, token: String) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchFailure("socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { Glibc.close(fd); throw BenchFailure("connect: \(String(cString: strerror(errno)))") }
        descriptor = fd
        let hello = Message.hello(Hello(replica: .random(), token: token, agent: "tandem-bench idle"))
        let subscribe = Message.subscribe(Subscribe(cursor: 0, live: true))
        try send(hello.frame().bytes + subscribe.frame().bytes)
        try waitFor(Message.Kind.caughtUp.rawValue)
    }

    private func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            guard written > 0 else { throw BenchFailure("write: \(String(cString: strerror(errno)))") }
            offset += written
        }
    }

    private func waitFor(_ type: UInt8) throws {
        var buffered: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            var slice = buffered[...]
            while let frame = try Frame.split(&slice, maxFrameBytes: WireLimits.default.maxFrameBytes) {
                if frame.type == Message.Kind.error.rawValue { throw BenchFailure("the server refused an idle client: \(try Message.decode(frame))") }
                if frame.type == type { return }
            }
            buffered = Array(slice)
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { throw BenchFailure("the server closed an idle client's connection") }
            buffered += chunk[0..<count]
        }
    }

    func close() { Glibc.close(descriptor) }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
