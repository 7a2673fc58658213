import Foundation
import NIOConcurrencyHelpers
import TandemModel
import TandemServer
import TandemSync
import TandemWire

extension AdminHarness {
    /// A fresh admin token in the harness's store.
    func adminToken(name: String = "ops") async throws -> String {
        let made = Tokens.makeAdmin(name: name, atMilliseconds: Int64(SystemWallClock.milliseconds()))
        try await store.createAdminToken(made.record, tokenHash: made.hash)
        return made.token
    }

    /// `tandem admin COMMAND` over TCP.
    func remote(_ command: String, _ arguments: [String: String] = [:], token: String) async throws -> AdminResponseBody {
        try await AdminClient(endpoint: SyncEndpoint(host: "127.0.0.1", port: port), token: token, timeout: .seconds(20)).run(command, arguments: arguments)
    }

    /// Keeps `clients` connected live (`tandem watch`) while `body` runs, once each has converged.
    func watching<T: Sendable>(_ clients: [any SyncReplica & AnyObject], tokens: [String], _ body: @Sendable () async throws -> T) async throws -> T {
        let converged = NIOLockedValueBox(Set<Int>())
        return try await withThrowingTaskGroup(of: T?.self) { group in
            for (index, replica) in clients.enumerated() {
                let client = SyncClient(endpoint: SyncEndpoint(host: "127.0.0.1", port: port), token: tokens[index], replica: replica,
                                        options: SyncOptions(responseTimeout: .seconds(10), pollInterval: .milliseconds(50)), logger: Self.quiet)
                group.addTask {
                    try await client.watch { event in
                        if case .converged = event { converged.withLockedValue { _ = $0.insert(index) } }
                    }
                    return nil
                }
            }
            let deadline = ContinuousClock.now + .seconds(20)
            while converged.withLockedValue({ $0.count }) < clients.count, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            let result = try await body()
            group.cancelAll()
            while try await group.next() != nil {}
            return result
        }
    }
}

/// A replica whose acknowledged state can be made to lie, as a replica with a
/// damaged local store would: what `divergence` exists to find.
final class DamageableReplica: SyncReplica, @unchecked Sendable {
    let inner: InMemorySyncReplica
    private let damaged = NIOLockedValueBox(false)

    init(_ inner: InMemorySyncReplica) { self.inner = inner }

    func damage() { damaged.withLockedValue { $0 = true } }

    var replicaID: ReplicaID { inner.replicaID }
    var supportsSnapshots: Bool { inner.supportsSnapshots }
    func pendingOperations() throws -> [TandemModel.Operation] { try inner.pendingOperations() }
    func acknowledge(_ ids: [OperationID]) throws { try inner.acknowledge(ids) }
    func setAside(_ refused: [(operation: TandemModel.Operation, refusal: Refusal)]) throws { try inner.setAside(refused) }
    func receive(_ operations: [TandemModel.Operation], cursor: UInt64) throws { try inner.receive(operations, cursor: cursor) }
    func installSnapshot(_ snapshot: Snapshot) throws { try inner.installSnapshot(snapshot) }
    func cursor() throws -> UInt64 { try inner.cursor() }
    func recordSync(cursor: UInt64, atMilliseconds: Int64) throws { try inner.recordSync(cursor: cursor, atMilliseconds: atMilliseconds) }
    func acknowledgedDigest() throws -> [UInt8] {
        let digest = try inner.acknowledgedDigest()
        return damaged.withLockedValue { $0 } ? digest.map { $0 ^ 0xFF } : digest
    }
}

extension AdminHarness {
    /// The canonical text a client should hold: the whole plan, or the customer view for members without internal access.
    func expectedText(for client: Client, plan: EntityID) async throws -> String {
        let document = try await store.loadDocument(plan: plan).document
        let record = try await store.members(plan: plan).first { $0.member == client.member }
        let view = (record?.seesInternalOnly ?? true) ? document : document.withholding(InternalOnlyIndex(document: document))
        return view.canonicalText()
    }

    /// A second server on the same store, as after a restart: plans load from
    /// the store (snapshot plus retained log), nothing is remembered in memory.
    func restarted<T: Sendable>(_ body: @Sendable (_ port: Int) async throws -> T) async throws -> T {
        let server = SyncServer(store: store, configuration: ServerConfiguration(host: "127.0.0.1", port: 0, handshakeTimeout: .seconds(2)), logger: Self.quiet)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            defer { server.shutdown() }
            let result = try await body(try await server.listeningPort())
            server.shutdown()
            try await group.waitForAll()
            return result
        }
    }

    func sync(_ client: Client, port: Int) async throws {
        let sync = SyncClient(endpoint: SyncEndpoint(host: "127.0.0.1", port: port), token: client.token, replica: client.replica,
                              options: SyncOptions(responseTimeout: .seconds(10)), logger: Self.quiet)
        _ = try await sync.syncOnce()
    }
}
