import Foundation
import Testing
import TandemModel
import TandemSync
import TandemWire
@testable import TandemServer

/// The ingest pipeline: a plan validates the next pushed batch while earlier
/// ones are still being made durable, yet decides and publishes exactly as if
/// the batches had been handled one at a time.
@Suite("Ingest pipeline", .timeLimit(.minutes(1)))
struct IngestPipelineTests {
    @Test("batches queued behind undurable ones see what those create (existence and kind), and publish in commit order")
    func validatesAgainstUnpublishedBatches() async throws {
        try await ServerHarness.with { harness in
            let plan = try await harness.createPlan()
            let admin = PlanAdministration(store: harness.store)
            let (owner, ownerToken) = try await admin.addMember(plan: plan.id, name: "Olga", side: .internal, role: nil, access: .owner)
            let (editor, editorToken) = try await admin.addMember(plan: plan.id, name: "Ana", side: .internal, role: nil)
            let ownerClient = TestClient(name: "Olga", member: owner.member, token: ownerToken)
            let editorClient = TestClient(name: "Ana", member: editor.member, token: editorToken)
            for client in [ownerClient, editorClient] {
                _ = try await harness.client(token: client.token, replica: client.replica).syncOnce()
            }
            let hub = try await harness.server.registry.hub(for: plan.id)

            // The owner's first batch creates a phase, a task and a member; the
            // second renames the task; the editor (not an owner) renames the member.
            let (task, newMember) = try ownerClient.replica.edit { plan in
                let phase = try plan.addPhase(title: "Setup")
                return (try plan.addTask(.init(title: "Connect the CRM"), in: phase), try plan.addMember(name: "Cy", side: .customer))
            }
            let first = try ownerClient.replica.pendingOperations()
            try ownerClient.replica.edit { try $0.editTask(task, title: "Connect the CRM and the ERP") }
            let second = Array(try ownerClient.replica.pendingOperations().dropFirst(first.count))
            let intrusion = editorClient.replica.edit { plan in
                plan.replica.make(.set(entity: newMember, field: "name", value: .string("Mallory"), previous: nil))
            }

            // Hold the store's writer: nothing becomes durable until it is released.
            harness.store.writeQueue.suspend()
            func queue(_ batch: [TandemModel.Operation], _ member: MemberRecord, _ client: TestClient) async throws -> Pending<PlanHub.IngestResult> {
                try await hub.queueIngest(batch, member: member, replica: client.replica.replicaID, limits: .default, policy: RolePolicy(),
                                          nowMilliseconds: SystemWallClock.milliseconds())
            }
            let queued = [try await queue(first, owner, ownerClient), try await queue(second, owner, ownerClient),
                          try await queue([intrusion], editor, editorClient)]
            let durableTooSoon = queued.contains { $0.isFinished }
            harness.store.writeQueue.resume()
            #expect(!durableTooSoon, "a batch finished while the store's writer was held")

            let results = [try await queued[0].result(), try await queued[1].result(), try await queued[2].result()]
            #expect(results[0].refusals.isEmpty && results[0].stored == first.count)
            #expect(results[1].refusals.isEmpty && results[1].stored == second.count, "the rename of a task an undurable batch creates was refused")
            #expect(results[2].refusals.map(\.code) == [.forbidden])
            #expect(results[2].refusals.first?.reason == "only the plan's owners change membership")
            #expect(results[0].head < results[1].head && results[1].head == results[2].head)
            let storeHead = try await harness.store.head(plan: plan.id)
            #expect(hub.currentHead == storeHead && storeHead == results[1].head)
            // Published in commit order: the hub's document is the store's.
            #expect(hub.state().document.canonicalText() == (try await harness.serverText(plan)))
            let log = try await harness.store.operations(plan: plan.id, after: results[0].head - UInt64(first.count), limit: 100)
            #expect(log.map(\.operation.id) == (first + second).map(\.id))
        }
    }

    @Test("an operation id reused with other content is a conflicting duplicate, whether the first batch is durable yet or not",
          arguments: [false, true])
    func conflictBehindUndurable(afterDurable: Bool) async throws {
        try await ServerHarness.with { harness in
            let plan = try await harness.createPlan()
            let admin = PlanAdministration(store: harness.store)
            let (owner, token) = try await admin.addMember(plan: plan.id, name: "Olga", side: .internal, role: nil, access: .owner)
            let client = TestClient(name: "Olga", member: owner.member, token: token)
            _ = try await harness.client(token: token, replica: client.replica).syncOnce()
            let hub = try await harness.server.registry.hub(for: plan.id)
            let phase = try client.replica.edit { try $0.addPhase(title: "Setup") }
            let good = try client.replica.pendingOperations()
            // A batch repeating the phase's id with other content conflicts in the store.
            let forged = TandemModel.Operation(id: good[0].id, time: HybridTimestamp(milliseconds: good[0].time.milliseconds + 1, logical: 0),
                                               author: good[0].author, action: good[0].action)
            let queue = { (batch: [TandemModel.Operation]) in
                try await hub.queueIngest(batch, member: owner, replica: client.replica.replicaID, limits: .default, policy: RolePolicy(),
                                          nowMilliseconds: SystemWallClock.milliseconds())
            }
            if !afterDurable { harness.store.writeQueue.suspend() }
            let a = try await queue(good)
            if afterDurable { _ = try await a.result() }
            let b = try await queue([forged])
            if !afterDurable { harness.store.writeQueue.resume() }
            #expect(try await a.result().refusals.isEmpty)
            let refused = try await b.result().refusals
            #expect(refused.map(\.code) == [.conflictingDuplicate])
            // The phase exists once, as first written.
            #expect(hub.state().document.holds(phase))
            #expect(hub.currentHead == (try await harness.store.head(plan: plan.id)))
        }
    }

    @Test("one client pushing many small batches with a deep window: everything stored once, in order, no refusals, replicas converge",
          arguments: [UInt64(7), 8, 9])
    func deepWindow(seed: UInt64) async throws {
        try await ServerHarness.with { harness in
            let plan = try await harness.createPlan()
            let added = try await harness.addMember(plan, name: "Olga", side: .internal)
            let writer = TestClient(name: "Olga", member: added.member, token: added.token)
            let watcherAdded = try await harness.addMember(plan, name: "Ana", side: .internal)
            let reader = TestClient(name: "Ana", member: watcherAdded.member, token: watcherAdded.token)
            _ = try await harness.client(token: writer.token, replica: writer.replica).syncOnce()
            var rng = SeededRandom(seed: seed)
            // Creations and edits of what was just created land in neighbouring batches.
            writer.replica.edit { RandomEdits.apply(count: 600, to: &$0, rng: &rng) }
            let made = try writer.replica.pendingOperations()
            let options = SyncOptions(batchSize: 7, window: 16, responseTimeout: .seconds(20))
            let report = try await harness.client(token: writer.token, replica: writer.replica, options: options).syncOnce()
            #expect(report.refused.isEmpty)
            #expect(report.acknowledged == made.count)
            let head = try await harness.store.head(plan: plan.id)
            let log = try await harness.store.operations(plan: plan.id, after: head - UInt64(made.count), limit: made.count)
            #expect(log.map(\.operation.id) == made.map(\.id), "the store's order is not the push order")
            _ = try await harness.client(token: reader.token, replica: reader.replica).syncOnce()
            let serverText = try await harness.serverText(plan)
            #expect(writer.replica.document.canonicalText() == serverText)
            #expect(reader.replica.document.canonicalText() == serverText)
        }
    }
}
