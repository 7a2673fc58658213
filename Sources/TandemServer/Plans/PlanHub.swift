import Logging
import TandemModel
import TandemWire

/// One plan in the server's memory: its document at the head, the most recent
/// operations (so live delivery does not touch the database), and the
/// connections subscribed to it.
///
/// Ingest and refresh run one at a time through `gate`: validate against the
/// document, commit durably, then publish (apply, remember, notify). So the
/// document, the head and the remembered operations always agree with what
/// the store has committed, in sequence order.
///
/// `@unchecked Sendable`: mutable state is guarded by `lock`.
public final class PlanHub: @unchecked Sendable {
    public let plan: PlanRecord
    let store: any ServerStore
    let logger: Logger
    private let gate = AsyncSerialGate()
    /// Publishing order of queued batches (their commit order).
    private let turns = InOrderTurns()
    /// What validated batches not yet published add to the plan (guarded by `lock`).
    private var unpublished = UnpublishedBatches()
    let lock = NSLockLite()
    private var document: PlanDocument
    /// The plan's internal-only entities, kept with the document (guarded by `lock`).
    var internalOnly: InternalOnlyIndex
    /// The customer view's digest at a sequence (guarded by `lock`; see `PlanHub+CustomerView`).
    var cachedCustomerDigest: (sequence: UInt64, bytes: [UInt8])?
    private var head: UInt64
    private var recent: [SequencedOperation] = []
    private var subscribers: [UInt64: Subscriber] = [:]
    private var lastSnapshot: UInt64
    private var cachedDigest: (sequence: UInt64, bytes: [UInt8])?
    /// Recent deliveries' frames, encoded once for all subscribers of a view.
    let deliveryFrames = DeliveryFrameCache()

    /// How many recent operations stay in memory for live delivery.
    static let recentCapacity = 50_000
    /// A snapshot is stored after at least this many operations since the last one.
    static let snapshotInterval: UInt64 = 10_000

    struct Subscriber {
        let replica: ReplicaID
        let notify: @Sendable (UInt64) -> Void
    }

    private init(plan: PlanRecord, store: any ServerStore, document: PlanDocument, head: UInt64, lastSnapshot: UInt64, logger: Logger) {
        self.plan = plan
        self.store = store
        self.document = document
        self.internalOnly = InternalOnlyIndex(document: document)
        self.head = head
        self.lastSnapshot = lastSnapshot
        var logger = logger
        logger[metadataKey: "plan"] = "\(plan.id.short())"
        self.logger = logger
    }

    /// Loads a plan from the store (snapshot plus the log after it).
    static func load(_ plan: PlanRecord, store: any ServerStore, logger: Logger) async throws -> PlanHub {
        let snapshot = try await store.latestSnapshot(plan: plan.id)
        let (document, head) = try await store.loadDocument(plan: plan.id)
        return PlanHub(plan: plan, store: store, document: document, head: head, lastSnapshot: snapshot?.sequence ?? 0, logger: logger)
    }

    public var currentHead: UInt64 { lock.withLock { head } }

    /// The document and the sequence it is at (a copy: cheap until either changes).
    public func state() -> (document: PlanDocument, sequence: UInt64) { lock.withLock { (document, head) } }

    /// The document, its head and its internal-only entities, read together.
    func stateWithIndex() -> (document: PlanDocument, sequence: UInt64, internalOnly: InternalOnlyIndex) {
        lock.withLock { (document, head, internalOnly) }
    }

    // MARK: Subscribers

    func subscribe(_ id: UInt64, replica: ReplicaID, notify: @escaping @Sendable (UInt64) -> Void) {
        lock.withLock { subscribers[id] = Subscriber(replica: replica, notify: notify) }
    }

    func unsubscribe(_ id: UInt64) {
        _ = lock.withLock { subscribers.removeValue(forKey: id) }
    }

    var subscriberCount: Int { lock.withLock { subscribers.count } }

    // MARK: Ingest

    /// The outcome of one pushed batch.
    struct IngestResult: Sendable {
        var refusals: [Refusal]
        var head: UInt64
        var stored: Int
    }

    /// A batch validated and queued for commit, waiting to be durable and published.
    private struct QueuedBatch: Sendable {
        var accepted: [(index: Int, operation: Operation)]
        var refusals: [Refusal]
        var commit: PendingCommit
        var turn: UInt64
    }

