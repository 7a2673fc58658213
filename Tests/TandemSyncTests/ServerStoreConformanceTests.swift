import Foundation
import Testing
import TandemModel
import TandemServer

/// The laws every `ServerStore` must keep, written once so that another
/// implementation (PostgreSQL, later) runs the same checks: call
/// `ServerStoreConformance.check` with a factory that opens a store on
/// shared, initially empty storage.
enum ServerStoreConformance {
    static func check(open: () throws -> any ServerStore) async throws {
        let store = try open()
        let replica = ReplicaID(0x5E)
        var plan = OnboardingPlan(replica: PlanReplica(replicaID: replica))
        let planID = try plan.createPlan(.init(title: "Conformance", customer: "Acme"))
        let creation = plan.replica.takeOutbox()
        let record = PlanRecord(id: planID, serverReplica: replica, title: "Conformance", customer: "Acme", createdMilliseconds: 1)
        try await store.createPlan(record, operations: creation)

        // Plans, head and the log in sequence order from 1.
        #expect(try await store.plan(planID) == record)
        #expect(try await store.plans().contains(record))
        #expect(try await store.head(plan: planID) == UInt64(creation.count))
        let log = try await store.operations(plan: planID, after: 0, limit: 1_000)
        #expect(log.map(\.sequence) == Array(1...UInt64(creation.count)))
        #expect(log.map(\.operation) == creation)
        #expect(try await store.operations(plan: planID, after: 1, limit: 2).map(\.sequence) == [2, 3])

        // Commits: new operations take the next sequences; duplicates keep theirs; a reused id with other content is refused.
        let member = try plan.addMember(name: "Ana", side: .internal)
        let added = plan.replica.takeOutbox()
        try await store.addMember(MemberRecord(plan: planID, member: member, name: "Ana", side: .internal, role: nil, createdMilliseconds: 2),
                                  tokenHash: Tokens.hash("tdm_conformance"), operations: added)
        let headAfterMember = UInt64(creation.count + added.count)
        let phase = try plan.addPhase(title: "Setup")
        let fresh = plan.replica.takeOutbox()
        let first = try await store.commit(plan: planID, operations: fresh)
        #expect(first.previousHead == headAfterMember)
        #expect(first.outcomes == fresh.indices.map { .stored(headAfterMember + UInt64($0) + 1) })
        let again = try await store.commit(plan: planID, operations: fresh)
        #expect(again.outcomes == first.outcomes.map { if case .stored(let s) = $0 { .duplicate(s) } else { $0 } })
        #expect(again.head == first.head)
        let forged = Operation(id: fresh[0].id, time: fresh[0].time, author: nil, action: .delete(entity: phase))
        let conflict = try await store.commit(plan: planID, operations: [forged])
        #expect(conflict.outcomes == [.conflicting])
        #expect(try await store.head(plan: planID) == first.head)

        // Members and tokens (by hash only), replica bindings.
        #expect(try await store.member(tokenHash: Tokens.hash("tdm_conformance"))?.member == member)
        #expect(try await store.member(tokenHash: Tokens.hash("tdm_other")) == nil)
        #expect(try await store.members(plan: planID).map(\.member) == [member])
        let other = EntityID(OperationID(replica: replica, counter: 999))
        #expect(try await store.bindReplica(ReplicaID(77), plan: planID, member: member, atMilliseconds: 3) == member)
        #expect(try await store.bindReplica(ReplicaID(77), plan: planID, member: other, atMilliseconds: 4) == member)

        // Access roles are kept with the member (issue 8); the default follows the side.
        #expect(try await store.member(tokenHash: Tokens.hash("tdm_conformance"))?.access == .internalEditor)
        let viewer = try plan.addMember(name: "Vic", side: .customer)
        try await store.addMember(MemberRecord(plan: planID, member: viewer, name: "Vic", side: .customer, role: "CFO", access: .viewer, createdMilliseconds: 5),
                                  tokenHash: Tokens.hash("tdm_viewer"), operations: plan.replica.takeOutbox())
        #expect(try await store.member(tokenHash: Tokens.hash("tdm_viewer"))?.access == .viewer)
        #expect(try await store.members(plan: planID).map(\.access) == [.internalEditor, .viewer])

        // Revocation: the token stops working, the member leaves the list, and
        // revocations are numbered store-wide for servers polling for them.
        let revokedBefore = try await store.revocations(after: 0)
        #expect(try await store.revokeMember(plan: planID, member: viewer, atMilliseconds: 6))
        #expect(try await store.revokeMember(plan: planID, member: viewer, atMilliseconds: 7) == false)
        #expect(try await store.member(tokenHash: Tokens.hash("tdm_viewer")) == nil)
        #expect(try await store.members(plan: planID).map(\.member) == [member])
        let revocations = try await store.revocations(after: 0)
        #expect(revocations.count == revokedBefore.count + 1)
        let revocation = try #require(revocations.last)
        #expect(revocation.plan == planID && revocation.member == viewer && revocation.atMilliseconds == 6 && revocation.sequence > 0)
        #expect(try await store.revocations(after: revocation.sequence).isEmpty)
        await #expect(throws: ServerStoreError.self) { _ = try await store.revokeMember(plan: planID, member: other, atMilliseconds: 8) }
        let headAfterMembers = try await store.head(plan: planID)

        // Snapshots: the newest is returned.
        try await store.saveSnapshot(plan: planID, StoredSnapshot(sequence: 3, bytes: [1]))
        try await store.saveSnapshot(plan: planID, StoredSnapshot(sequence: 5, bytes: [2]))
        #expect(try await store.latestSnapshot(plan: planID) == StoredSnapshot(sequence: 5, bytes: [2]))

        // Unknown plans are an error, not an empty answer.
        let missing = EntityID(OperationID(replica: ReplicaID(1), counter: 1))
        await #expect(throws: ServerStoreError.self) { try await store.commit(plan: missing, operations: []) }
        #expect(try await store.plan(missing) == nil)

        // Everything committed is there for the next process.
        let reopened = try open()
        #expect(try await reopened.head(plan: planID) == headAfterMembers)
        #expect(try await reopened.operations(plan: planID, after: 0, limit: 1_000).count == Int(headAfterMembers))
        #expect(try await reopened.revocations(after: 0).last == revocation)
        #expect(try await reopened.member(tokenHash: Tokens.hash("tdm_conformance"))?.access == .internalEditor)
    }
}

@Suite("Server store conformance")
struct ServerStoreConformanceTests {
    @Test("the SQLite server store keeps the ServerStore laws")
    func sqlite() async throws {
        let directory = NSTemporaryDirectory() + "tandem-store-conformance-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await ServerStoreConformance.check { try SQLiteServerStore(directory: directory) }
    }
}
