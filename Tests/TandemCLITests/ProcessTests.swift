import Foundation
import Testing
import TandemModel
import TandemStore

/// Real `tandem` processes: killed mid-write, and two writing at once.
@Suite("CLI processes: kill -9 and concurrent writers", .serialized)
struct ProcessTests {
    /// The `tandem` binary built beside this test bundle.
    static var binary: String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("tandem").path
    }

    func launch(_ arguments: [String], environment: [String: String] = [:]) throws -> (Process, FileHandle) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        return (process, pipe.fileHandleForReading)
    }

    /// `ack REPLICA COUNTER` lines → operation ids.
    static func acknowledged(_ text: String) -> [OperationID] {
        text.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            guard parts.count == 3, parts[0] == "ack", let replica = ReplicaID(hex: parts[1]), let counter = UInt64(parts[2]) else { return nil }
            return OperationID(replica: replica, counter: counter)
        }
    }

    @Test func killedWriterLosesNothingAcknowledged() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the tandem binary first (swift build)")
        let h = CLIHarness.withPlan()
        defer { h.cleanUp() }
        let (process, output) = try launch(["debug", "write-loop", "1000000", "--store", h.store], environment: ["TANDEM_SNAPSHOT_THRESHOLD": "40"])
        var text = ""
        let deadline = Date().addingTimeInterval(20)
        while Self.acknowledged(text).count < 150, Date() < deadline {
            let chunk = output.availableData
            if chunk.isEmpty { break }
            text += String(decoding: chunk, as: UTF8.self)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        // Lines already written before the kill were acknowledged too.
        text += String(decoding: output.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationReason == .uncaughtSignal)
        let acked = Self.acknowledged(text)
        #expect(acked.count >= 150)

        let store = try ReplicaStore(at: h.store)
        #expect(try store.integrityCheck() == ["ok"])
        let document = try store.load().document
        let missing = acked.filter { !document.version.contains($0) }
        #expect(missing.isEmpty, "acknowledged writes lost: \(missing.prefix(5))")
        let check = h.run("debug", "check")
        #expect(check.status == 0, "\(check.out)\(check.err)")
        // The store still takes writes after the crash.
        h.ok("task", "add", "After the crash", "--phase", "Setup")
        #expect(try h.plan().allTasks.contains { $0.title == "After the crash" })
    }

    @Test func twoProcessesWritingAtOnceLoseNothing() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build the tandem binary first (swift build)")
        let h = CLIHarness.withPlan()
        defer { h.cleanUp() }
        let before = try ReplicaStore(at: h.store).statistics().operations
        let writes = 120
        let first = try launch(["debug", "write-loop", String(writes), "--store", h.store], environment: ["TANDEM_SNAPSHOT_THRESHOLD": "50"])
        let second = try launch(["debug", "write-loop", String(writes), "--store", h.store], environment: ["TANDEM_SNAPSHOT_THRESHOLD": "50"])
        let firstText = String(decoding: first.1.readDataToEndOfFile(), as: UTF8.self)
        let secondText = String(decoding: second.1.readDataToEndOfFile(), as: UTF8.self)
        first.0.waitUntilExit()
        second.0.waitUntilExit()
        #expect(first.0.terminationStatus == 0)
        #expect(second.0.terminationStatus == 0)
        let acked = Self.acknowledged(firstText) + Self.acknowledged(secondText)
        #expect(acked.count == 2 * writes)
        #expect(Set(acked).count == 2 * writes, "no two writes share an operation id")
        let store = try ReplicaStore(at: h.store)
        #expect(try store.statistics().operations == before + 2 * writes)
        #expect(try store.integrityCheck() == ["ok"])
        let document = try store.load().document
        #expect(acked.allSatisfy { document.version.contains($0) })
        #expect(h.run("debug", "check").status == 0)
    }
}
