import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle
import TandemModel
import TandemWire

/// The sync server: accepts TCP connections, speaks the protocol in
/// `Protocol/README.md`, and keeps plans in a ``ServerStore``.
///
/// A `Service`: `run()` serves until graceful shutdown (SIGTERM/SIGINT under a
/// `ServiceGroup`) or ``shutdown()``, then stops accepting, tells every
/// connection `shutting-down`, and returns once they have closed. Nothing is
/// lost by stopping: an operation is acknowledged only after it is durable.
public final class SyncServer: Service, @unchecked Sendable {
    // @unchecked: mutable state (`listening`, waiters, connections, the server channel) is guarded by `lock`.
    public let store: any ServerStore
    public let configuration: ServerConfiguration
    let logger: Logger
    let registry: PlanRegistry
    let limiter: ConnectionLimiter
    private let group: any EventLoopGroup
    private let lock = NSLockLite()
    private var port: Int?
    private var portWaiters: [CheckedContinuation<Int, any Error>] = []
    /// Why `run()` could not listen, for a `listeningPort()` asked after it gave up.
    private var startFailure: (any Error)?
    private var serverChannel: (any Channel)?
    private var connections: [UInt64: AsyncStream<ConnectionEvent>.Continuation] = [:]
    private var nextConnectionID: UInt64 = 0
    private var stopping = false

    public init(store: any ServerStore, configuration: ServerConfiguration = ServerConfiguration(), logger: Logger,
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.store = store
        self.configuration = configuration
        self.logger = logger
        self.group = group
        self.registry = PlanRegistry(store: store, logger: logger)
        self.limiter = ConnectionLimiter(limits: configuration.connectionLimits)
    }

    /// The port the server listens on, once it does (waits until then).
    public func listeningPort() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<Int, any Error>? = lock.withLock {
                if let port { return .success(port) }
                if let startFailure { return .failure(startFailure) }
                portWaiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    public func run() async throws {
        let limits = configuration.limits
        let slowReaderTimeout = configuration.connectionLimits.slowReaderTimeout
        let sendBuffer = configuration.connectionLimits.socketSendBufferBytes
        let logger = self.logger
        let channel: NIOAsyncChannel<NIOAsyncChannel<Frame, Frame>, Never>
        do {
            if let refusal = ListenAddress.refusal(host: configuration.host, tls: configuration.tls != nil, insecure: configuration.insecure) {
                throw refusal
            }
            let tls = try configuration.tls?.makeContext()
            channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                // A client that half-closes inside a frame still gets its `malformed-frame` error.
                .childChannelOption(.allowRemoteHalfClosure, value: true)
                .bind(host: configuration.host, port: configuration.port) { child in
                    child.eventLoop.makeCompletedFuture {
                        if let sendBuffer {
                            try child.syncOptions?.setOption(.socketOption(.so_sndbuf), value: SocketOptionValue(sendBuffer))
                        }
                        if let tls {
                            try child.pipeline.syncOperations.addHandler(TLSRequiredHandler(logger: logger))
                            try child.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                        }
                        try child.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(maxFrameBytes: limits.maxFrameBytes)))
                        try child.pipeline.syncOperations.addHandler(MessageToByteHandler(FrameEncoder()))
                        try child.pipeline.syncOperations.addHandler(SlowReaderHandler(timeout: slowReaderTimeout, logger: logger))
                        return try NIOAsyncChannel<Frame, Frame>(wrappingChannelSynchronously: child)
                    }
                }
        } catch {
            let waiters = lock.withLock {
                startFailure = error
                defer { portWaiters = [] }
                return portWaiters
            }
            for waiter in waiters { waiter.resume(throwing: error) }
            throw error
        }
        let boundPort = channel.channel.localAddress?.port ?? configuration.port
        let (waiters, alreadyStopping) = lock.withLock {
            port = boundPort
            serverChannel = channel.channel
            defer { portWaiters = [] }
            return (portWaiters, stopping)
        }
        for waiter in waiters { waiter.resume(returning: boundPort) }
        if alreadyStopping { channel.channel.close(promise: nil) }
        logger.info("listening", metadata: ["address": "\(configuration.host):\(boundPort)", "tls": "\(configuration.tls != nil)"])

        try await withThrowingTaskGroup(of: Void.self) { watchers in
            // Revocations written by any process on the store close their members' connections.
            let interval = configuration.revocationPollInterval
            watchers.addTask { await self.registry.revocations.run(every: interval) }
            defer { watchers.cancelAll() }
            try await withGracefulShutdownHandler {
                try await withThrowingDiscardingTaskGroup { tasks in
                    try await channel.executeThenClose { inbound in
                        for try await connection in inbound {
                            tasks.addTask { await self.serve(connection) }
                        }
                    }
                }
            } onGracefulShutdown: {
                self.shutdown()
            }
        }
        await registry.cursors.flush()
        logger.info("stopped")
    }

    /// Stops accepting and closes every connection with `shutting-down`.
    public func shutdown() {
        let (channel, open) = lock.withLock {
            stopping = true
            return (serverChannel, Array(connections.values))
        }
        channel?.close(promise: nil)
        for events in open { events.yield(.shutdown) }
    }

    /// Runs one connection to its end.
    private func serve(_ channel: NIOAsyncChannel<Frame, Frame>) async {
        let (events, continuation) = AsyncStream<ConnectionEvent>.makeStream()
        let (id, stopping) = lock.withLock {
            nextConnectionID += 1
            connections[nextConnectionID] = continuation
            return (nextConnectionID, self.stopping)
        }
        if stopping { continuation.yield(.shutdown) }
        var logger = self.logger
        logger[metadataKey: "connection"] = "\(id)"
        logger[metadataKey: "peer"] = "\(channel.channel.remoteAddress.map { "\($0)" } ?? "?")"
        let handshakeTimeout = configuration.handshakeTimeout
        let credit = InboundCredit(limit: configuration.connectionLimits.inboundFrameQueue)
        let tick = TrafficPolicy.tickInterval(configuration.connectionLimits)
        let overLimit = limiter.admitConnection()
        defer { if overLimit == nil { limiter.release(id) } }
        do {
            try await channel.executeThenClose { inbound, outbound in
                if let overLimit {
                    logger.info("closing connection", metadata: ["code": "\(overLimit.code)", "reason": "\(overLimit.message)"])
                    try? await outbound.write(Message.error(overLimit).frame())
                    return
                }
                let connection = ServerConnection(id: id, outbound: outbound, store: store, registry: registry,
                                                  configuration: configuration, events: continuation, logger: logger, limiter: limiter)
                await withTaskGroup(of: Void.self) { group in
                    group.addTask {
                        do {
                            for try await frame in inbound {
                                // Waits while the connection has frames enough to handle: the socket is not read meanwhile.
                                await credit.acquire()
                                continuation.yield(.frame(frame))
                            }
                            continuation.yield(.closedByPeer)
                        } catch {
                            continuation.yield(.readFailed(error))
                        }
                    }
                    group.addTask {
                        try? await Task.sleep(for: handshakeTimeout)
                        continuation.yield(.handshakeTimeout)
                    }
                    group.addTask {
                        while !Task.isCancelled {
                            try? await Task.sleep(for: tick)
                            continuation.yield(.tick)
                        }
                    }
                    await connection.run(CreditedEvents(events: events, credit: credit))
                    credit.close()
                    group.cancelAll()
                }
            }
        } catch {
            logger.debug("connection ended with an error", metadata: ["error": "\(error)"])
        }
        continuation.finish()
        lock.withLock { _ = connections.removeValue(forKey: id) }
    }
}
