import Logging
import NIOCore
import TandemModel
import TandemWire

/// Events of one client connection, handled in order by one loop.
enum ClientEvent: Sendable {
    case frame(Frame)
    case closed(String?)
    case tick
}

/// One connection's worth of sync: handshake, push the pending queue with a
/// window of unacknowledged batches, subscribe, catch up, compare digests;
/// in `live` mode then keep pushing and receiving until the connection ends.
///
/// A pending operation stays pending in the replica until its `ACK` arrives,
/// so a connection lost at any point loses nothing; the server drops
/// duplicates, so re-sending after a loss duplicates nothing.
final class SyncSession {
    let replica: any SyncReplica
    let token: String
    let options: SyncOptions
    let live: Bool
    let logger: Logger
    let events: (@Sendable (SyncEvent) -> Void)?
    private let outbound: NIOAsyncChannelOutboundWriter<Frame>

    private var report = SyncReport()
    private var welcome: Welcome?
    private var cursor: UInt64 = 0
    private var startCursor: UInt64 = 0
    private var queue: [Operation] = []
    private var inflight: [UInt64: [Operation]] = [:]
    private var nextBatch: UInt64 = 1
    private var subscribed = false
    private var caughtUp = false
    private var digestOutstanding = false
    private var changedSinceDigest = true
    private var lastDigest: ContinuousClock.Instant?
    private var lastHeard = ContinuousClock.now
    private var framesSent = 0
    /// The highest plan head an `ACK` of this replica's reported: its own stored operations are at or below it.
    private var ownStoredThrough: UInt64 = 0
    private var finished = false

    init(replica: any SyncReplica, token: String, options: SyncOptions, live: Bool, outbound: NIOAsyncChannelOutboundWriter<Frame>,
         logger: Logger, events: (@Sendable (SyncEvent) -> Void)?) {
        self.replica = replica
        self.token = token
        self.options = options
        self.live = live
        self.outbound = outbound
        self.logger = logger
        self.events = events
    }

    /// Runs until converged (once) or until the connection ends (live).
    func run(_ stream: AsyncStream<ClientEvent>) async throws -> SyncReport {
        cursor = try replica.cursor()
        startCursor = cursor
        let capabilities: Capabilities = replica.supportsSnapshots ? [.snapshots, .digestProbes] : [.digestProbes]
        try await send(.hello(Hello(replica: replica.replicaID, token: token, capabilities: capabilities, agent: options.agent)))
        for await event in stream {
            switch event {
            case .frame(let frame):
                lastHeard = .now
                let message = try Message.decode(frame, limits: options.limits)
                try await handle(message)
            case .closed(let reason):
                throw WireError(.connectionFailed, "the server closed the connection" + (reason.map { ": \($0)" } ?? ""))
            case .tick:
                try await tick()
            }
            if finished { return report }
        }
        throw WireError(.connectionFailed, "the connection ended")
    }

    private func send(_ message: Message) async throws {
        try await send(message, frame: message.frame(limits: options.limits))
    }

    private func send(_ message: Message, frame: Frame) async throws {
        if let drop = options.dropConnection, drop(message, framesSent) {
            throw WireError(.connectionFailed, "connection dropped by the test hook before \(message.kind)")
        }
        framesSent += 1
        try await outbound.write(frame)
    }

