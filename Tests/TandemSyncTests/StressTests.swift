import Foundation
import Testing
import TandemModel
import TandemServer
import TandemSync
import TandemWire

import TandemTesting
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// 1,000 concurrent connections to one server, a third of them hostile:
/// well-behaved clients still sync and converge, and their latency is printed.
///
/// The full size runs in CI too (it takes ~10–20 s on the 2-core machine);
/// `TANDEM_STRESS_CONNECTIONS=N` scales every group to a total of N.
@Suite("Many connections, some hostile", .timeLimit(.minutes(2)))
struct StressTests {
    /// Two sockets per connection (client and server) live in this process.
    static func raiseFileLimit(to wanted: rlim_t) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < wanted else { return }
        limit.rlim_cur = min(wanted, limit.rlim_max)
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }

    static func percentile(_ sorted: [Duration], _ p: Double) -> Duration {
        sorted[min(sorted.count - 1, Int((Double(sorted.count - 1) * p).rounded()))]
    }

    static func milliseconds(_ d: Duration) -> String {
        String(format: "%.1f ms", Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
    }

    @Test("well-behaved clients sync and converge among slow-loris, garbage, zip bombs and readers that never read")
    func thousandConnections() async throws {
        let total = Int(ProcessInfo.processInfo.environment["TANDEM_STRESS_CONNECTIONS"] ?? "") ?? 1_000
        let scale = Double(total) / 1_000
        func share(_ n: Int) -> Int { max(1, Int(Double(n) * scale)) }
        let (good, lurkers, live, loris, garbage, bombs, stalled) = (share(100), share(575), share(25), share(100), share(100), share(50), share(50))
        Self.raiseFileLimit(to: rlim_t(4 * total + 1_024))

        var configuration = ServerConfiguration(host: "127.0.0.1", port: 0, handshakeTimeout: .seconds(3))
        configuration.connectionLimits.maxConnections = total + 100
        configuration.connectionLimits.slowReaderTimeout = .seconds(2)
        let log = LogCapture()
        try await ServerHarness.with(configuration: configuration, logger: log.logger) { harness in
            let wall = ContinuousClock.now
            let plan = try await harness.createPlan()
            var added: [(member: EntityID, token: String)] = []
            for index in 0..<good { added.append(try await harness.addMember(plan, name: "Member \(index)", side: .internal)) }
            let members = added
            let clients = members.enumerated().map { TestClient(name: "Member \($0.offset)", member: $0.element.member, token: $0.element.token) }
            let port = harness.port

            // The crowd: authenticated lurkers (some live), then the hostile ones, all kept open.
            let crowd = try await withThrowingTaskGroup(of: RawConnection.self) { group in
                for index in 0..<(lurkers + live) {
                    group.addTask {
                        let connection = try await RawConnection(port: port)
                        _ = try await connection.hello(token: members[index % good].token)
                        try await connection.send(Message.subscribe(Subscribe(cursor: 0, live: index >= lurkers)).frame().bytes)
                        return connection
                    }
                }
                var all: [RawConnection] = []
                for try await connection in group { all.append(connection) }
                return all
            }
            let crowdReady = ContinuousClock.now - wall
            let drains = crowd.map { connection in Task { while let _ = try? await connection.next() {} } }
            let hello = Message.hello(Hello(replica: .random(), token: members[0].token, agent: "loris")).frame().bytes
            var random = SeededRandom(seed: 1_000)
            let garbageBytes = (0..<garbage).map { index in
                (0..<64).map { _ in UInt8.random(in: 0...255, using: &random) }.enumerated().map { offset, byte in
                    // Half start like a small frame of a random type, half are noise from the first byte.
                    index % 2 == 0 && offset < 3 ? 0 : byte
                }
            }
            let bomb = RawFrames.compressed(0x02, declared: 1000, [UInt8](repeating: 0, count: 1 << 20))
            let hostile = Task {
                try await withThrowingTaskGroup(of: String.self) { group in
                    for _ in 0..<loris {
                        group.addTask {
                            // A byte every 100 ms: 25 of HELLO's bytes by the 3 s handshake timeout, never all.
                            let connection = try await RawConnection(port: port)
                            for byte in hello.prefix(25) {
                                guard (try? await connection.send([byte])) != nil else { break }
                                try await Task.sleep(for: .milliseconds(100))
                            }
                            return "loris " + (try await connection.errorCodeAtClose() ?? "none")
                        }
                    }
                    for bytes in garbageBytes {
                        group.addTask {
                            let connection = try await RawConnection(port: port)
                            try? await connection.send(bytes)
                            return "garbage " + (try await connection.errorCodeAtClose() ?? "none")
                        }
                    }
                    for index in 0..<bombs {
                        group.addTask {
                            let connection = try await RawConnection(port: port)
                            _ = try await connection.hello(token: members[index % good].token)
                            try await connection.send(bomb)
                            return "bomb " + (try await connection.errorCodeAtClose() ?? "none")
                        }
                    }
                    var codes: [String: Int] = [:]
                    for try await code in group { codes[code, default: 0] += 1 }
                    return codes
                }
            }
            var readersThatNeverRead: [RawConnection] = []
            for index in 0..<stalled {
                let connection = try await RawConnection(port: port, receiveBuffer: 4096)
                _ = try await connection.hello(token: members[index % good].token)
                try await connection.send(Message.subscribe(Subscribe(cursor: 0, live: true)).frame().bytes)
                readersThatNeverRead.append(connection)
            }

            // The well-behaved: three rounds of edit-and-sync each, all at once, timed.
            let syncStart = ContinuousClock.now
            let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
                for client in clients {
                    group.addTask {
                        var times: [Duration] = []
                        let options = SyncOptions(responseTimeout: .seconds(30))
                        _ = try await harness.client(token: client.token, replica: client.replica, options: options).syncOnce()   // join
                        for round in 0..<3 {
                            try client.replica.edit { plan in _ = try plan.addPhase(title: "\(client.name) round \(round)") }
                            let start = ContinuousClock.now
                            _ = try await harness.client(token: client.token, replica: client.replica, options: options).syncOnce()
                            times.append(ContinuousClock.now - start)
                        }
                        return times
                    }
                }
                var all: [Duration] = []
                for try await times in group { all += times }
                return all.sorted()
            }
            let syncPhase = ContinuousClock.now - syncStart
            let hostileCodes = try await hostile.value

            // Converged: a last sync of every client lands on one sequence and one digest, the server's.
            var finals: [SyncReport] = []
            for client in clients { finals.append(try await harness.client(token: client.token, replica: client.replica).syncOnce()) }
            #expect(Set(finals.map(\.sequence)).count == 1)
            #expect(Set(finals.map(\.digest)).count == 1)
            #expect(try await harness.serverText(plan) == clients[0].replica.document.canonicalText())
            #expect(latencies.count == good * 3)

            let connections = good + lurkers + live + loris + garbage + bombs + stalled
            print("stress: \(connections) connections (\(good) syncing, \(lurkers + live) subscribed, \(loris) slow-loris, \(garbage) garbage, \(bombs) zip bombs, \(stalled) never reading);",
                  "\(latencies.count) syncs: median \(Self.milliseconds(Self.percentile(latencies, 0.5))), p99 \(Self.milliseconds(Self.percentile(latencies, 0.99))),",
                  "max \(Self.milliseconds(latencies.last ?? .zero)); hostile closed with \(hostileCodes.sorted { $0.key < $1.key });",
                  "crowd connected in \(crowdReady), syncs took \(syncPhase), wall \(ContinuousClock.now - wall)")
            #expect(hostileCodes["loris handshake-timeout", default: 0] == loris)
            #expect(hostileCodes["bomb inflation-limit", default: 0] == bombs)
            #expect(hostileCodes.keys.allSatisfy { !$0.hasSuffix(" none") }, "every hostile connection got an ERROR frame")

            for connection in crowd + readersThatNeverRead { await connection.close() }
            for drain in drains { drain.cancel() }
        }
    }
}
