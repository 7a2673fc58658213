import Foundation
import Testing
import TandemModel
import TandemServer
import TandemSync
import TandemWire

/// `tandem admin …` against a running server: every command answers over the
/// wire with exactly what `tandemd admin` prints on the data directory (one
/// implementation), a member's token is `forbidden`, a revoked admin token is
/// refused, and a bad request is a failed answer, not a dropped connection.
@Suite("Remote admin", .timeLimit(.minutes(1)))
struct RemoteAdminTests {
    @Test("every command over the wire equals the offline report on the same store")
    func sameAsOffline() async throws {
        try await AdminHarness.with { harness in
            let s = try await harness.concurrentEdits()
            try await harness.cursorsSettled([s.ana, s.bo], plan: s.plan.id)
            let token = try await harness.adminToken()
            let plan = s.plan.id.short(), task = s.task.short()
            let cases: [(String, [String: String], AdminOutput)] = [
                ("plans", [:], try await AdminReports.plans(store: harness.store)),
                ("replicas", ["plan": plan], try await AdminReports.replicas(store: harness.store, plan: plan)),
                ("history", ["plan": plan, "entity": task], try await AdminReports.history(store: harness.store, plan: plan, entity: task)),
                ("conflicts", ["plan": plan, "member": "Bo"], try await AdminReports.conflicts(store: harness.store, plan: plan, member: "Bo")),
                ("state", ["plan": plan, "seq": "\(s.headBeforeRenames)"],
                 try await AdminReports.state(store: harness.store, plan: plan, at: .sequence(s.headBeforeRenames))),
                ("verify", [:], try await AdminReports.verify(store: harness.store)),
            ]
            for (command, arguments, offline) in cases {
                let remote = try await harness.remote(command, arguments, token: token)
                #expect(remote.status == .ok, "\(command): \(remote.text)")
                #expect(remote.json == offline.json.rendered(pretty: true), "\(command): JSON differs from the offline report")
                // Tables name the plan's last activity relative to nothing: they match too.
                #expect(remote.text == offline.text, "\(command): table differs")
            }
            let conflicts = try await harness.remote("conflicts", ["plan": plan], token: token)
            #expect(conflicts.text.contains("Okta") && conflicts.text.contains("Azure AD"))
            let filtered = try await harness.remote("conflicts", ["plan": plan, "since": "2999-01-01"], token: token)
            #expect(filtered.text.hasPrefix("no concurrent overwrites"))

            let compacted = try await harness.remote("compact", ["plan": plan], token: token)
            #expect(compacted.status == .ok && compacted.text.contains("Pruned"))
            #expect(try await harness.remote("verify", ["plan": plan], token: token).status == .ok)
        }
    }

    @Test("a member's token is forbidden; revoked and unknown admin tokens are refused; bad requests fail cleanly")
    func refusals() async throws {
        try await AdminHarness.with { harness in
            let s = try await harness.concurrentEdits()
            let token = try await harness.adminToken(name: "short-lived")
            await #expect(throws: WireError(.forbidden, "ADMIN_REQUEST needs an admin token ('tandemd admin token create'); this connection is a plan member's")) {
                _ = try await harness.remote("plans", token: s.ana.token)
            }
            let missing = try await harness.remote("replicas", ["plan": "ffff"], token: token)
            #expect(missing.status == .failed && missing.code == "not-found")
            let unknown = try await harness.remote("drop-tables", token: token)
            #expect(unknown.status == .failed && unknown.code == "invalid-request" && unknown.text.contains("divergence"))
            let misspelt = try await harness.remote("replicas", ["plan": s.plan.id.short(), "pln": "x"], token: token)
            #expect(misspelt.status == .failed && misspelt.text.contains("pln"))
            let badTime = try await harness.remote("state", ["plan": s.plan.id.short(), "at": "yesterday"], token: token)
            #expect(badTime.status == .failed && badTime.code == "invalid-request")
            // The same connection kind still works after failures: the server was unharmed.
            #expect(try await harness.remote("plans", token: token).status == .ok)

            #expect(try await harness.store.revokeAdminToken("short-lived", atMilliseconds: 1))
            await #expect { _ = try await harness.remote("plans", token: token) } throws: { ($0 as? WireError)?.code == .authenticationFailed }
            await #expect { _ = try await harness.remote("plans", token: "tda_" + String(repeating: "0", count: 40)) } throws: {
                ($0 as? WireError)?.code == .authenticationFailed
            }
            let listed = try await harness.store.adminTokens()
            #expect(listed.count == 1 && listed[0].revokedMilliseconds != nil && listed[0].id.count == 12)
        }
    }

    @Test("an admin connection may not push, subscribe or answer probes: it is no plan member")
    func adminIsNotAMember() {
        for message: Message in [.push(Push(batch: 1, operations: [])), .subscribe(Subscribe(cursor: 0, live: true)), .digestRequest,
                                 .replicaDigest(ReplicaDigest(id: 1, status: .behind, cursor: 0))] {
            var machine = ServerConnectionStateMachine()
            _ = machine.received(.hello(Hello(replica: ReplicaID(7), token: "tda_x", agent: "t")))
            let version = WireProtocol.versions.upperBound
            #expect(machine.adminAuthenticated(name: "ops") { AdminWelcome(version: $0, name: "ops", maxFrameBytes: 1, agent: "t") }
                    == .send(.adminWelcome(AdminWelcome(version: version, name: "ops", maxFrameBytes: 1, agent: "t"))))
            #expect(machine.received(.adminRequest(AdminRequest(id: 1, command: "plans"))) == .administer(AdminRequest(id: 1, command: "plans")))
            guard case .fail(let error) = machine.received(message) else { Issue.record("\(message.kind) was accepted"); continue }
            #expect(error.code == .forbidden)
        }
    }
}
