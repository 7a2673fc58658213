import Foundation
import Testing
import TandemModel
import TandemServer
import TandemSync
import TandemWire
import TandemTesting

/// Each connection limit over real sockets: the violating connection gets its
/// documented code (or, for pacing, is slowed), the server logs it, and a
/// well-behaved client of the same server still syncs.
@Suite("Connection limits", .timeLimit(.minutes(1)))
struct LimitTests {
    static func configuration(_ change: (inout ConnectionLimits) -> Void) -> ServerConfiguration {
        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0, handshakeTimeout: .seconds(2))
        change(&configuration.connectionLimits)
        return configuration
    }

    /// A member whose edits still sync: the server is unharmed.
    static func stillSyncs(_ harness: ServerHarness, _ plan: PlanRecord, _ name: String) async throws {
        let good = try await harness.addMember(plan, name: name, side: .internal)
        let client = TestClient(name: name, member: good.member, token: good.token)
        _ = try await harness.client(token: client.token, replica: client.replica).syncOnce()
        try client.replica.edit { plan in _ = try plan.addPhase(title: "\(name) was here") }
        let report = try await harness.client(token: client.token, replica: client.replica).syncOnce()
        #expect(report.acknowledged == 2)
    }

    @Test("connections beyond the total get too-many-connections before HELLO; closing one makes room")
    func totalConnections() async throws {
        let log = LogCapture()
        try await ServerHarness.with(configuration: Self.configuration { $0.maxConnections = 3 }, logger: log.logger) { harness in
            let plan = try await harness.createPlan()
            let member = try await harness.addMember(plan, name: "Holder")
            var held: [RawConnection] = []
            for _ in 0..<3 {
                let connection = try await RawConnection(port: harness.port)
                guard case .welcome? = try await connection.hello(token: member.token) else { Issue.record("no WELCOME"); return }
                held.append(connection)
            }
            let third = try await RawConnection(port: harness.port)
            try await third.send(Message.hello(Hello(replica: .random(), token: member.token, agent: "raw")).frame().bytes)
            #expect(try await third.errorCodeAtClose() == "too-many-connections")
            #expect(await log.waitForClosing("too-many-connections"))
            await held[0].close()
            await held[1].close()
            // The slots are freed once the server has seen the closes.
            let deadline = ContinuousClock.now + .seconds(5)
            while harness.server.openConnections > 1, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(harness.server.openConnections == 1)
            try await Self.stillSyncs(harness, plan, "After")
            await held[2].close()
        }
    }

    @Test("a member's connections beyond its limit get too-many-connections at HELLO; other members are unaffected")
    func perMemberConnections() async throws {
        try await ServerHarness.with(configuration: Self.configuration { $0.maxConnectionsPerMember = 2 }) { harness in
            let plan = try await harness.createPlan()
            let bo = try await harness.addMember(plan, name: "Bo")
            var open: [RawConnection] = []
            for _ in 0..<2 {
                let connection = try await RawConnection(port: harness.port)
                guard case .welcome? = try await connection.hello(token: bo.token) else { Issue.record("no WELCOME"); return }
                open.append(connection)
            }
            let extra = try await RawConnection(port: harness.port)
            guard case .error(let error)? = try await extra.hello(token: bo.token) else { Issue.record("no ERROR"); return }
            #expect(error.code == .tooManyConnections)
            try await Self.stillSyncs(harness, plan, "Cy")
            await open[0].close()
            try await Task.sleep(for: .milliseconds(200))
            let again = try await RawConnection(port: harness.port)
            guard case .welcome? = try await again.hello(token: bo.token) else { Issue.record("no WELCOME after a close"); return }
            for connection in open + [again] { await connection.close() }
        }
    }

    @Test("a flood of frames is rate-limited and closed")
    func frameRate() async throws {
        let log = LogCapture()
        try await ServerHarness.with(configuration: Self.configuration { $0.framesPerSecond = 20; $0.frameBurst = 40 }, logger: log.logger) { harness in
            let plan = try await harness.createPlan()
            let eve = try await harness.addMember(plan, name: "Eve")
            let flood = try await RawConnection(port: harness.port)
            guard case .welcome? = try await flood.hello(token: eve.token) else { Issue.record("no WELCOME"); return }
            try await flood.send((0..<200).flatMap { Message.ping(nonce: UInt64($0)).frame().bytes })
            #expect(try await flood.errorCodeAtClose() == "rate-limited")
            #expect(await log.waitForClosing("rate-limited"))
            try await Self.stillSyncs(harness, plan, "Good")
        }
    }

    @Test("pushes beyond the operations per second are paced, not lost")
    func operationPacing() async throws {
        try await ServerHarness.with(configuration: Self.configuration { $0.operationsPerSecond = 1_000; $0.operationBurst = 200 }) { harness in
            let plan = try await harness.createPlan()
            let bo = try await harness.addMember(plan, name: "Bo")
            let client = TestClient(name: "Bo", member: bo.member, token: bo.token)
            _ = try await harness.client(token: client.token, replica: client.replica).syncOnce()
            try client.replica.edit { plan in
                let phase = try plan.addPhase(title: "Bulk")
                for index in 0..<550 { _ = try plan.addTask(OnboardingPlan.TaskDraft(title: "Task \(index)"), in: phase) }
            }
            let pending = client.replica.pendingCount
            let start = ContinuousClock.now
            let report = try await harness.client(token: client.token, replica: client.replica, options: SyncOptions(batchSize: 100, responseTimeout: .seconds(10))).syncOnce()
            let elapsed = ContinuousClock.now - start
            #expect(report.acknowledged == pending)
            // 200 at once, the rest at 1,000 a second.
            let floor = Double(pending - 200) / 1_000 * 0.8
            #expect(elapsed >= .milliseconds(Int64(floor * 1000)), "\(pending) operations took \(elapsed)")
        }
    }

    @Test("a silent connection is pinged at half the idle timeout and closed at it; a live client answers and stays")
    func idleTimeout() async throws {
        let log = LogCapture()
        try await ServerHarness.with(configuration: Self.configuration { $0.idleTimeout = .milliseconds(1_500) }, logger: log.logger) { harness in
            let plan = try await harness.createPlan()
            let bo = try await harness.addMember(plan, name: "Bo")
            let silent = try await RawConnection(port: harness.port)
            guard case .welcome? = try await silent.hello(token: bo.token) else { Issue.record("no WELCOME"); return }
            let start = ContinuousClock.now
            let first = try await silent.next()
            guard case .ping? = first else { Issue.record("no PING but \(first.map { "\($0)" } ?? "a close")"); return }
            #expect(try await silent.errorCodeAtClose() == "idle-timeout")
            #expect(ContinuousClock.now - start >= .milliseconds(700))
            #expect(await log.waitForClosing("idle-timeout"))

            // A watching client answers the PINGs: no disconnect over several idle timeouts.
            let watcher = TestClient(name: "Bo", member: bo.member, token: bo.token)
            let disconnects = Counter()
            let task = Task {
                try await harness.client(token: watcher.token, replica: watcher.replica).watch { event in
                    if case .disconnected(let reason) = event { disconnects.add(reason) }
                }
            }
            // 1.5 s leaves a client on a loaded 2-core CI machine time to answer each PING.
            try await Task.sleep(for: .milliseconds(4_000))
            // Counted before stopping it: the cancellation itself ends the connection.
            #expect(disconnects.value == 0, "\(disconnects.reasons)")
            task.cancel()
            _ = try? await task.value
        }
    }

    @Test("a subscriber that stops reading is closed as a slow reader; the server's buffer for it stays bounded and others sync")
    func slowReader() async throws {
        let log = LogCapture()
        try await ServerHarness.with(configuration: Self.configuration { $0.slowReaderTimeout = .seconds(2); $0.socketSendBufferBytes = 32 << 10 }, logger: log.logger) { harness in
            let plan = try await harness.createPlan()
            let writer = try await harness.addMember(plan, name: "Writer", side: .internal)
            let client = TestClient(name: "Writer", member: writer.member, token: writer.token)
            // ~2 MB of barely compressible notes: more than the socket buffers between the server and a reader that never reads.
            _ = try await harness.client(token: client.token, replica: client.replica).syncOnce()
            var random = SeededRandom(seed: 8)
            try client.replica.edit { plan in
                let phase = try plan.addPhase(title: "Big")
                for index in 0..<40 {
                    let task = try plan.addTask(OnboardingPlan.TaskDraft(title: "Task \(index)"), in: phase)
                    let text = String((0..<50_000).map { _ in "abcdefghijklmnopqrstuvwxyz0123456789".randomElement(using: &random)! })
                    try plan.editTask(task, description: text)
                }
            }
            _ = try await harness.client(token: client.token, replica: client.replica).syncOnce()
            let reader = try await harness.addMember(plan, name: "Reader")
            // It says HELLO, subscribes from 0, and never reads a byte.
            let neverReads = try await RawConnection(port: harness.port, receiveBuffer: 4096, reads: false)
            try await neverReads.send(Message.hello(Hello(replica: .random(), token: reader.token, agent: "never-reads")).frame().bytes)
            try await neverReads.send(Message.subscribe(Subscribe(cursor: 0, live: true)).frame().bytes)
            let start = ContinuousClock.now
            #expect(await log.waitForClosing("slow-reader", timeout: .seconds(15)))
            #expect(ContinuousClock.now - start >= .milliseconds(1_800))
            try await Self.stillSyncs(harness, plan, "Other")
            // The server let go of it.
            let deadline = ContinuousClock.now + .seconds(5)
            while harness.server.openConnections > 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(harness.server.openConnections == 0)
            // Closing it is the limit working, not a server failure.
            #expect(!log.messages.contains("connection failed"), "\(log.messages)")
            await neverReads.close()
        }
    }
}

/// A thread-safe counter for event callbacks.
final class Counter: @unchecked Sendable {
    // @unchecked: `reasons` is only touched under `lock`.
    private let lock = NSLock()
    private var seen: [String] = []
    func add(_ reason: String = "") { lock.withLock { seen.append(reason) } }
    var value: Int { lock.withLock { seen.count } }
    var reasons: [String] { lock.withLock { seen } }
}
