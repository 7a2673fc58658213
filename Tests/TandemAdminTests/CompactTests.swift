import Testing
import TandemModel
import TandemServer

/// `compact` on a live server: a client offline since before the snapshot
/// (with and without snapshot support) catches up and converges, and the
/// history is still complete afterwards.
@Suite("Admin compact", .timeLimit(.minutes(1)))
struct CompactTests {
    @Test("long-offline clients catch up after compaction and converge; history and time travel survive")
    func offlineClientsCatchUp() async throws {
        try await AdminHarness.with { harness in
            let s = try await harness.concurrentEdits()
            // Carla (no snapshot support) and Dan (snapshots) sync once, then go offline.
            let carla = try await harness.addClient(s.plan, name: "Carla", side: .customer, snapshots: false)
            let dan = try await harness.addClient(s.plan, name: "Dan", side: .internal, snapshots: true)
            try await harness.sync(carla)
            try await harness.sync(dan)
            try carla.replica.edit { plan in _ = try plan.addPhase(title: "Carla's offline phase") }
            try dan.replica.edit { plan in try plan.editTask(s.task, title: "Dan's offline title") }
            // Meanwhile Bo keeps editing.
            for round in 0..<30 {
                try s.bo.replica.edit { plan in _ = try plan.addTask(.init(title: "Bo task \(round)"), in: plan.phases[0].id) }
            }
            try await harness.sync(s.bo)
            let fullHistory = try await AdminReports.history(store: harness.store, plan: s.plan.id.description, entity: s.task.description)

            let first = try await AdminReports.compact(store: harness.store, plan: s.plan.id.description)
            let head = try await harness.store.head(plan: s.plan.id)
            #expect(first.json["sequence"] == .int(Int64(head)))
            #expect(try await harness.store.latestSnapshot(plan: s.plan.id)?.sequence == head)
            // Compacting twice changes nothing.
            let second = try await AdminReports.compact(store: harness.store, plan: s.plan.id.description)
            #expect(second.json["snapshotsAfter"] == first.json["snapshotsAfter"])

            for client in [carla, dan, s.ana, s.bo, carla, dan] { try await harness.sync(client) }
            let server = try await harness.store.loadDocument(plan: s.plan.id).document.canonicalText()
            for client in [carla, dan, s.ana, s.bo] {
                #expect(client.replica.document.canonicalText() == server, "\(client.name) diverged")
                #expect(client.replica.pendingCount == 0)
            }
            #expect(server.contains("Carla's offline phase") && server.contains("Bo task 29"))

            // Nothing of the history was folded away.
            let after = try await AdminReports.history(store: harness.store, plan: s.plan.id.description, entity: s.task.description)
            guard case .array(let before)? = fullHistory.json["operations"], case .array(let now)? = after.json["operations"] else {
                Issue.record("no history"); return
            }
            #expect(Array(now.prefix(before.count)) == before && now.count == before.count + 1)
            let old = try await AdminReports.state(store: harness.store, plan: s.plan.id.description, at: .sequence(s.headBeforeRenames))
            #expect(old.json.rendered().contains("Configure SSO") && !old.json.rendered().contains("Okta"))
            #expect(try await AdminReports.verify(store: harness.store).succeeded)
        }
    }
}
