import Foundation
import Testing
import TandemModel
import TandemServer
import TandemSync
import TandemWire
import TandemTesting

/// Several clients against one in-process server over real TCP on 127.0.0.1:
/// offline edits, syncs in random orders, dropped connections, re-sent
/// batches; every replica must end with the server's canonical JSON.
@Suite("Sync convergence", .timeLimit(.minutes(2)))
struct ConvergenceTests {
    @Test("two members on two sides edit offline, sync, and converge")
    func twoMembersConverge() async throws {
        try await ServerHarness.with { harness in
            let plan = try await harness.createPlan()
            let ana = try await harness.addMember(plan, name: "Ana", side: .internal)
            let bo = try await harness.addMember(plan, name: "Bo", side: .customer)
            let clients = [TestClient(name: "Ana", member: ana.member, token: ana.token), TestClient(name: "Bo", member: bo.member, token: bo.token)]
            for client in clients {
                let report = try await harness.client(token: client.token, replica: client.replica).syncOnce()
                #expect(report.plan == plan.id)
                #expect(report.member == client.member)
            }
            // Offline edits on both sides.
            try clients[0].replica.edit { plan in
                let phase = try plan.addPhase(title: "Setup")
                _ = try plan.addTask(.init(title: "Configure SSO"), in: phase)
            }
            try clients[1].replica.edit { plan in _ = try plan.addPhase(title: "Customer prep") }
            for client in clients + clients {
                _ = try await harness.client(token: client.token, replica: client.replica).syncOnce()
            }
            let (server, customer) = (try await harness.serverText(plan), try await harness.customerText(plan))
            #expect(clients[0].replica.document.canonicalText() == server)
            #expect(clients[1].replica.document.canonicalText() == customer)
            for client in clients { #expect(client.replica.pendingCount == 0) }
            #expect(server.contains("Configure SSO") && server.contains("Customer prep"))
        }
    }

    @Test("random offline edits, random sync orders, dropped connections and re-sent batches converge", arguments: [1, 2, 3] as [UInt64])
    func randomSchedulesConverge(seed: UInt64) async throws {
        try await ServerHarness.with { harness in try await Self.randomSchedule(harness, seed: seed) }
    }

    static func randomSchedule(_ harness: ServerHarness, seed: UInt64) async throws {
        do {
            var rng = SeededRandom(seed: seed)
            let plan = try await harness.createPlan()
            var clients: [TestClient] = []
            for index in 0..<4 {
                let added = try await harness.addMember(plan, name: "Member \(index)", side: index % 2 == 0 ? .internal : .customer)
                clients.append(TestClient(name: "Member \(index)", member: added.member, token: added.token, snapshots: index % 2 == 0))
            }
            for client in clients { _ = try await harness.client(token: client.token, replica: client.replica).syncOnce() }
            var made = 0
            for round in 0..<4 {
                for client in clients {
                    let count = Int.random(in: 0...25, using: &rng)
                    var local = rng
                    client.replica.edit { (plan: inout OnboardingPlan) -> Void in RandomEdits.apply(count: count, to: &plan, rng: &local) }
                    rng = local
                    made += count
                }
                for client in clients.shuffled(using: &rng) {
                    // Small random batches put batch boundaries anywhere; a random drop cuts a push or a pull short.
                    let batchSize = Int.random(in: 1...7, using: &rng)
                    let dropAt = Int.random(in: 0...6, using: &rng)
                    let dropping = round < 3 && Bool.random(using: &rng)
                    let window = Int.random(in: 1...3, using: &rng)
                    var options = SyncOptions(batchSize: batchSize, window: window, responseTimeout: .seconds(10))
                    if dropping { options.dropConnection = { _, sent in sent >= dropAt } }
                    _ = try? await harness.client(token: client.token, replica: client.replica, options: options).syncOnce()
                }
            }
            // Every client syncs twice without faults: the second pass brings everyone everything.
            for _ in 0..<2 {
                for client in clients { _ = try await harness.client(token: client.token, replica: client.replica).syncOnce() }
            }
            let serverDocument = try await harness.store.loadDocument(plan: plan.id).document
            for (index, client) in clients.enumerated() {
                // Even members are internal, odd ones customers, who hold the plan without its internal-only entities.
                let side: Side = index % 2 == 0 ? .internal : .customer
                #expect(client.replica.document.canonicalText() == (try await harness.text(plan, side: side)), "client \(client.name) diverged (seed \(seed))")
                #expect(client.replica.pendingCount == 0)
                #expect(client.replica.refusedOperations.isEmpty)
                // No operation lost: every operation the client made is on the server.
                let expected = side == .internal ? serverDocument.version.count : try await harness.customerOperationCount(plan)
                #expect(client.replica.document.version.count == expected)
            }
            // No duplicates: the log has exactly one row per operation.
            let head = try await harness.store.head(plan: plan.id)
            #expect(Int(head) == serverDocument.operationCount)
            _ = made
        }
    }

    @Test("many clients pushing to one plan at once lose nothing and converge")
    func concurrentPushers() async throws {
        try await ServerHarness.with { harness in
            let plan = try await harness.createPlan()
            var clients: [TestClient] = []
            for index in 0..<12 {
                let added = try await harness.addMember(plan, name: "M\(index)")
                clients.append(TestClient(name: "M\(index)", member: added.member, token: added.token))
            }
            for client in clients { _ = try await harness.client(token: client.token, replica: client.replica).syncOnce() }
            for (index, client) in clients.enumerated() {
                try client.replica.edit { plan in
                    let phase = try plan.addPhase(title: "Phase of M\(index)")
                    for task in 0..<40 { _ = try plan.addTask(.init(title: "T\(index)-\(task)"), in: phase) }
                }
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in clients {
                    group.addTask {
                        _ = try await harness.client(token: client.token, replica: client.replica, options: SyncOptions(batchSize: 25, responseTimeout: .seconds(20))).syncOnce()
                    }
                }
                try await group.waitForAll()
            }
            for client in clients { _ = try await harness.client(token: client.token, replica: client.replica).syncOnce() }
            let customer = try await harness.customerText(plan)
            for client in clients { #expect(client.replica.document.canonicalText() == customer) }
            let document = try await harness.store.loadDocument(plan: plan.id).document
            #expect(OnboardingPlan(replica: PlanReplica(replicaID: .random(), document: document)).allTasks.count == 12 * 40)
        }
    }
}
