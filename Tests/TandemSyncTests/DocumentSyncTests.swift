import Foundation
import Testing
import TandemCLI
import TandemModel
import TandemServer
import TandemStore

/// Documents over the real wire: `tandem doc` on two joined stores, synced
/// through an in-process server.
@Suite("CLI sync: documents", .serialized, .timeLimit(.minutes(1)))
struct DocumentSyncTests {
    static func tandem(_ arguments: [String], store: String, editor: String? = nil) async -> CLISyncTests.Run {
        await withCheckedContinuation { continuation in
            Thread {
                let output = CapturedOutput()
                var environment = ["NO_COLOR": "1", "TANDEM_TODAY": "2026-03-20"]
                environment["EDITOR"] = editor
                let context = CLIContext(environment: environment, output: output, workingDirectory: NSTemporaryDirectory())
                let status = TandemCLI.run(arguments + ["--store", store], context: context)
                continuation.resume(returning: CLISyncTests.Run(status: status, out: output.standardOutput, err: output.standardError))
            }.start()
        }
    }

    @Test("offline edits to different sentences survive a sync; a version reads the same on both sides")
    func documentsSync() async throws {
        try await ServerHarness.with { harness in
            let plan = try await harness.createPlan(title: "Acme rollout", customer: "Acme")
            let ana = try await harness.addMember(plan, name: "Ana Ruiz", side: .internal)
            let bo = try await harness.addMember(plan, name: "Bo Chen", side: .customer)
            let root = NSTemporaryDirectory() + "tandem-doc-sync-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: root) }
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            let a = root + "/ana", b = root + "/bo"
            let server = "127.0.0.1:\(harness.port)"
            #expect(await Self.tandem(["join", server, ana.token], store: a).status == 0)
            #expect(await Self.tandem(["join", server, bo.token], store: b).status == 0)

            let file = root + "/plan.md"
            try "We connect the CRM. We map the fields. We test with ten records.\n".write(toFile: file, atomically: true, encoding: .utf8)
            #expect(await Self.tandem(["doc", "new", "Integration plan", "--file", file], store: a).status == 0)
            #expect(await Self.tandem(["sync"], store: a).status == 0)
            #expect(await Self.tandem(["sync"], store: b).status == 0)
            let list = await Self.tandem(["doc", "list", "--json"], store: b)
            let docs = try #require(try JSONSerialization.jsonObject(with: Data(list.out.utf8)) as? [[String: Any]])
            let doc = try #require(docs.first?["id"] as? String)

            #expect(await Self.tandem(["doc", "edit", doc], store: a, editor: "sed -i s/CRM/Salesforce/").status == 0)
            #expect(await Self.tandem(["doc", "edit", doc], store: b, editor: "sed -i s/ten/fifty/").status == 0)
            #expect(await Self.tandem(["doc", "version", doc, "agreed"], store: b).status == 0)
            for store in [a, b, a] { #expect(await Self.tandem(["sync"], store: store).status == 0) }
            let merged = "We connect the Salesforce. We map the fields. We test with fifty records.\n"
            #expect(await Self.tandem(["doc", "show", doc], store: a).out == merged)
            #expect(await Self.tandem(["doc", "show", doc], store: b).out == merged)
            // Bo named the version before Ana's edit reached him.
            let agreed = "We connect the CRM. We map the fields. We test with fifty records.\n"
            #expect(await Self.tandem(["doc", "show", doc, "--version", "agreed"], store: a).out == agreed)
            #expect(await Self.tandem(["doc", "show", doc, "--version", "agreed"], store: b).out == agreed)
            // Bo is a customer: the same plan without its internal-only section (each sync above compared digests).
            let exportA = await Self.tandem(["export", "--json"], store: a), exportB = await Self.tandem(["export", "--json"], store: b)
            let section = { (text: String) in text.contains("\"kind\": \"internal\"") || text.contains("\"kind\":\"internal\"") }
            #expect(section(exportA.out) && !section(exportB.out))
            #expect(exportA.out.contains("Integration plan") && exportB.out.contains("Integration plan"))
        }
    }
}
