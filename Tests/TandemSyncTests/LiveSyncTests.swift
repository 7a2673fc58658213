import Testing
import TandemModel
import TandemServer
import TandemSync
import TandemWire

/// `watch`: live both ways, and back after the server goes away and returns.
@Suite("Live sync", .timeLimit(.minutes(1)))
struct LiveSyncTests {
    static func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<250 where !condition() { try await Task.sleep(for: .milliseconds(20)) }
    }

    @Test("edits reach other watching clients live, in both directions")
    func liveBothWays() async throws {
        try await ServerHarness.with { harness in
            let plan = try await harness.createPlan()
            let ana = try await harness.addMember(plan, name: "Ana", side: .internal)
            let bo = try await harness.addMember(plan, name: "Bo", side: .customer)
            let a = TestClient(name: "Ana", member: ana.member, token: ana.token)
            let b = TestClient(name: "Bo", member: bo.member, token: bo.token)
            let options = SyncOptions(responseTimeout: .seconds(10), pollInterval: .milliseconds(20), digestInterval: .milliseconds(100))
            let watchers = [a, b].map { client in
                Task { try await harness.client(token: client.token, replica: client.replica, options: options).watch() }
            }
            defer { for watcher in watchers { watcher.cancel() } }
            try await Self.waitUntil { a.replica.document.operationCount > 0 && b.replica.document.operationCount > 0 }
            try a.replica.edit { plan in _ = try plan.addPhase(title: "From Ana") }
            try await Self.waitUntil { b.replica.document.canonicalText().contains("From Ana") }
            #expect(b.replica.document.canonicalText().contains("From Ana"))
            try b.replica.edit { plan in _ = try plan.addPhase(title: "From Bo") }
            try await Self.waitUntil { a.replica.document.canonicalText().contains("From Bo") }
            try await Self.waitUntil { a.replica.pendingCount == 0 && b.replica.pendingCount == 0
                && a.replica.document.customerViewText == b.replica.document.canonicalText() }
            // Bo is a customer: he holds Ana's plan without its internal-only section.
            #expect(a.replica.document.customerViewText == b.replica.document.canonicalText())
            let server = try await harness.serverText(plan)
            #expect(a.replica.document.canonicalText() == server)
        }
    }
}
