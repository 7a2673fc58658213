import TandemModel
import TandemWire

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A ``SyncReplica`` kept in memory: a `PlanReplica`, its pending queue, the
/// refused operations and the cursor. For tests and benchmarks, where many
/// clients share one process; it also installs snapshots.
///
/// `@unchecked Sendable`: state is guarded by `mutex`.
public final class InMemorySyncReplica: SyncReplica, @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var replica: PlanReplica
    /// The state a snapshot installed (empty until then) and every operation applied since.
    private var base = PlanDocument()
    private var log: [Operation] = []
    /// Pending operations in order; `pendingIDs` says which are still pending,
    /// so an acknowledgement costs its own size, not the queue's (compacted lazily).
    private var pending: [Operation] = []
    private var pendingIDs: Set<OperationID> = []
    private var refused: [OperationID: Refusal] = [:]
    private var position: UInt64 = 0
    public let supportsSnapshots: Bool
    /// Operations received, including duplicates, for tests that count deliveries.
    public private(set) var receivedCount = 0
    /// Called after operations are received (benchmarks measure delivery with it).
    public var onReceive: (@Sendable ([Operation]) -> Void)?

    public init(replicaID: ReplicaID = .random(), author: EntityID? = nil, supportsSnapshots: Bool = true) {
        replica = PlanReplica(replicaID: replicaID, author: author)
        self.supportsSnapshots = supportsSnapshots
        pthread_mutex_init(&mutex, nil)
    }

    deinit { pthread_mutex_destroy(&mutex) }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }

    public var replicaID: ReplicaID { replica.replicaID }

    /// Edits the plan locally (offline); the operations become pending.
    public func edit<T>(_ body: (inout OnboardingPlan) throws -> T) rethrows -> T {
        try locked {
            var plan = OnboardingPlan(replica: replica)
            defer {
                let made = plan.replica.takeOutbox()
                pending.append(contentsOf: made)
                for operation in made { pendingIDs.insert(operation.id) }
                log.append(contentsOf: made)
                replica = plan.replica
            }
            return try body(&plan)
        }
    }

    public var author: EntityID? {
        get { locked { replica.author } }
        set { locked { replica.author = newValue } }
    }

    public var document: PlanDocument { locked { replica.document } }
    public var plan: OnboardingPlan { locked { OnboardingPlan(replica: replica) } }
    public var refusedOperations: [OperationID: Refusal] { locked { refused } }
    public var pendingCount: Int { locked { pendingIDs.count } }

    public func pendingOperations() throws -> [Operation] {
        locked {
            compact()
            return pending
        }
    }

    private func compact() {
        if pending.count != pendingIDs.count { pending.removeAll { !pendingIDs.contains($0.id) } }
    }

    public func acknowledge(_ ids: [OperationID]) throws {
        locked {
            for id in ids { pendingIDs.remove(id) }
            if pendingIDs.count < pending.count / 2 { compact() }
        }
    }

    public func setAside(_ refusedOperations: [(operation: Operation, refusal: Refusal)]) throws {
        locked {
            for (operation, refusal) in refusedOperations { refused[operation.id] = refusal }
            let done = Set(refusedOperations.map(\.operation.id))
            for id in done { pendingIDs.remove(id) }
            compact()
        }
    }

    public func receive(_ operations: [Operation], cursor: UInt64) throws {
        let callback = locked {
            for operation in operations where replica.receive(operation) != .duplicate { log.append(operation) }
            position = cursor
            receivedCount += operations.count
            return onReceive
        }
        callback?(operations)
    }

    public func installSnapshot(_ snapshot: Snapshot) throws {
        var document: PlanDocument
        do { document = try PlanDocument(snapshot: snapshot.document) } catch {
            throw WireError(.malformedMessage, "the server's snapshot does not decode: \(error)")
        }
        locked {
            base = document
            // Operations the snapshot lacks (pending or refused ones) stay on top,
            // which also keeps their counters from being minted again.
            log = log.filter { !base.version.contains($0.id) }
            for operation in log { document.apply(operation) }
            replica = PlanReplica(replicaID: replica.replicaID, document: document, author: replica.author)
            position = snapshot.sequence
        }
    }

    public func cursor() throws -> UInt64 { locked { position } }

    public func acknowledgedDigest() throws -> [UInt8] {
        let document: PlanDocument = locked { replica.document }
        let excluded: Set<OperationID> = locked { pendingIDs.union(refused.keys) }
        guard !excluded.isEmpty else { return PlanDigest.of(document) }
        let base: PlanDocument = locked { self.base }
        let log: [Operation] = locked { self.log }
        // Rebuild without pending and refused operations: what the server holds.
        var rebuilt = base
        for operation in log where !excluded.contains(operation.id) { rebuilt.apply(operation) }
        return PlanDigest.of(rebuilt)
    }

    public func recordSync(cursor: UInt64, atMilliseconds: Int64) throws {}
}
