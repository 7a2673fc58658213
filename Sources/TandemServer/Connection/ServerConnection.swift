import Logging
import NIOCore
import TandemModel
import TandemWire

/// What can happen to a connection, funnelled into one stream so that one
/// loop handles them in order.
enum ConnectionEvent: Sendable {
    case frame(Frame)
    case readFailed(any Error)
    case closedByPeer
    case handshakeTimeout
    case planAdvanced(UInt64)
    case shutdown
    /// `divergence` asks this replica for its digest at a sequence.
    case probe(DigestProbe)
    /// Time passed: check idleness (``TrafficPolicy``).
    case tick
    /// The member's token was revoked (``RevocationWatcher``).
    case revoked
    /// A pushed batch in the ``PushPipeline`` is durable and published (or failed).
    case ingested
}

/// Performs a ``ServerConnectionStateMachine``'s actions for one connection:
/// authenticates, ingests, delivers, digests, and writes frames.
final class ServerConnection {
    let id: UInt64
    var logger: Logger
    private var machine = ServerConnectionStateMachine()
    private let outbound: NIOAsyncChannelOutboundWriter<Frame>
    private let store: any ServerStore
    private let registry: PlanRegistry
    private let configuration: ServerConfiguration
    private let events: AsyncStream<ConnectionEvent>.Continuation
    private var hub: PlanHub?
    private var capabilities: Capabilities = []
    /// The last pull position handed to ``CursorRecorder``.
    private var lastNotedPosition: UInt64 = 0
    /// The authenticated member, with their access (issue 8).
    private var member: MemberRecord?
    /// Set by the revocation watcher from outside this connection's loop, so a
    /// long catch-up stops at the next chunk instead of at its end.
    private let revocation = RevocationFlag()
    private let limiter: ConnectionLimiter
    private var traffic: TrafficPolicy
    /// Pushes queued for commit and not yet acknowledged.
    private var pipeline = PushPipeline()

    init(id: UInt64, outbound: NIOAsyncChannelOutboundWriter<Frame>, store: any ServerStore, registry: PlanRegistry,
         configuration: ServerConfiguration, events: AsyncStream<ConnectionEvent>.Continuation, logger: Logger,
         limiter: ConnectionLimiter) {
        self.id = id
        self.outbound = outbound
        self.store = store
        self.registry = registry
        self.configuration = configuration
        self.events = events
        self.logger = logger
        self.limiter = limiter
        self.traffic = TrafficPolicy(limits: configuration.connectionLimits, now: .now)
    }

    var isClosed: Bool { machine.state == .closed }

    /// Whether this connection receives internal-only data; false until authenticated.
    private var seesInternalOnly: Bool { member?.seesInternalOnly ?? false }

    /// Handles events until the connection is to be closed.
    func run(_ stream: some AsyncSequence<ConnectionEvent, Never>) async {
        configuration.metrics.connectionOpened()
        defer { configuration.metrics.connectionClosed() }
        for await event in stream {
            await handle(event)
            notePulled()
            if isClosed { break }
        }
        hub?.unsubscribe(id)
        registry.probes.leave(id)
        registry.revocations.unregister(id)
    }

    private func handle(_ event: ConnectionEvent) async {
        // Nothing more from or for a revoked member, not even frames already queued.
        if revocation.isSet { return await fail(Self.revokedError) }
        switch event {
        case .frame(let frame):
            configuration.metrics.received(frame)
            if let error = traffic.frameArrived(at: .now) { return await fail(error) }
            let message: Message
            do {
                message = try Message.decode(frame, limits: configuration.limits)
            } catch {
                return await perform(machine.decodingFailed(error))
            }
            if case .push(let push) = message {
                await pace(push)
            } else {
                // Answers to anything else follow the ACKs of every push before it.
                await acknowledge(all: true)
            }
            await perform(machine.received(message))
        case .readFailed(let error):
            if let error = error as? WireError {
                await perform(machine.decodingFailed(error))
            } else {
                logger.debug("read failed", metadata: ["error": "\(error)"])
                machine.closed()
            }
        case .closedByPeer:
            machine.closed()
        case .handshakeTimeout:
            await perform(machine.handshakeTimedOut())
        case .planAdvanced(let head):
            await acknowledge(all: false)
            await perform(machine.planAdvanced(head: head))
        case .ingested:
            await acknowledge(all: false)
        case .shutdown:
            await acknowledge(all: true)
            await fail(WireError(.shuttingDown, "the server is shutting down; reconnect later"))
        case .probe(let probe):
            await perform(await probeRequested(probe))
        case .tick:
            let authenticated = switch machine.state { case .awaitingHello, .authenticating, .closed: false; default: true }
            await perform(traffic.tick(at: .now, authenticated: authenticated))
        case .revoked:
            await fail(Self.revokedError)
        }
    }