    private func handle(_ message: Message) async throws {
        switch message {
        case .welcome(let welcome):
            guard self.welcome == nil else { throw WireError(.unexpectedMessage, "a second WELCOME") }
            self.welcome = welcome
            report.plan = welcome.plan
            report.member = welcome.member
            events?(.connected(welcome))
            if cursor > welcome.head {
                throw WireError(.cursorAhead, "this replica is at server sequence \(cursor) but the server's plan is at \(welcome.head); it was synced with another server")
            }
            queue = try replica.pendingOperations()
            try await fillWindow()
            try await maybeSubscribe()
        case .ack(let ack):
            try await acknowledged(ack)
        case .operations(let batch):
            guard batch.from == cursor else {
                throw WireError(.sequenceGap, "the server sent operations after \(batch.from) but this replica is at \(cursor)")
            }
            try replica.receive(batch.operations, cursor: batch.to)
            cursor = batch.to
            report.received += batch.operations.count
            changedSinceDigest = changedSinceDigest || !batch.operations.isEmpty
            events?(.received(count: batch.operations.count, sequence: cursor))
            if let head = welcome?.head, !caughtUp { events?(.progress(start: startCursor, position: cursor, head: max(head, cursor))) }
        case .snapshot(let snapshot):
            try replica.installSnapshot(snapshot)
            cursor = snapshot.sequence
            report.usedSnapshot = true
            changedSinceDigest = true
        case .caughtUp(let sequence):
            caughtUp = true
            guard sequence == cursor else { throw WireError(.sequenceGap, "caught up at \(sequence) but this replica is at \(cursor)") }
            if let head = welcome?.head { events?(.progress(start: startCursor, position: max(head, cursor), head: max(head, cursor))) }
            if live { try await requestDigestIfIdle(force: true) }
        case .digest(let digest):
            digestOutstanding = false
            try verify(digest)
        case .ping(let nonce):
            try await send(.pong(nonce: nonce))
        case .pong:
            break
        case .error(let error):
            throw error
        case .digestAt(let probe):
            try await send(.replicaDigest(try answer(probe)))
        case .adminResponse, .adminWelcome:
            throw WireError(.unexpectedMessage, "the server sent \(message.kind) on a replica's connection")
        case .hello, .push, .subscribe, .digestRequest, .adminRequest, .replicaDigest:
            throw WireError(.unexpectedMessage, "the server sent \(message.kind), which only clients send")
        }
    }

    // MARK: Pushing

    private func fillWindow() async throws {
        while inflight.count < options.window, !queue.isEmpty {
            let id = nextBatch
            var batch = Array(queue.prefix(options.batchSize))
            var message = Message.push(Push(batch: id, operations: batch))
            var frame = message.frame(limits: options.limits)
            // Operations with long texts can make a batch larger than the server
            // accepts (`frame-too-large`): halve it until it fits.
            let maxFrameBytes = min(options.limits.maxFrameBytes, Int(clamping: welcome?.maxFrameBytes ?? UInt64.max))
            while frame.payload.count + 2 > maxFrameBytes, batch.count > 1 {
                batch.removeLast(batch.count / 2)
                message = .push(Push(batch: id, operations: batch))
                frame = message.frame(limits: options.limits)
            }
            queue.removeFirst(batch.count)
            nextBatch += 1
            inflight[id] = batch
            try await send(message, frame: frame)
        }
    }

    private func acknowledged(_ ack: Ack) async throws {
        guard let batch = inflight.removeValue(forKey: ack.batch) else {
            throw WireError(.unexpectedMessage, "ACK for batch \(ack.batch), which is not in flight")
        }
        guard ack.count == UInt64(batch.count), ack.refusals.allSatisfy({ $0.index < batch.count }) else {
            throw WireError(.malformedMessage, "ACK for batch \(ack.batch) does not match its \(batch.count) operations")
        }
        if ack.refusals.count < batch.count { ownStoredThrough = max(ownStoredThrough, ack.head) }
        let refusedIndexes = Set(ack.refusals.map(\.index))
        let stored = batch.enumerated().filter { !refusedIndexes.contains($0.offset) }.map(\.element.id)
        try replica.acknowledge(stored)
        let refused = ack.refusals.map { (operation: batch[$0.index], refusal: $0) }
        if !refused.isEmpty { try replica.setAside(refused) }
        let described = refused.map { RefusedOperation(operation: $0.operation.id, code: $0.refusal.code.rawValue, reason: $0.refusal.reason,
                                                      summary: OperationSummary.describe($0.operation)) }
        report.acknowledged += stored.count
        report.refused.append(contentsOf: described)
        changedSinceDigest = true
        events?(.acknowledged(count: stored.count, refused: described))
        try await fillWindow()
        try await maybeSubscribe()
    }

