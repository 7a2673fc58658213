import Foundation
import Testing
import TandemModel
import TandemServer

/// The laws of the admin half of a store (`ServerAdminStore`): admin tokens
/// and log pruning, written once and run against SQLite and PostgreSQL
/// (`PostgresStoreTests`), like `ServerStoreConformance`.
enum ServerAdminStoreConformance {
    static func check(_ store: any ServerAdminStore) async throws {
        // Admin tokens: by hash only, names unique, revoked by id or name, listed with their revocation.
        let first = Tokens.makeAdmin(name: "ops", atMilliseconds: 10)
        try await store.createAdminToken(first.record, tokenHash: first.hash)
        let clash = Tokens.makeAdmin(name: "ops", atMilliseconds: 11)
        await #expect(throws: ServerStoreError.self) { try await store.createAdminToken(clash.record, tokenHash: clash.hash) }
        let second = Tokens.makeAdmin(name: "backup", atMilliseconds: 12)
        try await store.createAdminToken(second.record, tokenHash: second.hash)
        #expect(try await store.adminToken(tokenHash: first.hash) == first.record)
        #expect(try await store.adminToken(tokenHash: Tokens.hash("tda_unknown")) == nil)
        #expect(try await store.revokeAdminToken("ops", atMilliseconds: 20))
        #expect(try await store.revokeAdminToken("ops", atMilliseconds: 21) == false)
        #expect(try await store.revokeAdminToken(second.record.id, atMilliseconds: 22))
        #expect(try await store.adminToken(tokenHash: first.hash) == nil)
        #expect(try await store.adminTokens().map(\.revokedMilliseconds) == [20, 22])

        // Pruning: only up to a stored snapshot; the head stays; the log continues after it.
        var plan = OnboardingPlan(replica: PlanReplica(replicaID: ReplicaID(0x77)))
        let id = try plan.createPlan(.init(title: "Prune", customer: "Acme"))
        try await store.createPlan(PlanRecord(id: id, serverReplica: ReplicaID(0x77), title: "Prune", customer: "Acme", createdMilliseconds: 1),
                                   operations: plan.replica.takeOutbox())
        _ = try plan.addPhase(title: "More")
        _ = try await store.commit(plan: id, operations: plan.replica.takeOutbox())
        let head = try await store.head(plan: id)
        #expect(head > 3)
        await #expect(throws: ServerStoreError.self) { _ = try await store.pruneLog(plan: id, through: 3) }
        try await store.saveSnapshot(plan: id, StoredSnapshot(sequence: 3, bytes: [3]))
        #expect(try await store.pruneLog(plan: id, through: 3) == 3)
        #expect(try await store.logRows(plan: id).first?.sequence == 4)
        #expect(try await store.operations(plan: id, after: 0, limit: 100).map(\.sequence) == Array(4...head))
        #expect(try await store.head(plan: id) == head)
        #expect(try await store.recordedHead(plan: id) == head)
        // The base the log continues from outlives two newer snapshots; older ones go with the pruned log.
        try #require(head > 4)
        try await store.saveSnapshot(plan: id, StoredSnapshot(sequence: head - 1, bytes: [5]))
        try await store.saveSnapshot(plan: id, StoredSnapshot(sequence: head, bytes: [6]))
        #expect(try await store.snapshots(plan: id).map(\.sequence) == [3, head - 1, head])

        // Server cursors: recorded for bound replicas only, never moving back, listed with the replica.
        let member = EntityID(OperationID(replica: ReplicaID(0x77), counter: 1))
        _ = try await store.bindReplica(ReplicaID(0x88), plan: id, member: member, atMilliseconds: 30)
        try await store.recordCursors([ReplicaCursor(plan: id, replica: ReplicaID(0x88), cursor: 4),
                                       ReplicaCursor(plan: id, replica: ReplicaID(0x99), cursor: 4)], atMilliseconds: 40)
        try await store.recordCursors([ReplicaCursor(plan: id, replica: ReplicaID(0x88), cursor: 2)], atMilliseconds: 50)
        let replicas = try await store.replicaRecords(plan: id)
        #expect(replicas.map(\.replica) == [ReplicaID(0x88)])
        #expect(replicas.first?.cursor == 4 && replicas.first?.lastSeenMilliseconds == 50)
    }
}

@Suite("Server admin store conformance")
struct ServerAdminStoreConformanceTests {
    @Test("the SQLite server store keeps the ServerAdminStore laws")
    func sqlite() async throws {
        let directory = NSTemporaryDirectory() + "tandem-admin-conformance-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await ServerAdminStoreConformance.check(try SQLiteServerStore(directory: directory))
    }
}