    static let revokedError = WireError(.revoked, "this member's access to the plan was revoked; ask the plan's owner for a new invite")

    /// Hands this subscriber's position to the registry's cursor recorder when it moved.
    private func notePulled() {
        guard let hub, let session = machine.session, let delivered = machine.deliveredPosition, delivered > lastNotedPosition else { return }
        lastNotedPosition = delivered
        registry.cursors.note(plan: hub.plan.id, replica: session.replica, cursor: delivered)
    }

    private func perform(_ action: ServerConnectionStateMachine.Action) async {
        await reportingFailures {
            switch action {
            case .none, .close:
                if case .close = action { machine.closed() }
            case .send(let message):
                try await send(message)
            case .authenticate(let hello):
                try await authenticate(hello)
            case .ingest(let push):
                try await ingest(push)
            case .subscribe(let request):
                try await subscribe(request)
            case .deliver(let after, let upTo):
                try await deliver(after: after, upTo: upTo)
            case .digest:
                try await digest()
            case .fail(let error):
                await fail(error)
            case .administer(let request):
                let body = await AdminService(store: store, registry: registry).run(request)
                logger.info("admin request", metadata: ["command": "\(request.command)", "plan": "\(request.arguments["plan"] ?? "-")",
                                                       "status": "\(body.status)", "code": "\(body.code)"])
                for part in body.parts(id: request.id) { try await send(.adminResponse(part)) }
            case .probeAnswered(let answer):
                registry.probes.record(.answered(answer), probe: answer.id, from: id)
            }
        }
    }

    /// Runs an action's work; a failure closes the connection with an error the peer can act on.
    private func reportingFailures(_ body: () async throws -> Void) async {
        do {
            try await body()
        } catch let error as WireError {
            await fail(error)
        } catch let error as ChannelError {
            // The connection is gone under us (the peer reset it, or a limit such as
            // the slow-reader timeout closed it and logged why): nothing failed here.
            logger.debug("connection closed while writing", metadata: ["error": "\(error)"])
            machine.closed()
        } catch {
            logger.error("connection failed", metadata: ["error": "\(error)"])
            await fail(WireError(.internalError, "the server failed to handle the request; try again"))
        }
    }

    private func send(_ message: Message) async throws {
        try await write(message.frame(limits: configuration.limits), message)
    }

    private func write(_ frame: Frame, _ message: Message) async throws {
        try await outbound.write(frame)
        configuration.metrics.sent(frame)
        traffic.sent(message, at: .now)
    }

    /// Holds a `PUSH` until the connection's operation budget allows it
    /// (reading from the socket pauses meanwhile: ``InboundCredit``).
    private func pace(_ push: Push) async {
        let delay = traffic.pace(operations: push.operations.count, at: .now)
        guard delay > .zero else { return }
        logger.debug("pacing a push", metadata: ["operations": "\(push.operations.count)", "delay": "\(delay)"])
        try? await Task.sleep(for: delay)
    }

    private func fail(_ error: WireError) async {
        machine.closed()
        logger.info("closing connection", metadata: ["code": "\(error.code)", "reason": "\(error.message)"])
        let frame = Message.error(error).frame(limits: configuration.limits)
        configuration.metrics.failed(error.code)
        if (try? await outbound.write(frame)) != nil { configuration.metrics.sent(frame) }
    }

    // MARK: Actions

