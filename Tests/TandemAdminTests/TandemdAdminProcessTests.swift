import Foundation
import Testing
import TandemTesting
import TandemModel
import TandemServer

/// The real `tandemd admin` commands: exit statuses and JSON on standard output.
@Suite("tandemd admin (process)", .timeLimit(.minutes(1)))
struct TandemdAdminProcessTests {
    static var binary: String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("tandemd").path
    }

    static func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        let outcome = try await ChildProcess.run(binary, arguments)
        return (outcome.status, outcome.output)
    }

    @Test("verify exits 0 on a sound store and 1 with the problem on a corrupted one; every command answers --json")
    func verifyExitStatus() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build tandemd first (swift build)")
        try await AdminHarness.with { harness in
            let s = try await harness.concurrentEdits()
            let data = harness.directory, plan = s.plan.id.short()
            let sound = try await Self.run(["admin", "verify", "--data", data])
            #expect(sound.status == 0 && sound.output.contains("all 1 plans verified"))
            for command in [["plans"], ["replicas", plan], ["history", plan, s.task.short()], ["conflicts", plan], ["state", plan, "--seq", "3"], ["verify", plan]] {
                let result = try await Self.run(["admin"] + command + ["--data", data, "--json"])
                #expect(result.status == 0, "\(command)")
                #expect((try? JSONSerialization.jsonObject(with: Data(result.output.utf8))) != nil, "\(command) printed \(result.output)")
            }
            try harness.tamper("DELETE FROM operations WHERE seq = 4")
            let broken = try await Self.run(["admin", "verify", "--data", data])
            #expect(broken.status == 1)
            #expect(broken.output.contains("sequence-gap: sequence 4 is missing from the log"))
            let refused = try await Self.run(["admin", "compact", plan, "--data", data])
            #expect(refused.status != 0)
            let missing = try await Self.run(["admin", "plans", "--data", data + "-nowhere"])
            #expect(missing.status != 0 && !FileManager.default.fileExists(atPath: data + "-nowhere"))
        }
    }
}
