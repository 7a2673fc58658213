import Foundation
import Testing
import TandemModel
import TandemServer
import TandemStore
import TandemSync
import TandemWire
import TandemTesting

/// The `tandem` CLI's store installing server snapshots (`StoreSyncReplica`
/// over `ReplicaStore.installServerSnapshot`): catch-up after a pruning
/// compaction with pending edits, joins from a snapshot equal to joins from
/// the log, the customer view, crash safety of the install, and a seeded
/// property over random offline edits and snapshot installs.
@Suite("Snapshot install into the CLI store", .serialized, .timeLimit(.minutes(1)))
struct SnapshotInstallTests {
    @Test("after a pruning compaction, a long-offline CLI store catches up from the snapshot, keeps its pending edits and converges")
    func prunedCatchUpKeepsPendingEdits() async throws {
        let root = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let server = try SQLiteServerStore(directory: root + "/server")
        let admin = PlanAdministration(store: server)
        let plan = try await admin.createPlan(OnboardingPlan.Details(title: "Acme rollout", customer: "Acme"))
        let (anaRecord, anaToken) = try await admin.addMember(plan: plan.id, name: "Ana", side: .internal, role: nil)
        let (carlaRecord, carlaToken) = try await admin.addMember(plan: plan.id, name: "Carla", side: .internal, role: nil)
        let ana = InMemorySyncReplica(author: anaRecord.member)
        let carlaStore = try ReplicaStore.create(at: root + "/carla")
        let carla = StoreSyncReplica(store: carlaStore, server: "server", snapshots: true)
        let fullStore = try ReplicaStore.create(at: root + "/full")
        let full = StoreSyncReplica(store: fullStore, server: "server", snapshots: false)
        try await Self.withServer(server) { port in
            _ = try await Self.sync(ana, anaToken, port)
            let phase = try ana.edit { plan in try plan.addPhase(title: "Kick-off") }
            _ = try await Self.sync(ana, anaToken, port)
            _ = try await Self.sync(carla, carlaToken, port)
            _ = try await Self.sync(full, carlaToken, port)
            // Carla goes offline with edits of her own; Ana keeps editing.
            try Self.edit(carlaStore, as: carlaRecord.member) { plan in
                _ = try plan.addPhase(title: "Carla's offline phase")
                try plan.editPlan(title: "Acme rollout (Carla)")
            }
            for round in 0..<30 {
                try ana.edit { plan in _ = try plan.addTask(.init(title: "Ana task \(round)"), in: phase) }
            }
            _ = try await Self.sync(ana, anaToken, port)
        }
        let cursorBefore = try carla.cursor()
        let pendingBefore = try carlaStore.pendingOperations().count
        let compacted = try await PlanCompactor.compact(store: server, plan: plan.id)
        #expect(try await server.logRows(plan: plan.id).isEmpty)

        // A restarted server holds nothing of the pruned log in memory.
        try await Self.withServer(server) { port in
            let report = try await Self.sync(carla, carlaToken, port)
            #expect(report.usedSnapshot && pendingBefore > 0 && report.acknowledged == pendingBefore)
            #expect(try carlaStore.pendingOperations().isEmpty)
            let base = try #require(try carlaStore.serverBase())
            #expect(base.sequence >= Int64(compacted.sequence) && UInt64(base.sequence) > cursorBefore)
            _ = try await Self.sync(ana, anaToken, port)
            _ = try await Self.sync(carla, carlaToken, port)
            let serverText = try await server.loadDocument(plan: plan.id).document.canonicalText()
            #expect(try carlaStore.load().document.canonicalText() == serverText)
            #expect(ana.document.canonicalText() == serverText)
            #expect(serverText.contains("Carla's offline phase") && serverText.contains("Acme rollout (Carla)") && serverText.contains("Ana task 29"))
            // The store is self-consistent: snapshot + tail equals the base plus the log.
            try Self.expectConsistent(carlaStore)
            // A store that asked for the full log is told, and loses nothing.
            await #expect { _ = try await Self.sync(full, carlaToken, port) } throws: { ($0 as? WireError)?.code == .historyPruned }
            #expect(try fullStore.serverBase() == nil)
        }
    }

