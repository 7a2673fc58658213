import Foundation
import Testing
import TandemModel
@testable import TandemServer

/// Group commit in the SQLite server store: requests queued while the writer
/// is busy share one transaction, each keeps its own result, and a failing
/// one is rolled back alone.
@Suite("Group commit")
struct GroupCommitTests {
    static func operations(_ counters: ClosedRange<UInt64>, replica: UInt64, on plan: EntityID) -> [TandemModel.Operation] {
        counters.map { counter in
            Operation(id: OperationID(replica: ReplicaID(replica), counter: counter), time: HybridTimestamp(milliseconds: 1_780_000_000_000 + counter, logical: 0),
                      author: nil, action: .set(entity: plan, field: "title", value: .string("v\(counter)"), previous: nil))
        }
    }

    static func temporaryStore() throws -> (SQLiteServerStore, String) {
        let directory = NSTemporaryDirectory() + "tandem-group-commit-\(UUID().uuidString)"
        return (try SQLiteServerStore(directory: directory), directory)
    }

    @Test("three queued commits: one transaction, gap-free sequences per plan, the one naming an unknown plan fails alone")
    func sharedTransaction() async throws {
        let (store, directory) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let admin = PlanAdministration(store: store)
        let first = try await admin.createPlan(.init(title: "First", customer: "Acme")).id
        let second = try await admin.createPlan(.init(title: "Second", customer: "Acme")).id
        let heads = (try await store.head(plan: first), try await store.head(plan: second))
        let unknown = EntityID(OperationID(replica: ReplicaID(99), counter: 1))
        let group = GroupCommit()
        // The first request asks for a drain; the test runs it by hand once all three wait.
        async let a = group.queue(plan: first, operations: Self.operations(1...3, replica: 7, on: first)) {}.result()
        async let b = group.queue(plan: unknown, operations: Self.operations(1...2, replica: 8, on: unknown)) {}.result()
        async let c = group.queue(plan: second, operations: Self.operations(1...2, replica: 9, on: second)) {}.result()
        while group.queued < 3 { try await Task.sleep(for: .milliseconds(1)) }
        store.writeQueue.sync { group.drain(store.writer) { try store.append(plan: $0, $1, $2) } }

        let resultA = try await a
        #expect(resultA.outcomes == [.stored(heads.0 + 1), .stored(heads.0 + 2), .stored(heads.0 + 3)])
        // `async let` cannot be captured by #expect's closure: await it here.
        var failedB = false
        do { _ = try await b } catch is ServerStoreError { failedB = true }
        #expect(failedB)
        let resultC = try await c
        #expect(resultC.outcomes == [.stored(heads.1 + 1), .stored(heads.1 + 2)])
        #expect(group.statistics.groups == 1)
        #expect(group.statistics.requests == 3)
        #expect(try await store.head(plan: first) == heads.0 + 3)
        #expect(try await store.head(plan: second) == heads.1 + 2)
        #expect(try await store.operations(plan: second, after: heads.1, limit: 10).map(\.operation) == Self.operations(1...2, replica: 9, on: second))
    }

    @Test("concurrent commits through the store all succeed with distinct, gap-free sequences")
    func concurrentCommits() async throws {
        let (store, directory) = try Self.temporaryStore()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let admin = PlanAdministration(store: store)
        var plans: [EntityID] = []
        for index in 0..<4 { plans.append(try await admin.createPlan(.init(title: "Plan \(index)", customer: "Acme")).id) }
        var before: [UInt64] = []
        for plan in plans { before.append(try await store.head(plan: plan)) }
        // Each plan gets 5 commits in sequence, the plans side by side.
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            for (index, plan) in plans.enumerated() {
                tasks.addTask {
                    for round in 0..<5 {
                        let start = UInt64(round * 10 + 1)
                        _ = try await store.commit(plan: plan, operations: Self.operations(start...start + 9, replica: UInt64(100 + index), on: plan))
                    }
                }
            }
            try await tasks.waitForAll()
        }
        for (plan, head) in zip(plans, before) {
            let stored = try await store.operations(plan: plan, after: head, limit: 100)
            #expect(stored.map(\.sequence) == Array(head + 1...head + 50))
        }
        #expect(store.groupCommit.statistics.requests == 20)
    }
}
