import Foundation
import Testing
import TandemCLI
import TandemModel
import TandemServer

/// `tandem admin …` as a person runs it: tables, `--json`, exit statuses and
/// error lines, against an in-process server after concurrent edits by two
/// `tandem` stores.
@Suite("CLI admin", .serialized, .timeLimit(.minutes(1)))
struct CLIAdminTests {
    static func tandem(_ arguments: [String], token: String?) async -> CLISyncTests.Run {
        await withCheckedContinuation { continuation in
            Thread {
                let output = CapturedOutput()
                var environment = ["NO_COLOR": "1", "TANDEM_TODAY": "2026-03-20"]
                if let token { environment["TANDEM_ADMIN_TOKEN"] = token }
                let context = CLIContext(environment: environment, output: output, workingDirectory: NSTemporaryDirectory())
                let status = TandemCLI.run(arguments, context: context)
                continuation.resume(returning: CLISyncTests.Run(status: status, out: output.standardOutput, err: output.standardError))
            }.start()
        }
    }

    @Test("every subcommand prints a table and --json; verify/divergence exit 0 when sound; forbidden, not-found and bad arguments exit non-zero")
    func adminCommands() async throws {
        try await ServerHarness.with { harness in
            let plan = try await harness.createPlan(title: "Acme rollout", customer: "Acme")
            let ana = try await harness.addMember(plan, name: "Ana Ruiz", side: .internal)
            let bo = try await harness.addMember(plan, name: "Bo Chen", side: .customer)
            let root = NSTemporaryDirectory() + "tandem-cli-admin-\(UUID().uuidString)"
            defer { try? FileManager.default.removeItem(atPath: root) }
            let server = "127.0.0.1:\(harness.port)"
            #expect(await CLISyncTests.tandem(["join", server, ana.token], store: root + "/ana").status == 0)
            #expect(await CLISyncTests.tandem(["join", server, bo.token], store: root + "/bo").status == 0)
            // The same field renamed on both sides while apart: a conflict last-writer-wins resolves.
            #expect(await CLISyncTests.tandem(["phase", "add", "Setup"], store: root + "/ana").status == 0)
            #expect(await CLISyncTests.tandem(["sync"], store: root + "/ana").status == 0)
            #expect(await CLISyncTests.tandem(["sync"], store: root + "/bo").status == 0)
            #expect(await CLISyncTests.tandem(["phase", "rename", "Setup", "Setup (Okta)"], store: root + "/ana").status == 0)
            #expect(await CLISyncTests.tandem(["phase", "rename", "Setup", "Setup (Azure)"], store: root + "/bo").status == 0)
            for side in ["ana", "bo", "ana"] { #expect(await CLISyncTests.tandem(["sync"], store: root + "/" + side).status == 0) }

            let made = Tokens.makeAdmin(name: "ops", atMilliseconds: 1)
            try await harness.store.createAdminToken(made.record, tokenHash: made.hash)
            let id = String(plan.id.description.prefix(8))
            let commands: [[String]] = [["plans"], ["replicas", id], ["conflicts", id], ["conflicts", id, "--member", "Bo Chen"],
                                        ["state", id, "--seq", "3"], ["verify"], ["divergence", id, "--wait", "200"]]
            for command in commands {
                let table = await Self.tandem(["admin"] + command + ["--server", server], token: made.token)
                #expect(table.status == 0, "\(command): \(table.err)")
                let json = await Self.tandem(["admin"] + command + ["--server", server, "--json"], token: made.token)
                #expect(json.status == 0 && (try? JSONSerialization.jsonObject(with: Data(json.out.utf8))) != nil, "\(command) --json: \(json.out)")
            }
            let conflicts = await Self.tandem(["admin", "conflicts", id, "--server", server], token: made.token)
            #expect(conflicts.out.contains("Setup (Okta)") && conflicts.out.contains("Setup (Azure)"), "\(conflicts.out)")

            let forbidden = await Self.tandem(["admin", "plans", "--server", server], token: ana.token)
            #expect(forbidden.status == 1 && forbidden.err.contains("[forbidden]"))
            let missing = await Self.tandem(["admin", "replicas", "ffffffff", "--server", server], token: made.token)
            #expect(missing.status == 2 && missing.err.contains("[not-found]"))
            let noToken = await Self.tandem(["admin", "plans", "--server", server], token: nil)
            #expect(noToken.status == 2 && noToken.err.contains("TANDEM_ADMIN_TOKEN"))
            let both = await Self.tandem(["admin", "state", id, "--seq", "1", "--at", "2026-01-01", "--server", server], token: made.token)
            #expect(both.status == 2)
            let compacted = await Self.tandem(["admin", "compact", id, "--keep-log", "--server", server], token: made.token)
            #expect(compacted.status == 0 && compacted.out.contains("--keep-log"))
        }
    }

    @Test("tandem admin over TLS: a private CA's server answers with --ca; without it the handshake is refused")
    func overTLS() async throws {
        let ca = try TestCA()
        try await ServerHarness.with(configuration: try TLSTests.tlsConfiguration(ca.issue())) { harness in
            _ = try await harness.createPlan()
            let made = Tokens.makeAdmin(name: "ops", atMilliseconds: 1)
            try await harness.store.createAdminToken(made.record, tokenHash: made.hash)
            let root = NSTemporaryDirectory() + "tandem-cli-admin-tls-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: root) }
            let caFile = root + "/ca.pem"
            FileManager.default.createFile(atPath: caFile, contents: Data(try ca.certificatePEM))
            let server = "tls://localhost:\(harness.port)"
            let trusted = await Self.tandem(["admin", "plans", "--server", server, "--ca", caFile], token: made.token)
            #expect(trusted.status == 0 && trusted.out.contains("Acme rollout"), "\(trusted.err)")
            let untrusted = await Self.tandem(["admin", "plans", "--server", server], token: made.token)
            #expect(untrusted.status == 1 && untrusted.err.contains("tls-failed"), "\(untrusted.err)")
        }
    }
}