    private func authenticate(_ hello: Hello) async throws {
        guard let member = try await store.member(tokenHash: Tokens.hash(hello.token)) else {
            if let admins = store as? any ServerAdminStore, let admin = try await admins.adminToken(tokenHash: Tokens.hash(hello.token)) {
                logger[metadataKey: "admin"] = "\(admin.name)"
                logger.info("authenticated as admin", metadata: ["agent": "\(hello.agent)"])
                let (limits, agent) = (configuration.limits, configuration.agent)
                return await perform(machine.adminAuthenticated(name: admin.name) { version in
                    AdminWelcome(version: version, name: admin.name, maxFrameBytes: UInt64(limits.maxFrameBytes), agent: agent)
                })
            }
            return await perform(machine.authenticationFailed(WireError(.authenticationFailed, "the token is unknown or revoked; ask the plan's owner for a new invite")))
        }
        if let refusal = limiter.admit(connection: id, member: member.member) {
            return await perform(machine.authenticationFailed(refusal))
        }
        let hub = try await registry.hub(for: member.plan)
        try await hub.refresh()
        let now = Int64(SystemWallClock.milliseconds())
        let bound = try await store.bindReplica(hello.replica, plan: member.plan, member: member.member, atMilliseconds: now)
        guard bound == member.member else {
            return await perform(machine.authenticationFailed(WireError(.replicaConflict, "replica \(hello.replica) belongs to another member of this plan; use a fresh store")))
        }
        let (revocation, events) = (self.revocation, self.events)
        guard registry.revocations.register(id, plan: member.plan, member: member.member, revoke: { revocation.set(); events.yield(.revoked) }) else {
            return await perform(machine.authenticationFailed(Self.revokedError))
        }
        self.member = member
        self.hub = hub
        capabilities = hello.capabilities
        registry.probes.join(ReplicaProbes.Participant(connection: id, plan: member.plan, member: member.member, replica: hello.replica,
                                                       answersProbes: hello.capabilities.contains(.digestProbes),
                                                       post: { events.yield(.probe($0)) }))
        logger[metadataKey: "plan"] = "\(member.plan.short())"
        logger[metadataKey: "member"] = "\(member.member.short())"
        logger[metadataKey: "replica"] = "\(hello.replica)"
        logger.info("authenticated", metadata: ["agent": "\(hello.agent)", "access": "\(member.access)"])
        let limits = configuration.limits
        let agent = configuration.agent
        let head = hub.currentHead
        await perform(machine.authenticated(plan: member.plan, member: member.member, replica: hello.replica, head: head) { version in
            Welcome(version: version, plan: member.plan, member: member.member, head: head,
                    maxFrameBytes: UInt64(limits.maxFrameBytes), maxBatchOperations: UInt64(limits.maxBatchOperations), agent: agent)
        })
    }

    /// Validates and queues a push; its ACK goes out once it is durable
    /// (``PushPipeline``). With the pipeline full, waits for the oldest first.
    private func ingest(_ push: Push) async throws {
        guard let hub, let member, let session = machine.session else { return }
        if pipeline.isFull { try await acknowledgeOldest(waiting: true) }
        let started = ContinuousClock.now
        let events = self.events
        let outcome = try await hub.queueIngest(push.operations, member: member, replica: session.replica, limits: configuration.limits,
                                                policy: configuration.policy, nowMilliseconds: SystemWallClock.milliseconds(),
                                                finished: { events.yield(.ingested) })
        pipeline.append(PushPipeline.Entry(push: push, started: started, outcome: outcome))
    }

    /// Acknowledges the pushes whose results have arrived, oldest first; with
    /// `all`, waits for every push in flight.
    private func acknowledge(all: Bool) async {
        await reportingFailures {
            while !isClosed, try await acknowledgeOldest(waiting: all) {}
        }
    }

    /// Sends the oldest push's ACK if its result is in (or after waiting for
    /// it); false when there was nothing to acknowledge.
    @discardableResult
    private func acknowledgeOldest(waiting: Bool) async throws -> Bool {
        guard let hub, let entry = pipeline.oldest(waiting: waiting) else { return false }
        let result = try await entry.outcome.result()
        pipeline.removeOldest()
        let push = entry.push
        if !result.refusals.isEmpty {
            logger.info("refused operations", metadata: ["count": "\(result.refusals.count)", "first": "\(result.refusals[0].code)"])
        }
        logger.trace("ingested batch", metadata: ["batch": "\(push.batch)", "operations": "\(push.operations.count)", "stored": "\(result.stored)"])
        try await send(.ack(Ack(batch: push.batch, count: UInt64(push.operations.count), refusals: result.refusals, head: result.head)))
        configuration.metrics.pushed(operations: push.operations.count, stored: result.stored, refusals: result.refusals, plan: hub.plan.id,
                                     head: result.head, elapsed: .now - entry.started)
        return true
    }