    /// Validates a member's batch and queues its commit, returning as soon as
    /// its place in the plan's order is fixed; the result arrives once the
    /// batch is durable and published, after every batch queued before it.
    ///
    /// So a connection can validate its next batch while this one is synced
    /// to disk. Batches still in flight count for validation: an entity one
    /// creates may be edited by the next (``ValidationView``).
    /// - Parameter finished: called when the result is known, before later batches publish.
    func queueIngest(_ operations: [Operation], member: MemberRecord, replica: ReplicaID, limits: WireLimits, policy: any WritePolicy,
                     nowMilliseconds: UInt64, finished: (@Sendable () -> Void)? = nil) async throws -> Pending<IngestResult> {
        let queued: QueuedBatch = try await gate.run {
            var refusals: [Refusal] = []
            let accepted = validate(operations, member: member, replica: replica, limits: limits, policy: policy,
                                    nowMilliseconds: nowMilliseconds, refusals: &refusals)
            let commit = store.queueCommit(plan: plan.id, operations: accepted.map(\.operation))
            return QueuedBatch(accepted: accepted, refusals: refusals, commit: commit, turn: turns.take())
        }
        let outcome = Pending<IngestResult>()
        Task {
            await turns.begin(queued.turn)
            let result: Result<IngestResult, any Error>
            do { result = .success(try await complete(queued)) } catch { result = .failure(error) }
            outcome.finish(result)
            finished?()
            turns.end(queued.turn)
        }
        return outcome
    }

    /// Waits for a queued batch to be durable, then publishes what it stored.
    private func complete(_ queued: QueuedBatch) async throws -> IngestResult {
        let committed: Result<CommitResult, any Error>
        do { committed = .success(try await queued.commit.result()) } catch { committed = .failure(error) }
        return try await gate.run {
            defer { retireUnpublished() }
            let result = try committed.get()
            try await catchUp(to: result.previousHead)
            var refusals = queued.refusals
            var fresh: [SequencedOperation] = []
            for (entry, outcome) in zip(queued.accepted, result.outcomes) {
                switch outcome {
                case .stored(let sequence): fresh.append(SequencedOperation(sequence: sequence, operation: entry.operation))
                case .duplicate: break
                case .conflicting:
                    refusals.append(Refusal(index: entry.index, code: .conflictingDuplicate,
                                            reason: "operation \(entry.operation.id) was stored before with different content; the replica reused a counter"))
                }
            }
            publish(fresh)
            try await snapshotIfDue()
            refusals.sort { $0.index < $1.index }
            return IngestResult(refusals: refusals, head: result.head, stored: fresh.count)
        }
    }

    /// Validation in its own scope, so its copy of the document is released
    /// before `publish` mutates the original (no copy-on-write of the plan).
    /// Runs in the gate: what it accepts is taken into `unpublished` for the next batch.
    private func validate(_ operations: [Operation], member: MemberRecord, replica: ReplicaID, limits: WireLimits, policy: any WritePolicy,
                          nowMilliseconds: UInt64, refusals: inout [Refusal]) -> [(index: Int, operation: Operation)] {
        let view: ValidationView = lock.withLock {
            ValidationView(document: document, internalOnly: unpublished.internalOnly ?? internalOnly, created: unpublished.created)
        }
        var validator = OperationValidator(view: view, writer: member, replica: replica, limits: limits,
                                           nowMilliseconds: nowMilliseconds, policy: policy)
        var accepted: [(index: Int, operation: Operation)] = []
        accepted.reserveCapacity(operations.count)
        for (index, operation) in operations.enumerated() {
            if let (code, reason) = validator.check(operation) {
                refusals.append(Refusal(index: index, code: code, reason: reason))
            } else {
                accepted.append((index, operation))
            }
        }
        let after = validator.view
        let createdHere = accepted.compactMap { entry -> EntityID? in
            if case .create = entry.operation.action { return EntityID(entry.operation.id) }
            return nil
        }
        lock.withLock { unpublished.queued(after, creating: createdHere) }
        return accepted
    }

    /// A batch left the pipeline (published, or failed): its entities are in the document or gone.
    private func retireUnpublished() {
        lock.withLock { unpublished.retireOldest() }
    }

    /// Picks up operations another process (an admin command) committed.
    func refresh() async throws {
        try await gate.run {
            let storeHead = try await store.head(plan: plan.id)
            try await catchUp(to: storeHead)
        }
    }

