import Foundation
import Testing
import TandemCLI
import TandemModel
import TandemServer
import TandemStore

/// `tandem join` and `tandem sync` end to end against an in-process server.
@Suite("CLI sync", .serialized, .timeLimit(.minutes(1)))
struct CLISyncTests {
    struct Run {
        let status: Int32
        let out: String
        let err: String
    }

    /// Runs a command line on a plain thread: the command blocks its thread
    /// while the sync engine runs on Swift's pool, which must stay free.
    static func tandem(_ arguments: [String], store: String) async -> Run {
        await withCheckedContinuation { continuation in
            Thread {
                let output = CapturedOutput()
                let context = CLIContext(environment: ["NO_COLOR": "1", "TANDEM_TODAY": "2026-03-20"], output: output, workingDirectory: NSTemporaryDirectory())
                let status = TandemCLI.run(arguments + ["--store", store], context: context)
                continuation.resume(returning: Run(status: status, out: output.standardOutput, err: output.standardError))
            }.start()
        }
    }

    @Test("join, edit offline on two sides, sync, converge; status shows pending and last sync; refused changes are listed")
    func joinEditSync() async throws {
        try await ServerHarness.with { harness in
            let plan = try await harness.createPlan(title: "Acme rollout", customer: "Acme")
            let ana = try await harness.addMember(plan, name: "Ana Ruiz", side: .internal)
            let bo = try await harness.addMember(plan, name: "Bo Chen", side: .customer)
            let root = NSTemporaryDirectory() + "tandem-cli-sync-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: root) }
            let a = root + "/ana", b = root + "/bo"
            let server = "127.0.0.1:\(harness.port)"

            let joined = await Self.tandem(["join", server, ana.token], store: a)
            #expect(joined.status == 0, "\(joined.err)")
            #expect(joined.out.contains("joined 'Acme rollout'") && joined.out.contains("as Ana Ruiz"))
            #expect(joined.out.contains("in sync with the server"))
            #expect(await Self.tandem(["join", server, bo.token], store: b).status == 0)
            let again = await Self.tandem(["join", server, bo.token], store: b)
            #expect(again.status != 0 && again.err.contains("already joined"))
            let badToken = await Self.tandem(["join", server, "tdm_wrong"], store: root + "/nobody")
            #expect(badToken.status == 1 && badToken.err.contains("authentication-failed"))
            #expect(!ReplicaStore.exists(at: root + "/nobody"))

            // Offline edits on both sides.
            #expect(await Self.tandem(["phase", "add", "Setup"], store: a).status == 0)
            #expect(await Self.tandem(["goal", "add", "Retire the spreadsheet", "--side", "customer"], store: b).status == 0)
            let status = await Self.tandem(["status"], store: a)
            #expect(status.out.contains("sync: 2 pending"), "\(status.out)")

            let syncA = await Self.tandem(["sync"], store: a)
            #expect(syncA.status == 0, "\(syncA.err)")
            #expect(syncA.out.contains("pushed 2 change(s)"))
            #expect(await Self.tandem(["sync"], store: b).status == 0)
            #expect(await Self.tandem(["sync"], store: a).status == 0)
            let exportA = await Self.tandem(["export", "--json"], store: a)
            let exportB = await Self.tandem(["export", "--json"], store: b)
            // Bo is a customer: the same plan without its internal-only section.
            let section = { (text: String) in text.contains("\"kind\": \"internal\"") || text.contains("\"kind\":\"internal\"") }
            #expect(section(exportA.out) && !section(exportB.out), "\(exportB.out)")
            for export in [exportA, exportB] { #expect(export.out.contains("Setup") && export.out.contains("Retire the spreadsheet")) }
            let after = await Self.tandem(["status"], store: a)
            #expect(after.out.contains("sync: 0 pending · last synced"), "\(after.out)")

            // Bo's replica acting as Ana: the server refuses the forged changes; Bo's own still sync.
            #expect(await Self.tandem(["phase", "add", "Forged", "--as", "Ana Ruiz"], store: b).status == 0)
            #expect(await Self.tandem(["phase", "add", "Bo's phase"], store: b).status == 0)
            let refused = await Self.tandem(["sync"], store: b)
            #expect(refused.status == 0, "\(refused.err)")
            #expect(refused.out.contains("2 change(s) refused") && refused.out.contains("author-mismatch"), "\(refused.out)")
            #expect(await Self.tandem(["status"], store: b).out.contains("2 refused"))
            #expect(await Self.tandem(["sync"], store: a).status == 0)
            let finalA = await Self.tandem(["export", "--json"], store: a)
            #expect(finalA.out.contains("Bo's phase") && !finalA.out.contains("Forged"))

            // A server that is gone: a loud failure, and nothing lost.
            #expect(await Self.tandem(["phase", "add", "Offline"], store: a).status == 0)
            harness.server.shutdown()
            let down = await Self.tandem(["sync"], store: a)
            #expect(down.status == 1)
            #expect(down.err.contains("nothing was lost"), "\(down.err)")
            #expect(await Self.tandem(["status"], store: a).out.contains("sync: 2 pending"))
        }
    }
}
