import CoreMetrics
import TandemModel
import TandemWire

/// The server's metrics, through swift-metrics: the library records, the
/// executable chooses the backend (`tandemd serve --metrics` gives a
/// Prometheus registry, see ``MetricsEndpoint``). Names and meanings are
/// listed in docs/operations.md, "Reading metrics".
///
/// Without a factory every metric is a no-op, so a server run without
/// `--metrics` pays nothing but the calls.
public struct ServerMetrics: Sendable {
    let factory: any MetricsFactory
    let connections: Meter
    let pushes: Counter
    let operationsIngested: Counter
    let batchOperations: Recorder
    let receivedWire: Counter
    let receivedRaw: Counter
    let sentWire: Counter
    let sentRaw: Counter
    let acknowledgementLatency: CoreMetrics.Timer
    let fanOutLatency: CoreMetrics.Timer
    let storeBytes: Meter
    let commits: CommitClock

    /// Metrics that go nowhere.
    public static let disabled = ServerMetrics(factory: NOOPMetricsHandler.instance)

    public init(factory: any MetricsFactory) {
        self.factory = factory
        connections = Meter(label: "tandem_connections", factory: factory)
        pushes = Counter(label: "tandem_pushes_total", factory: factory)
        operationsIngested = Counter(label: "tandem_operations_ingested_total", factory: factory)
        batchOperations = Recorder(label: "tandem_push_batch_operations", aggregate: true, factory: factory)
        receivedWire = Counter(label: "tandem_received_bytes_total", dimensions: [("form", "wire")], factory: factory)
        receivedRaw = Counter(label: "tandem_received_bytes_total", dimensions: [("form", "raw")], factory: factory)
        sentWire = Counter(label: "tandem_sent_bytes_total", dimensions: [("form", "wire")], factory: factory)
        sentRaw = Counter(label: "tandem_sent_bytes_total", dimensions: [("form", "raw")], factory: factory)
        acknowledgementLatency = CoreMetrics.Timer(label: "tandem_ack_latency_seconds", factory: factory)
        fanOutLatency = CoreMetrics.Timer(label: "tandem_fanout_latency_seconds", factory: factory)
        storeBytes = Meter(label: "tandem_store_bytes", factory: factory)
        commits = CommitClock()
    }

    // MARK: Recording

    func connectionOpened() { connections.increment() }
    func connectionClosed() { connections.decrement() }

    func received(_ frame: Frame) {
        receivedWire.increment(by: frame.payload.count + WireProtocol.headerBytes)
        receivedRaw.increment(by: Self.rawPayloadBytes(frame) + WireProtocol.headerBytes)
    }

    func sent(_ frame: Frame) {
        sentWire.increment(by: frame.payload.count + WireProtocol.headerBytes)
        sentRaw.increment(by: Self.rawPayloadBytes(frame) + WireProtocol.headerBytes)
    }

    /// A batch was committed and its `ACK` sent, `elapsed` after its `PUSH` was read.
    func pushed(operations: Int, stored: Int, refusals: [Refusal], plan: EntityID, head: UInt64, elapsed: Duration) {
        pushes.increment()
        operationsIngested.increment(by: stored)
        batchOperations.record(operations)
        acknowledgementLatency.recordNanoseconds(Self.nanoseconds(elapsed))
        for refusal in refusals {
            Counter(label: "tandem_refusals_total", dimensions: [("code", refusal.code.rawValue)], factory: factory).increment()
        }
        if stored > 0 { commits.committed(plan: plan, head: head) }
    }

    /// Operations up to `to` went out to a live subscriber.
    func delivered(plan: EntityID, after from: UInt64, upTo to: UInt64) {
        for started in commits.since(plan: plan, after: from, upTo: to) {
            fanOutLatency.recordNanoseconds(Self.nanoseconds(.now - started))
        }
    }

    /// The server closed a connection with `ERROR(code)`.
    func failed(_ code: WireError.Code) {
        Counter(label: "tandem_errors_total", dimensions: [("code", code.rawValue)], factory: factory).increment()
    }

    /// The store's size on disk, read when metrics are scraped.
    public func setStoreBytes(_ bytes: Int) { storeBytes.set(bytes) }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }

    /// The payload's size before compression (its declared inflated length).
    static func rawPayloadBytes(_ frame: Frame) -> Int {
        guard frame.isCompressed else { return frame.payload.count }
        var reader = ByteReader(frame.payload)
        return (try? reader.varint()).map { Int(clamping: $0) } ?? frame.payload.count
    }
}

/// When each plan's recent commits happened, so that fan-out latency is
/// measured from the commit to the moment each live subscriber was sent it.
///
/// `@unchecked Sendable`: guarded by `lock`.
final class CommitClock: @unchecked Sendable {
    private let lock = NSLockLite()
    private var recent: [EntityID: [(head: UInt64, at: ContinuousClock.Instant)]] = [:]
    /// Commits remembered per plan: enough for every subscriber to be sent them.
    static let capacity = 256

    func committed(plan: EntityID, head: UInt64) {
        lock.withLock {
            recent[plan, default: []].append((head, .now))
            if recent[plan]!.count > Self.capacity { recent[plan]!.removeFirst(Self.capacity / 2) }
        }
    }

    /// The commit instants of heads in `(after, upTo]`.
    func since(plan: EntityID, after: UInt64, upTo: UInt64) -> [ContinuousClock.Instant] {
        lock.withLock { (recent[plan] ?? []).filter { $0.head > after && $0.head <= upTo }.map(\.at) }
    }
}