    @Test("a fresh join from a snapshot equals a join from the full log (canonical JSON and version), and both keep merging")
    func joinFromSnapshotEqualsJoinFromLog() async throws {
        try await ServerHarness.with { harness in
            let root = Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: root) }
            let (plan, ana, bo, editor) = try await Self.twoInternalMembers(harness)
            try editor.edit { plan in
                let phase = try plan.addPhase(title: "Setup")
                for index in 0..<40 { _ = try plan.addTask(.init(title: "Task \(index)"), in: phase) }
                let doc = try plan.addDocument(title: "Runbook", body: "line one\nline two\n")
                _ = try plan.editDocument(doc, body: "line one\nline 2\nline three\n")
            }
            _ = try await harness.client(token: ana.token, replica: editor).syncOnce()

            let snapshotStore = try ReplicaStore.create(at: root + "/snapshot")
            let logStore = try ReplicaStore.create(at: root + "/log")
            let fromSnapshot = StoreSyncReplica(store: snapshotStore, server: "server", snapshots: true)
            let fromLog = StoreSyncReplica(store: logStore, server: "server", snapshots: false)
            let first = try await harness.client(token: bo.token, replica: fromSnapshot).syncOnce()
            let second = try await harness.client(token: bo.token, replica: fromLog).syncOnce()
            #expect(first.usedSnapshot && !second.usedSnapshot)
            #expect(first.digest == second.digest && first.sequence == second.sequence)
            let a = try snapshotStore.load().document, b = try logStore.load().document
            #expect(a.canonicalText() == b.canonicalText() && a.version == b.version)
            #expect(try snapshotStore.statistics().operations == 0 && logStore.statistics().operations > 40)
            try Self.expectConsistent(snapshotStore)

