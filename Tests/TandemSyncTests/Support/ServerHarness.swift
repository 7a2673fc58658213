import Foundation
import Logging
import TandemModel
import TandemServer
import TandemSync
import TandemWire
import TandemTesting

/// An in-process server on 127.0.0.1 with a free port and a temporary data
/// directory, plus helpers to add members and make clients.
struct ServerHarness: Sendable {
    let server: SyncServer
    let store: SQLiteServerStore
    let port: Int
    let directory: String

    static let quiet = Logger(label: "tandem.test", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Runs `body` with a started server; shuts it down afterwards, also on failure.
    static func with<T: Sendable>(configuration: ServerConfiguration = ServerConfiguration(host: "127.0.0.1", port: 0, handshakeTimeout: .seconds(2)),
                                  logger: Logger = quiet, _ body: @Sendable (ServerHarness) async throws -> T) async throws -> T {
        let directory = NSTemporaryDirectory() + "tandem-sync-test-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteServerStore(directory: directory)
        let server = SyncServer(store: store, configuration: configuration, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            let port = try await server.listeningPort()
            let harness = ServerHarness(server: server, store: store, port: port, directory: directory)
            do {
                let result = try await body(harness)
                server.shutdown()
                try await group.waitForAll()
                return result
            } catch {
                server.shutdown()
                try? await group.waitForAll()
                throw error
            }
        }
    }

    var endpoint: SyncEndpoint { SyncEndpoint(host: "127.0.0.1", port: port) }

    func createPlan(title: String = "Acme rollout", customer: String = "Acme") async throws -> PlanRecord {
        try await PlanAdministration(store: store).createPlan(OnboardingPlan.Details(title: title, customer: customer))
    }

    func addMember(_ plan: PlanRecord, name: String, side: Side = .customer) async throws -> (member: EntityID, token: String) {
        let (record, token) = try await PlanAdministration(store: store).addMember(plan: plan.id, name: name, side: side, role: nil)
        return (record.member, token)
    }

    func client(token: String, replica: any SyncReplica, options: SyncOptions = SyncOptions(responseTimeout: .seconds(10))) -> SyncClient {
        SyncClient(endpoint: endpoint, token: token, replica: replica, options: options, logger: Self.quiet)
    }

    /// The plan's canonical JSON on the server.
    func serverText(_ plan: PlanRecord) async throws -> String {
        try await store.loadDocument(plan: plan.id).document.canonicalText()
    }
}

/// A member's client with its in-memory replica.
struct TestClient: Sendable {
    let name: String
    let member: EntityID
    let token: String
    let replica: InMemorySyncReplica

    init(name: String, member: EntityID, token: String, snapshots: Bool = true) {
        self.name = name
        self.member = member
        self.token = token
        self.replica = InMemorySyncReplica(author: member, supportsSnapshots: snapshots)
    }
}


/// Random but valid edits through the schema API, as a member would make offline.
enum RandomEdits {
    static func apply(count: Int, to plan: inout OnboardingPlan, rng: inout SeededRandom) {
        for step in 0..<count {
            let phases = plan.phases.map(\.id)
            let tasks = plan.allTasks.map(\.id)
            let members = plan.members.map(\.id)
            switch Int.random(in: 0..<6, using: &rng) {
            case 0 where phases.count < 4, _ where phases.isEmpty:
                _ = try? plan.addPhase(title: "Phase \(step)-\(rng.next() % 1000)")
            case 1, 2:
                let phase = phases.randomElement(using: &rng)!
                _ = try? plan.addTask(OnboardingPlan.TaskDraft(title: "Task \(rng.next() % 100_000)", responsible: members.randomElement(using: &rng)), in: phase)
            case 3 where !tasks.isEmpty:
                _ = try? plan.editTask(tasks.randomElement(using: &rng)!, title: "Renamed \(rng.next() % 100_000)")
            case 4 where !tasks.isEmpty:
                _ = try? plan.setStatus(tasks.randomElement(using: &rng)!, [.todo, .inProgress, .done, .blocked].randomElement(using: &rng)!,
                                        at: Instant(milliseconds: 1_780_000_000_000))
            case 5 where tasks.count > 1 && !phases.isEmpty:
                _ = try? plan.moveTask(tasks.randomElement(using: &rng)!, to: phases.randomElement(using: &rng)!)
            default:
                if let task = tasks.randomElement(using: &rng) { _ = try? plan.addComment(on: task, text: "note \(rng.next() % 1000)") }
            }
        }
    }
}
