import Foundation
import Testing
import TandemTesting
import TandemModel
import TandemServer
import TandemSync
import TandemWire

/// The real `tandemd` binary, killed with SIGKILL while a client streams
/// pushes: after a restart every acknowledged operation is there and the
/// replicas converge.
@Suite("tandemd durability", .serialized, .timeLimit(.minutes(2)))
struct DurabilityTests {
    static var binary: String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("tandemd").path
    }

    /// Runs an admin command to completion and returns its standard output.
    static func tandemd(_ arguments: [String]) async throws -> String {
        let (status, output) = try await run(arguments)
        guard status == 0 else { throw WireError(.internalError, "tandemd \(arguments.joined(separator: " ")) failed") }
        return output.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs `tandemd` to completion: its exit status and standard output. The
    /// store comes from the arguments only, never from `TANDEMD_STORE`.
    static func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "TANDEMD_STORE")
        let outcome = try await ChildProcess.run(binary, arguments, environment: environment)
        return (outcome.status, outcome.output)
    }

    /// `tandemd serve` on a free port; waits for its "listening on" line.
    final class Server: @unchecked Sendable {
        let process = Process()
        private(set) var port = 0

        convenience init(data: String) async throws {
            try await self.init(store: ["--data", data])
        }

        /// `store`: `--data DIR` or `--store postgres://…`, and any further `serve` options.
        init(store: [String]) async throws {
            process.executableURL = URL(fileURLWithPath: DurabilityTests.binary)
            process.arguments = ["serve"] + store + ["--listen", "127.0.0.1:0", "--log-level", "error"]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            try process.run()
            let handle = pipe.fileHandleForReading
            // Read on a plain thread: a blocking read must not hold Swift's pool.
            port = await withCheckedContinuation { continuation in
                Thread {
                    var text = ""
                    while !text.contains("\n") {
                        let chunk = handle.availableData
                        if chunk.isEmpty { break }
                        text += String(decoding: chunk, as: UTF8.self)
                    }
                    let port = text.split(separator: ":").last.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
                    continuation.resume(returning: port)
                }.start()
            }
            if port == 0 { throw WireError(.connectionFailed, "tandemd did not report its port") }
        }

        func kill9() {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }

        func stop() {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
    }

    @Test("SIGKILL during a stream of pushes: every acknowledged operation survives and clients converge after a restart")
    func killDuringPushes() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build tandemd first (swift build)")
        let data = NSTemporaryDirectory() + "tandemd-kill-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: data) }
        let plan = try await Self.tandemd(["plan", "create", "--data", data, "--title", "Kill test", "--customer", "Acme"])
        let token = try await Self.tandemd(["member", "add", "--data", data, "--plan", plan, "--name", "Ana", "--side", "internal", "--token-only"])
        let listed = try await Self.tandemd(["member", "list", "--data", data, "--plan", plan, "--json"])
        let member = try #require(listed.components(separatedBy: "\"member\": \"").dropFirst().first.flatMap { EntityID(String($0.prefix(32))) })

        var server = try await Server(data: data)
        let writer = InMemorySyncReplica(author: member)
        let options = SyncOptions(batchSize: 7, window: 2, connectTimeout: .seconds(2), responseTimeout: .seconds(5))
        _ = try await SyncClient(endpoint: SyncEndpoint(host: "127.0.0.1", port: server.port), token: token, replica: writer, options: options,
                                 logger: ServerHarness.quiet).syncOnce()
        let phase = try writer.edit { plan in try plan.addPhase(title: "Stream") }

        // Stream pushes until the kill; count what was acknowledged.
        let port = server.port
        let pusher = Task {
            var rounds = 0
            while !Task.isCancelled, rounds < 400 {
                rounds += 1
                try? writer.edit { plan in for index in 0..<10 { _ = try plan.addTask(.init(title: "Task \(rounds)-\(index)"), in: phase) } }
                _ = try? await SyncClient(endpoint: SyncEndpoint(host: "127.0.0.1", port: port), token: token, replica: writer, options: options,
                                          logger: ServerHarness.quiet).syncOnce()
            }
        }
        // Kill once a good number of batches are durable, in the middle of the stream
        // (waiting up to 30 s: a loaded machine acknowledges slowly; an idle one in well under a second).
        // Only the writer's own acknowledged operations count (not the plan's creation it received), as checked below.
        let document = writer.document
        let received = document.operationCount - document.version.ranges[writer.replicaID, default: []].reduce(0) { $0 + $1.count }
        let deadline = ContinuousClock.now + .seconds(30)
        while writer.document.operationCount - received - writer.pendingCount < 300, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        server.kill9()
        try await Task.sleep(for: .milliseconds(200))
        pusher.cancel()
        _ = await pusher.value

        let pending = Set(try writer.pendingOperations().map(\.id))
        let made = writer.document.version
        var acknowledged: [OperationID] = []
        for replica in made.replicas where replica == writer.replicaID {
            for range in made.ranges[replica] ?? [] {
                for counter in range where !pending.contains(OperationID(replica: replica, counter: counter)) {
                    acknowledged.append(OperationID(replica: replica, counter: counter))
                }
            }
        }
        #expect(acknowledged.count >= 300)

        // Restart on the same data directory: a fresh replica sees every acknowledged operation.
        server = try await Server(data: data)
        let endpoint = SyncEndpoint(host: "127.0.0.1", port: server.port)
        let fresh = InMemorySyncReplica(author: member, supportsSnapshots: false)
        _ = try await SyncClient(endpoint: endpoint, token: token, replica: fresh, options: options, logger: ServerHarness.quiet).syncOnce()
        let missing = acknowledged.filter { !fresh.document.version.contains($0) }
        #expect(missing.isEmpty, "\(missing.count) acknowledged operations lost, e.g. \(missing.prefix(3))")

        // The writer re-sends what was in flight (duplicates are dropped) and everyone converges.
        _ = try await SyncClient(endpoint: endpoint, token: token, replica: writer, options: options, logger: ServerHarness.quiet).syncOnce()
        _ = try await SyncClient(endpoint: endpoint, token: token, replica: fresh, options: options, logger: ServerHarness.quiet).syncOnce()
        #expect(writer.pendingCount == 0)
        #expect(writer.document.canonicalText() == fresh.document.canonicalText())
        #expect(writer.document.operationCount == fresh.document.operationCount)

        // SIGTERM is a graceful shutdown: connections are told, the process exits 0.
        server.stop()
        #expect(server.process.terminationReason == .exit && server.process.terminationStatus == 0)
    }
}