            // Both keep merging: edits on every side, then everyone converges.
            try Self.edit(snapshotStore, as: bo.member) { plan in _ = try plan.addPhase(title: "From the snapshot store") }
            try Self.edit(logStore, as: bo.member) { plan in _ = try plan.addPhase(title: "From the log store") }
            try editor.edit { plan in _ = try plan.addPhase(title: "From Ana") }
            for replica in [fromSnapshot, fromLog, editor, fromSnapshot, fromLog] as [any SyncReplica] {
                _ = try await harness.client(token: replica === editor ? ana.token : bo.token, replica: replica).syncOnce()
            }
            let serverText = try await harness.serverText(plan)
            #expect(try snapshotStore.load().document.canonicalText() == serverText)
            #expect(try logStore.load().document.canonicalText() == serverText)
            // Reopening and rebuilding the local snapshot change nothing.
            let reopened = try ReplicaStore(at: root + "/snapshot")
            try reopened.rebuildSnapshot()
            #expect(try reopened.load().document.canonicalText() == serverText)
        }
    }

    @Test("a customer joining from a snapshot gets the customer view: no internal marker in any byte of its store, and it converges")
    func customerSnapshotWithholdsInternalData() async throws {
        try await ServerHarness.with { harness in
            let root = Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: root) }
            let marker = "SNAPSHOT-MARKER-\(UInt64.random(in: 1...UInt64.max))"
            let plan = try await harness.createPlan()
            let ana = try await harness.addMember(plan, name: "Ana", side: .internal)
            let carla = try await harness.addMember(plan, name: "Carla", side: .customer)
            let vendor = InMemorySyncReplica(author: ana.member)
            _ = try await harness.client(token: ana.token, replica: vendor).syncOnce()
            try vendor.edit { plan in
                let phase = try plan.addPhase(title: "Shared phase")
                let task = try plan.addTask(.init(title: "Shared task"), in: phase)
                _ = try plan.addRiskNote("Champion leaving \(marker)", severity: .high, about: task)
                _ = try plan.addInternalComment(on: task, text: "Discount only if \(marker)")
            }
            _ = try await harness.client(token: ana.token, replica: vendor).syncOnce()

            func join(_ name: String, _ token: String) async throws -> (store: ReplicaStore, report: SyncReport, bytes: [UInt8]) {
                let store = try ReplicaStore.create(at: root + "/" + name)
                let report = try await harness.client(token: token, replica: StoreSyncReplica(store: store, server: "server", snapshots: true)).syncOnce()
                let path = ReplicaStore.databasePath(in: root + "/" + name)
                let bytes = ["", "-wal", "-shm"].flatMap { suffix in FileManager.default.contents(atPath: path + suffix).map { Array($0) } ?? [] }
                return (store, report, bytes)
            }
            let customer = try await join("carla", carla.token)
            #expect(customer.report.usedSnapshot)
            #expect(!ByteSearch.contains(customer.bytes, Array(marker.utf8)))
            let server = try await harness.store.loadDocument(plan: plan.id).document
            let view = server.withholding(InternalOnlyIndex(document: server))
            #expect(try customer.store.load().document.canonicalText() == view.canonicalText())
            #expect(try customer.store.serverBase()?.document.canonicalText() == view.canonicalText())
            // Positive control: an internal member's store does hold it (the search works).
            let internalJoin = try await join("ana", ana.token)
            #expect(internalJoin.report.usedSnapshot && ByteSearch.contains(internalJoin.bytes, Array(marker.utf8)))
            // The customer keeps converging with later shared and internal edits.
            try vendor.edit { plan in _ = try plan.addPhase(title: "Later phase"); _ = try plan.addRiskNote("again \(marker)", severity: .low) }
            _ = try await harness.client(token: ana.token, replica: vendor).syncOnce()
            _ = try await harness.client(token: carla.token, replica: StoreSyncReplica(store: customer.store, server: "server", snapshots: true)).syncOnce()
            #expect(try !customer.store.load().document.canonicalText().contains(marker))
        }
    }

    @Test("an install failing after any step leaves the old state whole; the next install succeeds")
    func failedInstallLeavesOldState() async throws {
        try await ServerHarness.with { harness in
            let root = Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: root) }
            let (plan, ana, bo, editor) = try await Self.twoInternalMembers(harness)
            let store = try ReplicaStore.create(at: root + "/bo")
            _ = try await harness.client(token: bo.token, replica: StoreSyncReplica(store: store, server: "server", snapshots: false)).syncOnce()
            try Self.edit(store, as: bo.member) { plan in _ = try plan.addPhase(title: "Bo's pending phase") }
            try editor.edit { plan in for index in 0..<10 { _ = try plan.addPhase(title: "Phase \(index)") } }
            _ = try await harness.client(token: ana.token, replica: editor).syncOnce()
            let (snapshot, head) = try await harness.store.loadDocument(plan: plan.id)

            struct Injected: Error {}
            func state() throws -> [String] {
                [try store.load().document.canonicalText(), "\(try store.syncState(server: "server").cursor)",
                 "\(try store.pendingOperations().map(\.id))", "\(try store.statistics())", "\(try store.serverBase()?.sequence ?? -1)"]
            }
            let before = try state()
            let pendingBefore = try store.pendingOperations().count
            for failing in SnapshotInstallStep.allCases {
                #expect(throws: StoreError.self) {
                    try store.installServerSnapshot(snapshot, sequence: Int64(head), server: "server", atMilliseconds: 1) { step throws(StoreError) in
                        if step == failing { throw StoreError(.io, "injected failure after \(step)") }
                    }
                }
                #expect(try state() == before, "a failure after \(failing) left a mix")
            }
            let result = try store.installServerSnapshot(snapshot, sequence: Int64(head), server: "server", atMilliseconds: 1)
            #expect(pendingBefore > 0 && result.kept == pendingBefore && result.dropped > 0)
            #expect(try store.pendingOperations().count == pendingBefore && store.syncState(server: "server").cursor == Int64(head))
            let merged = try store.load().document.canonicalText()
            #expect(merged.contains("Bo's pending phase") && merged.contains("Phase 9"))
            try Self.expectConsistent(store)
            // The pending edit still uploads and everyone converges.
            _ = try await harness.client(token: bo.token, replica: StoreSyncReplica(store: store, server: "server", snapshots: true)).syncOnce()
            #expect(try store.load().document.canonicalText() == (try await harness.serverText(plan)))
        }
    }

    @Test("property: random offline edits on CLI stores and in memory, snapshot installs at a small lag, everyone converges", arguments: [3, 17, 92])
    func randomOfflineEditsAndInstallsConverge(seed: UInt64) async throws {
        let configuration = ServerConfiguration(host: "127.0.0.1", port: 0, handshakeTimeout: .seconds(2), snapshotLag: 4)
        try await ServerHarness.with(configuration: configuration) { harness in
            let root = Self.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: root) }
            var rng = SeededRandom(seed: seed)
            let plan = try await harness.createPlan()
            var members: [(member: EntityID, token: String)] = []
            for name in ["Ana", "Bo", "Cy", "Di"] { members.append(try await harness.addMember(plan, name: name, side: .internal)) }
            var stores: [ReplicaStore] = []
            var replicas: [any SyncReplica] = []
            for index in 0..<3 {
                let store = try ReplicaStore.create(at: root + "/store\(index)", snapshotThreshold: 7)
                stores.append(store)
                replicas.append(StoreSyncReplica(store: store, server: "server", snapshots: true))
            }
            let memory = InMemorySyncReplica(author: members[3].member)
            _ = try await harness.client(token: members[3].token, replica: memory).syncOnce()
            replicas.append(memory)
            var installs = 0
            for index in stores.indices { _ = try await harness.client(token: members[index].token, replica: replicas[index]).syncOnce() }
            for round in 0..<6 {
                for index in replicas.indices where rng.next() % 3 != 0 {
                    let edits = Int(rng.next() % 4) + 1
                    let edit = { (plan: inout OnboardingPlan) throws -> Void in
                        for step in 0..<edits {
                            var local = SeededRandom(seed: seed &+ UInt64(round * 100 + index * 10 + step))
                            try Self.randomEdit(&plan, label: "r\(round) p\(index) e\(step)", rng: &local)
                        }
                    }
                    if index < stores.count { try Self.edit(stores[index], as: members[index].member, edit) } else { try memory.edit(edit) }
                }
                for index in replicas.indices.shuffled(using: &rng) where rng.next() % 2 == 0 {
                    let report = try await harness.client(token: members[index].token, replica: replicas[index]).syncOnce()
                    if report.usedSnapshot { installs += 1 }
                }
            }
            for _ in 0..<2 {
                for index in replicas.indices { _ = try await harness.client(token: members[index].token, replica: replicas[index]).syncOnce() }
            }
            let serverText = try await harness.serverText(plan)
            for (index, store) in stores.enumerated() {
                #expect(try store.load().document.canonicalText() == serverText, "store \(index) diverged (seed \(seed))")
                #expect(try store.pendingOperations().isEmpty)
                try Self.expectConsistent(store)
            }
            #expect(memory.document.canonicalText() == serverText)
            #expect(installs > 0, "seed \(seed) installed no snapshot: the property tested nothing")
        }
    }

    // MARK: Support

    static func randomEdit(_ plan: inout OnboardingPlan, label: String, rng: inout SeededRandom) throws {
        let phases = plan.phases
        let tasks = phases.flatMap { plan.document.children(of: $0.id) }.filter { plan.document[$0]?.kind == .task }
        switch rng.next() % 4 {
        case 0 where !phases.isEmpty:
            _ = try plan.addTask(.init(title: "task \(label)"), in: phases[Int(rng.next() % UInt64(phases.count))].id)
        case 1 where !tasks.isEmpty:
            try plan.editTask(tasks[Int(rng.next() % UInt64(tasks.count))], title: "renamed \(label)")
        case 2:
            try plan.editPlan(title: "plan \(label)")
        default:
            _ = try plan.addPhase(title: "phase \(label)")
        }
    }

    /// A plan with two internal members, Ana (editing in memory, synced) and Bo.
    static func twoInternalMembers(_ harness: ServerHarness) async throws
        -> (plan: PlanRecord, ana: (member: EntityID, token: String), bo: (member: EntityID, token: String), editor: InMemorySyncReplica) {
        let plan = try await harness.createPlan()
        let ana = try await harness.addMember(plan, name: "Ana", side: .internal)
        let bo = try await harness.addMember(plan, name: "Bo", side: .internal)
        let editor = InMemorySyncReplica(author: ana.member)
        _ = try await harness.client(token: ana.token, replica: editor).syncOnce()
        return (plan, ana, bo, editor)
    }

    static func temporaryDirectory() -> String { NSTemporaryDirectory() + "tandem-snapshot-install-\(UUID().uuidString)" }

    static func edit(_ store: ReplicaStore, as member: EntityID, _ body: (inout OnboardingPlan) throws -> Void) throws {
        try store.update(author: member) { replica in
            var plan = OnboardingPlan(replica: replica)
            try body(&plan)
            replica = plan.replica
        }
    }

    static func sync(_ replica: any SyncReplica, _ token: String, _ port: Int) async throws -> SyncReport {
        try await SyncClient(endpoint: SyncEndpoint(host: "127.0.0.1", port: port), token: token, replica: replica,
                             options: SyncOptions(responseTimeout: .seconds(10)), logger: ServerHarness.quiet).syncOnce()
    }

    /// A server over `store`, as after a restart: nothing of a pruned log stays in memory.
    static func withServer(_ store: SQLiteServerStore, port: Int = 0, _ body: (_ port: Int) async throws -> Void) async throws {
        let server = SyncServer(store: store, configuration: ServerConfiguration(host: "127.0.0.1", port: port, handshakeTimeout: .seconds(2)),
                                logger: ServerHarness.quiet)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            do {
                try await body(try await server.listeningPort())
            } catch {
                server.shutdown()
                try? await group.waitForAll()
                throw error
            }
            server.shutdown()
            try await group.waitForAll()
        }
    }

    /// What `tandem debug check` checks: the loaded state equals the base plus the whole log.
    static func expectConsistent(_ store: ReplicaStore) throws {
        var replay = try store.serverBase()?.document ?? PlanDocument()
        for operation in try store.allOperations() { replay.apply(operation) }
        let loaded = try store.load().document
        #expect(loaded.canonicalText() == replay.canonicalText() && loaded.version == replay.version)
    }
}

