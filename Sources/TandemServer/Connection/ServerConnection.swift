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

    init(id: UInt64, outbound: NIOAsyncChannelOutboundWriter<Frame>, store: any ServerStore, registry: PlanRegistry,
         configuration: ServerConfiguration, events: AsyncStream<ConnectionEvent>.Continuation, logger: Logger) {
        self.id = id
        self.outbound = outbound
        self.store = store
        self.registry = registry
        self.configuration = configuration
        self.events = events
        self.logger = logger
    }

    var isClosed: Bool { machine.state == .closed }

    /// Handles events until the connection is to be closed.
    func run(_ stream: AsyncStream<ConnectionEvent>) async {
        for await event in stream {
            await handle(event)
            if isClosed { break }
        }
        hub?.unsubscribe(id)
    }

    private func handle(_ event: ConnectionEvent) async {
        switch event {
        case .frame(let frame):
            let message: Message
            do {
                message = try Message.decode(frame, limits: configuration.limits)
            } catch {
                return await perform(machine.decodingFailed(error))
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
            await perform(machine.planAdvanced(head: head))
        case .shutdown:
            await fail(WireError(.shuttingDown, "the server is shutting down; reconnect later"))
        }
    }

    private func perform(_ action: ServerConnectionStateMachine.Action) async {
        do {
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
            }
        } catch let error as WireError {
            await fail(error)
        } catch {
            logger.error("connection failed", metadata: ["error": "\(error)"])
            await fail(WireError(.internalError, "the server failed to handle the request; try again"))
        }
    }

    private func send(_ message: Message) async throws {
        try await outbound.write(message.frame(limits: configuration.limits))
    }

    private func fail(_ error: WireError) async {
        machine.closed()
        logger.info("closing connection", metadata: ["code": "\(error.code)", "reason": "\(error.message)"])
        try? await outbound.write(Message.error(error).frame(limits: configuration.limits))
    }

    // MARK: Actions

    private func authenticate(_ hello: Hello) async throws {
        guard let member = try await store.member(tokenHash: Tokens.hash(hello.token)) else {
            return await perform(machine.authenticationFailed(WireError(.authenticationFailed, "the token is unknown or revoked; ask the plan's owner for a new invite")))
        }
        let hub = try await registry.hub(for: member.plan)
        try await hub.refresh()
        let now = Int64(SystemWallClock.milliseconds())
        let bound = try await store.bindReplica(hello.replica, plan: member.plan, member: member.member, atMilliseconds: now)
        guard bound == member.member else {
            return await perform(machine.authenticationFailed(WireError(.replicaConflict, "replica \(hello.replica) belongs to another member of this plan; use a fresh store")))
        }
        self.hub = hub
        capabilities = hello.capabilities
        logger[metadataKey: "plan"] = "\(member.plan.short())"
        logger[metadataKey: "member"] = "\(member.member.short())"
        logger[metadataKey: "replica"] = "\(hello.replica)"
        logger.info("authenticated", metadata: ["agent": "\(hello.agent)"])
        let limits = configuration.limits
        let agent = configuration.agent
        let head = hub.currentHead
        await perform(machine.authenticated(plan: member.plan, member: member.member, replica: hello.replica, head: head) { version in
            Welcome(version: version, plan: member.plan, member: member.member, head: head,
                    maxFrameBytes: UInt64(limits.maxFrameBytes), maxBatchOperations: UInt64(limits.maxBatchOperations), agent: agent)
        })
    }

    private func ingest(_ push: Push) async throws {
        guard let hub, let session = machine.session else { return }
        let result = try await hub.ingest(push.operations, member: session.member, replica: session.replica, limits: configuration.limits,
                                          policy: configuration.policy, nowMilliseconds: SystemWallClock.milliseconds())
        if !result.refusals.isEmpty {
            logger.info("refused operations", metadata: ["count": "\(result.refusals.count)", "first": "\(result.refusals[0].code)"])
        }
        logger.trace("ingested batch", metadata: ["batch": "\(push.batch)", "operations": "\(push.operations.count)", "stored": "\(result.stored)"])
        try await send(.ack(Ack(batch: push.batch, count: UInt64(push.operations.count), refusals: result.refusals, head: result.head)))
    }

    private func subscribe(_ request: Subscribe) async throws {
        guard let hub else { return }
        let events = self.events
        hub.subscribe(id, replica: machine.session!.replica) { head in events.yield(.planAdvanced(head)) }
        var head = hub.currentHead
        let behind = head > request.cursor ? head - request.cursor : 0
        if capabilities.contains(.snapshots), request.cursor <= head, behind > configuration.snapshotLag || (request.cursor == 0 && behind > 0) {
            let (document, sequence) = hub.state()
            try await send(.snapshot(Snapshot(sequence: sequence, document: document.encodedSnapshot())))
            machine.snapshotSent(at: sequence)
            head = max(head, sequence)
            logger.info("sent snapshot", metadata: ["sequence": "\(sequence)"])
        }
        await perform(machine.subscriptionStarted(head: head))
    }

    private func deliver(after: UInt64, upTo: UInt64) async throws {
        guard let hub, let replica = machine.session?.replica else { return }
        var position = after
        var target = upTo
        while !isClosed {
            while position < target, !isClosed {
                let chunk = try await hub.operations(after: position, upTo: target, limit: configuration.limits.maxBatchOperations)
                guard let last = chunk.last else { break }
                // A replica already has its own operations: they are not echoed.
                let operations = chunk.lazy.filter { $0.operation.id.replica != replica }.map(\.operation)
                try await send(.operations(Operations(from: position, to: last.sequence, operations: Array(operations))))
                position = last.sequence
                await perform(machine.delivered(upTo: position))
            }
            // Operations committed meanwhile were not announced to a catching-up
            // subscriber: keep going (a loop, not recursion, under sustained load).
            guard case .deliver(let from, let head) = machine.planAdvanced(head: hub.currentHead), from == position else { return }
            target = head
        }
    }

    private func digest() async throws {
        guard let hub else { return }
        let (sequence, bytes) = hub.digest()
        if let delivered = machine.deliveredPosition, delivered < sequence {
            try await deliver(after: delivered, upTo: sequence)
        }
        try await send(.digest(Digest(sequence: sequence, bytes: bytes)))
    }
}
