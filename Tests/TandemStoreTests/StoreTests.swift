import Foundation
import Testing
import TandemModel
@testable import TandemStore

@Suite("ReplicaStore")
struct StoreTests {
    static func temporaryDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("tandem-store-\(UUID().uuidString)").path
    }

    /// A store holding a plan with one phase.
    static func storeWithPlan(threshold: Int = 1000) throws -> (ReplicaStore, EntityID, String) {
        let directory = temporaryDirectory()
        let store = try ReplicaStore.create(at: directory, snapshotThreshold: threshold)
        let phase = try store.update { replica -> EntityID in
            var plan = OnboardingPlan(replica: replica)
            try plan.createPlan(.init(title: "P", customer: "C"))
            let phase = try plan.addPhase(title: "Setup")
            replica = plan.replica
            return phase
        }
        return (store, phase, directory)
    }

    static func addTasks(_ count: Int, to store: ReplicaStore, phase: EntityID) throws {
        try store.update { replica in
            var plan = OnboardingPlan(replica: replica)
            for index in 0..<count { try plan.addTask(.init(title: "Task \(index)"), in: phase) }
            replica = plan.replica
        }
    }

    @Test func createOpenAndErrors() throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(throws: StoreError.self) { try ReplicaStore(at: directory) }
        do { _ = try ReplicaStore(at: directory) } catch { #expect(error.code == .notInitialized) }
        let created = try ReplicaStore.create(at: directory, replicaID: ReplicaID(7))
        do { _ = try ReplicaStore.create(at: directory) } catch { #expect(error.code == .alreadyInitialized) }
        let reopened = try ReplicaStore(at: directory)
        #expect(reopened.replicaID == created.replicaID)
        #expect(try reopened.db.integer("PRAGMA user_version") == StoreMigrations.latestVersion)
        #expect(try reopened.db.integer("PRAGMA synchronous") == 2, "FULL")
        try reopened.setSetting("member", "Ana")
        #expect(try ReplicaStore(at: directory).setting("member") == "Ana")
        #expect(throws: StoreError.self) { try reopened.setSetting("replica", "x") }
    }

    @Test func loadIsSnapshotPlusTailAndEqualsFullReplay() throws {
        let (store, phase, directory) = try Self.storeWithPlan(threshold: 25)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for _ in 0..<7 { try Self.addTasks(3, to: store, phase: phase) }
        let stats = try store.statistics()
        #expect(stats.snapshotCovers > 0, "the snapshot was refreshed")
        #expect(stats.tail < 25 + 20)
        var replay = PlanDocument()
        for operation in try store.allOperations() { replay.apply(operation) }
        let loaded = try ReplicaStore(at: directory).load().document
        #expect(loaded.canonicalText() == replay.canonicalText())
        #expect(loaded.version == replay.version)
        #expect(OnboardingPlan(replica: try store.load()).allTasks.count == 21)
        try store.rebuildSnapshot()
        #expect(try store.statistics().tail == 0)
        #expect(try store.load().document.canonicalText() == replay.canonicalText())
    }

    @Test func failedUpdateWritesNothing() throws {
        let (store, phase, directory) = try Self.storeWithPlan()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let before = try store.statistics().operations
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try store.update { replica in
                var plan = OnboardingPlan(replica: replica)
                try plan.addTask(.init(title: "Half"), in: phase)
                replica = plan.replica
                throw Boom()
            }
        }
        #expect(try store.statistics().operations == before)
        // And the next write reuses nothing it should not: counters stay unique.
        try Self.addTasks(1, to: store, phase: phase)
        #expect(try store.statistics().operations == before + 3, "a task is three operations")
    }

    @Test func pendingAcknowledgedReceiveCursorsAndRejections() throws {
        let (store, phase, directory) = try Self.storeWithPlan()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let pending = try store.pendingOperations()
        #expect(try pending.count == store.statistics().operations)
        try store.markAcknowledged(Array(pending.prefix(3).map(\.id)))
        #expect(try store.pendingOperations().count == pending.count - 3)
        #expect(try store.pendingOperations(limit: 2).count == 2)

        var remote = OnboardingPlan(replica: PlanReplica(replicaID: ReplicaID(99), document: try store.load().document))
        try remote.addTask(.init(title: "From the server"), in: phase)
        let operations = remote.replica.takeOutbox()
        #expect(try store.receive(operations) == operations.count)
        #expect(try store.receive(operations) == 0, "duplicates are ignored")
        #expect(try store.pendingOperations().count == pending.count - 3, "received operations are not pending")
        #expect(OnboardingPlan(replica: try store.load()).allTasks.map(\.title) == ["From the server"])

        #expect(try store.syncState(server: "s") == SyncState())
        try store.setSyncState(SyncState(cursor: 42, lastSyncMilliseconds: 1000), server: "s")
        #expect(try store.syncState(server: "s").cursor == 42)

        let refused = try #require(try store.pendingOperations().first)
        try store.reject(RejectedOperation(operation: refused.id, code: "forbidden", reason: "customers cannot edit internal notes", atMilliseconds: 5))
        #expect(try store.rejectedOperations().map(\.operation) == [refused.id])
        #expect(!(try store.pendingOperations().contains { $0.id == refused.id }))
        let history = try store.operations(touching: EntityID(operations[0].id))
        #expect(history.count == operations.count)
        #expect(try store.operations(touching: EntityID(operations[0].id), field: "title").count == 1)
    }

    @Test func aSecondWriterGetsBusyNotCorruption() throws {
        let (store, phase, directory) = try Self.storeWithPlan()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let other = try ReplicaStore(at: directory, busyTimeoutMilliseconds: 50)
        try store.update { replica in
            do {
                try Self.addTasks(1, to: other, phase: phase)
                Issue.record("the second writer should have waited and failed")
            } catch let error as StoreError {
                #expect(error.code == .busy)
                #expect(error.message.contains("another tandem process is writing"))
            }
            var plan = OnboardingPlan(replica: replica)
            try plan.addTask(.init(title: "First writer"), in: phase)
            replica = plan.replica
        }
        try Self.addTasks(1, to: other, phase: phase)
        #expect(OnboardingPlan(replica: try store.load()).allTasks.count == 2)
        #expect(try store.integrityCheck() == ["ok"])
    }

    @Test func staleCommitIsRefusedNotLost() throws {
        let (store, phase, directory) = try Self.storeWithPlan()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var stale = OnboardingPlan(replica: try store.load())
        try Self.addTasks(1, to: store, phase: phase)
        try stale.addTask(.init(title: "Stale"), in: phase)
        do {
            try store.commit(newOperations: stale.replica.takeOutbox())
            Issue.record("expected a refusal")
        } catch {
            #expect(error.code == .invalidRequest)
        }
        #expect(OnboardingPlan(replica: try store.load()).allTasks.count == 1)
    }

    @Test func damagedOperationIsReportedAsCorrupt() throws {
        let (store, _, directory) = try Self.storeWithPlan()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try store.db.execute("UPDATE operations SET bytes = x'FF' WHERE seq = 2")
        do {
            _ = try store.load()
            Issue.record("expected corrupt")
        } catch {
            #expect(error.code == .corrupt)
        }
    }
}