/// What the `tandem` commands that read the log say after a join from a snapshot.
@Suite("Snapshot install: CLI history commands", .serialized, .timeLimit(.minutes(1)))
struct SnapshotHistoryCommandTests {
    @Test("after a snapshot join, history/conflicts/doc time travel say where local history starts instead of showing less; --full-history keeps the log")
    func historyCommandsNameTheBoundary() async throws {
        try await ServerHarness.with { harness in
            let root = SnapshotInstallTests.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: root) }
            let (_, ana, bo, editor) = try await SnapshotInstallTests.twoInternalMembers(harness)
            let (task, doc) = try editor.edit { plan in
                let task = try plan.addTask(.init(title: "Configure SSO"), in: try plan.addPhase(title: "Setup"))
                let doc = try plan.addDocument(title: "Runbook", body: "first draft\n")
                _ = try plan.addVersion(of: doc, named: "v1")
                _ = try plan.editDocument(doc, body: "second draft\n")
                return (task, doc)
            }
            _ = try await harness.client(token: ana.token, replica: editor).syncOnce()
            let server = "127.0.0.1:\(harness.port)"
            let snapshot = root + "/snapshot", full = root + "/full"
            let joined = await CLISyncTests.tandem(["join", server, bo.token], store: snapshot)
            #expect(joined.status == 0 && joined.out.contains("(from a snapshot)"), "\(joined.err)")
            #expect(await CLISyncTests.tandem(["join", server, bo.token, "--full-history"], store: full).status == 0)

