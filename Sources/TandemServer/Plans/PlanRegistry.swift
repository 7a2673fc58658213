import Logging
import TandemModel

/// The plans loaded in memory, each loaded once on first use.
final class PlanRegistry: @unchecked Sendable {
    // @unchecked: `hubs` is guarded by `lock`; loading is serialised by `gate`.
    private let store: any ServerStore
    private let logger: Logger
    private let lock = NSLockLite()
    private let gate = AsyncSerialGate()
    private var hubs: [EntityID: PlanHub] = [:]
    /// The member connections of each plan, for `divergence`'s digest probes.
    let probes = ReplicaProbes()

    /// Revoked members' connections are closed through it (issue 8); `SyncServer` runs its poll.
    let revocations: RevocationWatcher
    /// Subscribers' pull positions, written about once a second for `admin replicas`.
    let cursors: CursorRecorder

    init(store: any ServerStore, logger: Logger) {
        self.store = store
        self.logger = logger
        self.revocations = RevocationWatcher(store: store, logger: logger)
        self.cursors = CursorRecorder(store: store, logger: logger)
    }

    /// The plan's hub if it is loaded; nil rather than loading it.
    func loadedHub(_ plan: EntityID) -> PlanHub? { lock.withLock { hubs[plan] } }

    /// Every loaded hub.
    var loadedHubs: [PlanHub] { lock.withLock { Array(hubs.values) } }

    func hub(for plan: EntityID) async throws -> PlanHub {
        if let hub = lock.withLock({ hubs[plan] }) { return hub }
        return try await gate.run {
            if let hub = lock.withLock({ hubs[plan] }) { return hub }
            guard let record = try await store.plan(plan) else {
                throw ServerStoreError(.notFound, "no plan \(plan) on this server")
            }
            let hub = try await PlanHub.load(record, store: store, logger: logger)
            lock.withLock { hubs[plan] = hub }
            logger.info("loaded plan", metadata: ["plan": "\(plan.short())", "head": "\(hub.currentHead)"])
            return hub
        }
    }
}