    private func maybeSubscribe() async throws {
        guard !subscribed, welcome != nil, inflight.isEmpty, queue.isEmpty else { return }
        subscribed = true
        try await send(.subscribe(Subscribe(cursor: cursor, live: live)))
        if !live {
            // Asked at once: the server answers after the catch-up, at its head.
            digestOutstanding = true
            try await send(.digestRequest)
        }
    }

    // MARK: Digests

    private func verify(_ digest: Digest) throws {
        guard digest.sequence == cursor else {
            throw WireError(.sequenceGap, "the server's digest is at \(digest.sequence) but this replica is at \(cursor)")
        }
        guard digest.algorithm == PlanDigest.algorithm else {
            throw WireError(.unexpectedMessage, "unknown digest algorithm '\(digest.algorithm)'")
        }
        let local = try replica.acknowledgedDigest()
        lastDigest = .now
        changedSinceDigest = false
        guard local == digest.bytes else {
            events?(.diverged(sequence: digest.sequence, local: local, server: digest.bytes))
            logger.error("replica diverged from the server", metadata: ["sequence": "\(digest.sequence)",
                "local": "\(PlanDigest.hex(local))", "server": "\(PlanDigest.hex(digest.bytes))"])
            throw WireError(.digestMismatch, "after syncing to server sequence \(digest.sequence) this replica's plan differs from the server's (local \(PlanDigest.hex(local).prefix(12)), server \(PlanDigest.hex(digest.bytes).prefix(12))); nothing was lost, but please report this")
        }
        report.sequence = digest.sequence
        report.digest = local
        try replica.recordSync(cursor: digest.sequence, atMilliseconds: Int64(SystemWallClock.milliseconds()))
        events?(.converged(sequence: digest.sequence, digest: local))
        if !live { finished = true }
    }

    /// `divergence`: the digest of what this replica holds at the probe's
    /// sequence, or why it cannot say (its cursor is elsewhere, or edits it
    /// pushed are not settled at that sequence).
    private func answer(_ probe: DigestProbe) throws -> ReplicaDigest {
        if cursor < probe.sequence { return ReplicaDigest(id: probe.id, status: .behind, cursor: cursor) }
        if cursor > probe.sequence { return ReplicaDigest(id: probe.id, status: .ahead, cursor: cursor) }
        if !inflight.isEmpty || ownStoredThrough > cursor { return ReplicaDigest(id: probe.id, status: .unsyncedEdits, cursor: cursor) }
        return ReplicaDigest(id: probe.id, status: .digest, cursor: cursor, bytes: try replica.acknowledgedDigest())
    }

    private func requestDigestIfIdle(force: Bool = false) async throws {
        guard subscribed, caughtUp, !digestOutstanding, inflight.isEmpty, queue.isEmpty, force || changedSinceDigest else { return }
        if !force, let lastDigest, ContinuousClock.now - lastDigest < options.digestInterval { return }
        digestOutstanding = true
        try await send(.digestRequest)
    }

    // MARK: Time

    private func tick() async throws {
        let waiting = welcome == nil || !inflight.isEmpty || digestOutstanding || (subscribed && !caughtUp)
        if waiting, ContinuousClock.now - lastHeard > options.responseTimeout {
            throw WireError(.timeout, "no answer from the server for \(options.responseTimeout)")
        }
        guard live, subscribed else { return }
        if inflight.isEmpty, queue.isEmpty {
            // Nothing in flight: everything still pending goes (again).
            queue = try replica.pendingOperations()
            try await fillWindow()
        }
        try await requestDigestIfIdle()
    }
}