    private func subscribe(_ request: Subscribe) async throws {
        guard let hub else { return }
        let events = self.events
        hub.subscribe(id, replica: machine.session!.replica) { head in events.yield(.planAdvanced(head)) }
        var head = hub.currentHead
        let behind = head > request.cursor ? head - request.cursor : 0
        // Below what a pruning compaction kept, only a snapshot can catch the replica up.
        let pruned = behind > 0 ? try await !hub.logContinues(after: request.cursor) : false
        if pruned, !capabilities.contains(.snapshots) {
            throw WireError(.historyPruned, "this replica is at sequence \(request.cursor) but the server compacted the plan's log past it and this client cannot install a snapshot; join again into a fresh store (your unsynced edits stay in the old one)")
        }
        if capabilities.contains(.snapshots), request.cursor <= head, pruned || behind > configuration.snapshotLag || (request.cursor == 0 && behind > 0) {
            let (sequence, bytes) = seesInternalOnly ? hub.fullSnapshot() : hub.customerSnapshot()
            let snapshot = Message.snapshot(Snapshot(sequence: sequence, document: bytes))
            let frame = snapshot.frame(limits: configuration.limits)
            // A snapshot is one frame: one larger than the limit would be refused, so the log (framed to fit) goes instead.
            if frame.payload.count + 2 <= configuration.limits.maxFrameBytes {
                try await write(frame, snapshot)
                machine.snapshotSent(at: sequence)
                head = max(head, sequence)
                logger.info("sent snapshot", metadata: ["sequence": "\(sequence)"])
            } else if pruned {
                throw WireError(.historyPruned, "the plan's snapshot (\(frame.payload.count) bytes) exceeds the frame limit and its log was compacted past sequence \(request.cursor); ask the operator to raise --max-frame-bytes")
            } else {
                logger.info("snapshot exceeds the frame limit; sending the log", metadata: ["bytes": "\(frame.payload.count)"])
            }
        }
        await perform(machine.subscriptionStarted(head: head))
    }

    private func deliver(after: UInt64, upTo: UInt64) async throws {
        guard let hub, let replica = machine.session?.replica else { return }
        var position = after
        var target = upTo
        while !isClosed, !revocation.isSet {
            while position < target, !isClosed, !revocation.isSet {
                let chunk = try await hub.operations(after: position, upTo: target, limit: configuration.limits.maxBatchOperations)
                guard let last = chunk.last else { break }
                // A gap means a compaction pruned what this replica still needed: never send a range with a hole.
                guard chunk[0].sequence == position + 1 else {
                    throw WireError(.historyPruned, "the server compacted the plan's log past sequence \(position) while this replica was catching up; sync again")
                }
                // A replica already has its own operations: they are not echoed.
                // Customers never receive internal-only ones (``PlanHub/customerOperations(_:)``).
                let (from, limits, customerView) = (position, configuration.limits, !seesInternalOnly)
                let encode = {
                    let visible = customerView ? hub.customerOperations(chunk) : chunk.map(\.operation)
                    let message = Operations(from: from, to: last.sequence, operations: visible.filter { $0.id.replica != replica })
                    return OperationsFraming.frames(message, limits: limits, sequence: { id in
                        chunk.first { $0.operation.id == id }?.sequence ?? last.sequence
                    })
                }
                // Without this replica's own operations in the range, its frames are every
                // subscriber's of the same view: encode and compress them once (``DeliveryFrameCache``).
                let shared = !chunk.contains { $0.operation.id.replica == replica }
                let frames = shared ? hub.deliveryFrames.frames(for: .init(after: from, through: last.sequence, customerView: customerView), encode: encode)
                                    : encode()
                for (frame, part) in frames {
                    try await write(frame, part)
                }
                configuration.metrics.delivered(plan: hub.plan.id, after: position, upTo: last.sequence)
                position = last.sequence
                await perform(machine.delivered(upTo: position))
            }
            // Operations committed meanwhile were not announced to a catching-up
            // subscriber: keep going (a loop, not recursion, under sustained load).
            guard case .deliver(let from, let head) = machine.planAdvanced(head: hub.currentHead), from == position else { return }
            target = head
        }
    }

    /// `divergence` probe: flush the log up to its sequence (as a digest does), then ask.
    private func probeRequested(_ probe: DigestProbe) async -> ServerConnectionStateMachine.Action {
        guard let delivered = machine.deliveredPosition, machine.session?.subscription?.catchUpTarget != nil else {
            registry.probes.record(.notSubscribed, probe: probe.id, from: id)
            return .none
        }
        do {
            if delivered < probe.sequence { try await deliver(after: delivered, upTo: probe.sequence) }
        } catch let error as WireError {
            return .fail(error)
        } catch {
            return .fail(WireError(.internalError, "the server failed to handle the request; try again"))
        }
        return .send(.digestAt(probe))
    }

    private func digest() async throws {
        guard let hub else { return }
        let (sequence, bytes) = seesInternalOnly ? hub.digest() : hub.customerDigest()
        if let delivered = machine.deliveredPosition, delivered < sequence {
            try await deliver(after: delivered, upTo: sequence)
        }
        // Revoked while flushing: the `revoked` event closes the connection next.
        guard !revocation.isSet else { return }
        try await send(.digest(Digest(sequence: sequence, bytes: bytes)))
    }
}
