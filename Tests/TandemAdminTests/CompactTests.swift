import Testing
import TandemModel
import TandemServer
import TandemWire

/// `compact` on a live server: a client offline since before the snapshot
/// (with and without snapshot support) catches up and converges, and the
/// history is still complete afterwards.
@Suite("Admin compact", .timeLimit(.minutes(1)))
struct CompactTests {
    @Test("--keep-log: long-offline clients catch up after compaction and converge; history and time travel survive")
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

            let first = try await AdminReports.compact(store: harness.store, plan: s.plan.id.description, prune: false)
            let head = try await harness.store.head(plan: s.plan.id)
            #expect(first.json["sequence"] == .int(Int64(head)))
            #expect(try await harness.store.latestSnapshot(plan: s.plan.id)?.sequence == head)
            // Compacting twice changes nothing.
            let second = try await AdminReports.compact(store: harness.store, plan: s.plan.id.description, prune: false)
            #expect(second.json["snapshotsAfter"] == first.json["snapshotsAfter"])

            for client in [carla, dan, s.ana, s.bo, carla, dan] { try await harness.sync(client) }
            let server = try await harness.store.loadDocument(plan: s.plan.id).document.canonicalText()
            for client in [carla, dan, s.ana, s.bo] {
                #expect(client.replica.document.canonicalText() == (try await harness.expectedText(for: client, plan: s.plan.id)), "\(client.name) diverged")
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

    @Test("pruning: the log stops growing; an offline snapshot client catches up with its pending edits; a full-history client is told; history and time travel are bounded as documented")
    func pruning() async throws {
        try await AdminHarness.with { harness in
            let s = try await harness.concurrentEdits()
            let carla = try await harness.addClient(s.plan, name: "Carla", side: .customer, snapshots: false)
            let dan = try await harness.addClient(s.plan, name: "Dan", side: .internal, snapshots: true)
            try await harness.sync(carla)
            try await harness.sync(dan)
            // Dan goes offline with edits of his own (one on the contested task).
            try dan.replica.edit { plan in try plan.editTask(s.task, title: "Dan's offline title") }
            try dan.replica.edit { plan in _ = try plan.addPhase(title: "Dan's offline phase") }
            for round in 0..<30 {
                try s.bo.replica.edit { plan in _ = try plan.addTask(.init(title: "Bo task \(round)"), in: plan.phases[0].id) }
            }
            try await harness.sync(s.bo)
            let plan = s.plan.id.description
            let rowsBefore = try await harness.store.logRows(plan: s.plan.id).count

            let compacted = try await AdminReports.compact(store: harness.store, plan: plan)
            let head = try await harness.store.head(plan: s.plan.id)
            #expect(compacted.json["prunedThrough"] == .int(Int64(head)))
            #expect(compacted.json["prunedOperations"] == .int(Int64(rowsBefore)))
            #expect(try await harness.store.logRows(plan: s.plan.id).isEmpty)
            #expect(try await AdminReports.verify(store: harness.store).succeeded)

            // After a restart nothing of the pruned log is left in memory: catch-up below it has only the snapshot.
            try await harness.restarted { port in
                // Dan (snapshots) was offline since before: he gets the snapshot, and his edits still merge.
                try await harness.sync(dan, port: port)
                try await harness.sync(dan, port: port)
                #expect(dan.replica.pendingCount == 0)
                // Carla keeps the full history and cannot install a snapshot: she is told why, nothing is corrupted.
                await #expect { try await harness.sync(carla, port: port) } throws: { ($0 as? WireError)?.code == .historyPruned }
                for client in [s.ana, s.bo] { try await harness.sync(client, port: port) }
            }
            let server = try await harness.store.loadDocument(plan: s.plan.id).document.canonicalText()
            for client in [dan, s.ana, s.bo] {
                #expect(client.replica.document.canonicalText() == (try await harness.expectedText(for: client, plan: s.plan.id)), "\(client.name) diverged")
            }
            #expect(server.contains("Dan's offline phase") && server.contains("Bo task 29"))

            // History after pruning: the retained operations, and a summary of what was pruned.
            let history = try await AdminReports.history(store: harness.store, plan: plan, entity: s.task.description)
            #expect(history.text.contains("pruned by compaction"))
            #expect(history.json["pruned"]?["through"] == .int(Int64(head)))
            // Time travel reaches back to the base snapshot, not before it.
            await #expect(throws: ServerStoreError.self) {
                _ = try await AdminReports.state(store: harness.store, plan: plan, at: .sequence(s.headBeforeRenames))
            }
            let atBase = try await AdminReports.state(store: harness.store, plan: plan, at: .sequence(head))
            #expect(atBase.json.rendered().contains("Bo task 29"))

            // Storage tracks the state, not the history: more edits and another compaction leave only the new snapshot's log.
            for round in 0..<20 {
                try s.ana.replica.edit { plan in try plan.editTask(s.task, title: "round \(round)") }
                try await harness.sync(s.ana)
            }
            _ = try await AdminReports.compact(store: harness.store, plan: plan)
            #expect(try await harness.store.logRows(plan: s.plan.id).isEmpty)
            #expect(try await harness.store.snapshots(plan: s.plan.id).count <= 2)
            #expect(try await AdminReports.verify(store: harness.store).succeeded)
            try await harness.sync(dan)
            #expect(dan.replica.document.canonicalText() == (try await harness.expectedText(for: dan, plan: s.plan.id)))
        }
    }
}