            let history = await CLISyncTests.tandem(["history", task.description], store: snapshot)
            #expect(history.status == 0 && history.out.contains("caught up from a server snapshot"))
            #expect(history.out.contains("at the snapshot it was:") && history.out.contains("Configure SSO"))
            let json = await CLISyncTests.tandem(["history", task.description, "--json"], store: snapshot)
            #expect(json.out.hasPrefix("[") && json.err.contains("caught up from a server snapshot"))
            #expect(await CLISyncTests.tandem(["conflicts"], store: snapshot).out.contains("caught up from a server snapshot"))
            // A past version would be rebuilt from an empty text: refused, with the reason.
            let past = await CLISyncTests.tandem(["doc", "show", doc.description, "--version", "v1"], store: snapshot)
            #expect(past.status != 0 && past.err.contains("history-not-local"), "\(past.out) \(past.err)")
            #expect(await CLISyncTests.tandem(["doc", "show", doc.description], store: snapshot).out.contains("second draft"))
            let check = await CLISyncTests.tandem(["debug", "check"], store: snapshot)
            #expect(check.status == 0 && check.out.contains("log starts  at a server snapshot"), "\(check.out)")

            // The full-history store keeps every version and says nothing of a snapshot.
            let fullHistory = await CLISyncTests.tandem(["history", task.description], store: full)
            #expect(fullHistory.status == 0 && !fullHistory.out.contains("server snapshot"))
            #expect(await CLISyncTests.tandem(["doc", "show", doc.description, "--version", "v1"], store: full).out.contains("first draft"))
            let again = await CLISyncTests.tandem(["sync"], store: full)
            #expect(again.status == 0 && !again.out.contains("(from a snapshot)"))
        }
    }

    @Test("a --full-history CLI store offline across a pruning compaction is told history-pruned, then 'tandem sync --accept-snapshot' catches it up with its pending edit")
    func fullHistoryStoreAcceptsSnapshotAfterPruning() async throws {
        let root = SnapshotInstallTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let server = try SQLiteServerStore(directory: root + "/server")
        let admin = PlanAdministration(store: server)
        let plan = try await admin.createPlan(OnboardingPlan.Details(title: "Acme rollout", customer: "Acme"))
        let (anaRecord, anaToken) = try await admin.addMember(plan: plan.id, name: "Ana", side: .internal, role: nil)
        let (_, boToken) = try await admin.addMember(plan: plan.id, name: "Bo", side: .internal, role: nil)
        let ana = InMemorySyncReplica(author: anaRecord.member)
        let store = root + "/bo"
        let port = try await Self.firstServer(server) { port in
            _ = try await SnapshotInstallTests.sync(ana, anaToken, port)
            #expect(await CLISyncTests.tandem(["join", "127.0.0.1:\(port)", boToken, "--full-history"], store: store).status == 0)
            #expect(await CLISyncTests.tandem(["phase", "add", "Bo's offline phase"], store: store).status == 0)
            try ana.edit { plan in for index in 0..<10 { _ = try plan.addPhase(title: "Ana phase \(index)") } }
            _ = try await SnapshotInstallTests.sync(ana, anaToken, port)
        }
        _ = try await PlanCompactor.compact(store: server, plan: plan.id)
        try await SnapshotInstallTests.withServer(server, port: port) { port in
            let pruned = await CLISyncTests.tandem(["sync"], store: store)
            #expect(pruned.status == 1 && pruned.err.contains("history-pruned") && pruned.err.contains("tandem sync --accept-snapshot"), "\(pruned.err)")
            let both = await CLISyncTests.tandem(["sync", "--accept-snapshot", "--full-history"], store: store)
            #expect(both.status != 0 && both.err.contains("at most one"))
            let accepted = await CLISyncTests.tandem(["sync", "--accept-snapshot"], store: store)
            #expect(accepted.status == 0 && accepted.out.contains("pushed") && accepted.out.contains("(from a snapshot)"), "\(accepted.err)")
            // The store forgot --full-history: the next sync needs no flag.
            #expect(await CLISyncTests.tandem(["sync"], store: store).status == 0)
            let exported = await CLISyncTests.tandem(["export"], store: store)
            #expect(exported.out.contains("Bo's offline phase") && exported.out.contains("Ana phase 9"))
            _ = try await SnapshotInstallTests.sync(ana, anaToken, port)
            #expect(exported.out.trimmingCharacters(in: .whitespacesAndNewlines) == ana.document.canonicalText())
        }
    }

    /// Runs `body` on a server over `store` and returns its port, for a restart on the same address.
    static func firstServer(_ store: SQLiteServerStore, _ body: (_ port: Int) async throws -> Void) async throws -> Int {
        var first = 0
        try await SnapshotInstallTests.withServer(store) { port in
            first = port
            try await body(port)
        }
        return first
    }
}
