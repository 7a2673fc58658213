import Foundation
import Testing
import TandemTesting
import TandemModel
@testable import TandemServer
import TandemSync
import TandemWire

/// Revoking a member's token: refused at the next `HELLO`, and a live
/// connection closed with `revoked` within the documented latency (one poll
/// interval, 1 s by default), while other members' connections carry on.
@Suite("Revocation", .serialized, .timeLimit(.minutes(1)))
struct RevocationTests {
    final class Events: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [SyncEvent] = []
        func record(_ event: SyncEvent) { lock.withLock { list.append(event) } }
        /// Which connections were closed.
        final class Counter: @unchecked Sendable {
            private let lock = NSLock()
            private var list: [Int] = []
            func add(_ id: Int) { lock.withLock { list.append(id) } }
            var values: [Int] { lock.withLock { list } }
        }

        var disconnects: Int { lock.withLock { list.filter { if case .disconnected = $0 { true } else { false } }.count } }
    }

    @Test("a live connection of a member revoked by another process closes with `revoked` within ~1 s; others unaffected; reconnect refused")
    func revokeLive() async throws {
        try await ServerHarness.with { harness in
            let plan = try await harness.createPlan()
            let ana = try await harness.addMember(plan, name: "Ana", side: .internal, access: .owner)
            let bo = try await harness.addMember(plan, name: "Bo", side: .customer, access: nil)
            let a = TestClient(name: "Ana", member: ana.member, token: ana.token)
            let b = TestClient(name: "Bo", member: bo.member, token: bo.token)
            let options = SyncOptions(responseTimeout: .seconds(10), pollInterval: .milliseconds(20), digestInterval: .milliseconds(100))
            let anaEvents = Events()
            let anaWatch = Task { try await harness.client(token: a.token, replica: a.replica, options: options).watch(events: { anaEvents.record($0) }) }
            let boWatch = Task { try await harness.client(token: b.token, replica: b.replica, options: options).watch() }
            defer { anaWatch.cancel(); boWatch.cancel() }
            try await LiveSyncTests.waitUntil { a.replica.document.operationCount > 0 && b.replica.document.operationCount > 0 }

            // The real `tandemd member revoke`, another process writing the server's data directory.
            try #require(FileManager.default.isExecutableFile(atPath: Self.tandemd), "build tandemd first (swift build)")
            let revokedAt = ContinuousClock.now
            let (status, output) = await Self.run([Self.tandemd, "member", "revoke", "--data", harness.directory, "--plan", plan.id.description,
                                                   "--member", String(bo.member.description.prefix(8)), "--json"])
            #expect(status == 0 && output.contains("\"revoked\": true"), "\(output)")
            let result = await boWatch.result
            let latency = ContinuousClock.now - revokedAt
            #expect(throws: WireError(.revoked, RevocationTests.revokedMessage)) { try result.get() }
            // Documented: one poll interval (1 s) plus sending the frame; the margin is for a loaded CI machine.
            #expect(latency < .seconds(3), "closed \(latency) after the revocation; the poll interval is 1 s")
            print("revocation latency: \(latency)")

            // Ana's connection carries on: a new edit is acknowledged live, with no reconnect.
            try a.replica.edit { plan in _ = try plan.addPhase(title: "After the revocation") }
            try await LiveSyncTests.waitUntil { a.replica.pendingCount == 0 }
            #expect(a.replica.pendingCount == 0)
            #expect(anaEvents.disconnects == 0)
            #expect(try await harness.serverText(plan).contains("After the revocation"))

            // The revoked token is refused at HELLO; revoking again changes nothing.
            await #expect(throws: WireError.self) { _ = try await harness.client(token: b.token, replica: b.replica).syncOnce() }
            do {
                _ = try await harness.client(token: b.token, replica: InMemorySyncReplica()).syncOnce()
            } catch let error as WireError {
                #expect(error.code == .authenticationFailed)
            }
            let other = try SQLiteServerStore(directory: harness.directory)
            #expect(try await AdminReports.revoke(store: other, plan: plan.id.description, member: bo.member.description).json.rendered().contains("\"revoked\":false"))
            #expect(try await harness.store.members(plan: plan.id).map(\.member) == [ana.member])
        }
    }

    @Test("the watcher closes only the revoked member's connections, and catches one that registers just after the revocation")
    func watcherRules() async throws {
        let directory = NSTemporaryDirectory() + "tandem-revocation-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteServerStore(directory: directory)
        let admin = PlanAdministration(store: store)
        let plan = try await admin.createPlan(.init(title: "Acme rollout", customer: "Acme"))
        let bo = try await admin.addMember(plan: plan.id, name: "Bo", side: .customer, role: nil).member.member
        let ana = try await admin.addMember(plan: plan.id, name: "Ana", side: .internal, role: nil).member.member
        let watcher = RevocationWatcher(store: store, logger: ServerHarness.quiet)
        let closed = Events.Counter()
        let registered = [(1, bo), (2, bo), (3, ana)].map { id, member in
            watcher.register(UInt64(id), plan: plan.id, member: member, revoke: { closed.add(id) })
        }
        #expect(registered == [true, true, true])
        #expect(try await watcher.poll() == 0)
        #expect(try await admin.revokeMember(plan: plan.id, member: bo))
        #expect(try await watcher.poll() == 2)
        #expect(closed.values.sorted() == [1, 2])
        #expect(try await watcher.poll() == 0, "each revocation is acted on once")
        // A connection that authenticated before the revocation but registers after the poll saw it.
        let late = watcher.register(4, plan: plan.id, member: bo, revoke: { closed.add(4) })
        #expect(!late)
        watcher.unregister(3)
        #expect(try await admin.revokeMember(plan: plan.id, member: ana))
        #expect(try await watcher.poll() == 0, "an unregistered connection is not closed")
        #expect(closed.values.sorted() == [1, 2])
    }

    static var tandemd: String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("tandemd").path
    }

    /// Runs a process to completion, returning its status and what it printed (both streams).
    static func run(_ command: [String]) async -> (Int32, String) {
        do {
            let outcome = try await ChildProcess.run(command[0], Array(command.dropFirst()))
            return (outcome.status, outcome.output + outcome.error)
        } catch {
            return (-1, "\(error)")
        }
    }

    static let revokedMessage = "this member's access to the plan was revoked; ask the plan's owner for a new invite"
}