    /// Publishes the store's operations up to `sequence` that this hub lacks. Call inside the gate.
    private func catchUp(to sequence: UInt64) async throws {
        while currentHead < sequence {
            let missing = try await store.operations(plan: plan.id, after: currentHead, limit: 10_000)
            guard !missing.isEmpty else { break }
            publish(missing.filter { $0.sequence <= sequence })
        }
    }

    private func publish(_ entries: [SequencedOperation]) {
        guard !entries.isEmpty else { return }
        let notifications: [@Sendable (UInt64) -> Void]? = lock.withLock {
            // A refresh may have published these from the store while the batch
            // waited for its turn: only what lies past the head is new.
            let entries = entries.drop { $0.sequence <= head }
            guard !entries.isEmpty else { return nil }
            for entry in entries {
                document.apply(entry.operation)
                internalOnly.record(entry.operation)
                // Operations a refresh publishes (an admin command's, another instance's)
                // count for batches validated from now on, too.
                unpublished.published(entry.operation)
            }
            head = entries.last!.sequence
            recent.append(contentsOf: entries)
            if recent.count > Self.recentCapacity { recent.removeFirst(recent.count - Self.recentCapacity / 2) }
            return subscribers.values.map(\.notify)
        }
        guard let notifications else { return }
        let newHead = entries.last!.sequence
        for notify in notifications { notify(newHead) }
    }

    private func snapshotIfDue() async throws {
        let due: (UInt64, [UInt8])? = lock.withLock {
            // Spaced geometrically up to a cap: a plan growing by a million
            // operations is snapshotted a few dozen times, not a hundred.
            guard head >= lastSnapshot + max(Self.snapshotInterval, min(lastSnapshot, 200_000)) else { return nil }
            lastSnapshot = head
            return (head, document.encodedSnapshot())
        }
        if let (sequence, bytes) = due {
            try await store.saveSnapshot(plan: plan.id, StoredSnapshot(sequence: sequence, bytes: bytes))
        }
    }

    // MARK: Reading

    /// Operations with sequence in `(after, upTo]`, at most `limit`, from memory when recent enough.
    func operations(after: UInt64, upTo: UInt64, limit: Int) async throws -> [SequencedOperation] {
        let fromMemory: [SequencedOperation]? = lock.withLock {
            guard let first = recent.first, after + 1 >= first.sequence else { return nil }
            let start = Int(after + 1 - first.sequence)
            guard start < recent.count else { return [] }
            let end = min(recent.count, start + limit, Int(upTo >= first.sequence ? upTo - first.sequence + 1 : 0))
            return start < end ? Array(recent[start..<end]) : []
        }
        if let fromMemory { return fromMemory }
        return try await store.operations(plan: plan.id, after: after, limit: limit).filter { $0.sequence <= upTo }
    }

    /// The digest of the plan at its head, and that head.
    func digest() -> (sequence: UInt64, bytes: [UInt8]) {
        let (document, sequence, cached) = lock.withLock { (self.document, head, cachedDigest) }
        if let cached, cached.sequence == sequence { return cached }
        let bytes = PlanDigest.of(document)
        lock.withLock { if head == sequence { cachedDigest = (sequence, bytes) } }
        return (sequence, bytes)
    }
}

/// What batches validated but not yet published add to a plan, so the next
/// batch is checked as if they were already in the document.
struct UnpublishedBatches {
    /// Entities they create, with their kinds.
    private(set) var created: [EntityID: EntityKind] = [:]
    /// The plan's internal-only index with their operations taken in; nil when none wait.
    private(set) var internalOnly: InternalOnlyIndex?
    /// Each waiting batch's created entities, oldest first.
    private var batches: [[EntityID]] = []

    mutating func queued(_ view: ValidationView, creating: [EntityID]) {
        created = view.created
        internalOnly = view.internalOnly
        batches.append(creating)
    }

    /// An operation was published; the index for what waits must hold it too
    /// (recording a waiting batch's own operation again changes nothing).
    mutating func published(_ operation: Operation) {
        internalOnly?.record(operation)
    }

    /// The oldest batch was published (its entities are now in the document) or failed.
    mutating func retireOldest() {
        guard !batches.isEmpty else { return }
        for id in batches.removeFirst() { created.removeValue(forKey: id) }
        if batches.isEmpty {
            created = [:]
            internalOnly = nil
        }
    }
}
