import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import ServiceLifecycle

/// `tandemd serve --metrics HOST:PORT`: a minimal HTTP/1.1 server answering
/// `GET /metrics` with the Prometheus text format of a registry, and 404 to
/// anything else. Off unless asked for; meant for loopback or a scrape network.
public final class MetricsEndpoint: Service, @unchecked Sendable {
    // @unchecked: `port` and the waiters are guarded by `lock`.
    public let registry: PrometheusCollectorRegistry
    public let host: String
    let requestedPort: Int
    let logger: Logger
    /// Runs before each scrape (to refresh gauges such as the store size).
    let beforeScrape: @Sendable () -> Void
    private let group: any EventLoopGroup
    private let lock = NSLockLite()
    private var port: Int?
    private var waiters: [CheckedContinuation<Int, any Error>] = []

    public init(registry: PrometheusCollectorRegistry, host: String, port: Int, logger: Logger,
                beforeScrape: @escaping @Sendable () -> Void = {}, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.registry = registry
        self.host = host
        self.requestedPort = port
        self.logger = logger
        self.beforeScrape = beforeScrape
        self.group = group
    }

    /// The port it listens on, once it does.
    public func listeningPort() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Int? = lock.withLock {
                if let port { return port }
                waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    public func run() async throws {
        let registry = self.registry, beforeScrape = self.beforeScrape
        let channel: any Channel
        do {
            channel = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { child in
                    child.pipeline.configureHTTPServerPipeline().flatMap {
                        child.pipeline.addHandler(MetricsHTTPHandler(registry: registry, beforeScrape: beforeScrape))
                    }
                }
                .bind(host: host, port: requestedPort).get()
        } catch {
            let pending = lock.withLock { defer { waiters = [] }; return waiters }
            for waiter in pending { waiter.resume(throwing: error) }
            throw error
        }
        let bound = channel.localAddress?.port ?? requestedPort
        let pending = lock.withLock { port = bound; defer { waiters = [] }; return waiters }
        for waiter in pending { waiter.resume(returning: bound) }
        logger.info("metrics endpoint listening", metadata: ["address": "\(host):\(bound)"])
        await withGracefulShutdownHandler {
            try? await withTaskCancellationHandler {
                try await channel.closeFuture.get()
            } onCancel: {
                channel.close(promise: nil)
            }
        } onGracefulShutdown: {
            channel.close(promise: nil)
        }
    }
}

/// One HTTP exchange at a time per connection: the path decides the answer.
final class MetricsHTTPHandler: ChannelInboundHandler, @unchecked Sendable {
    // @unchecked: used only on its channel's event loop.
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let registry: PrometheusCollectorRegistry
    private let beforeScrape: @Sendable () -> Void
    private var request: HTTPRequestHead?

    init(registry: PrometheusCollectorRegistry, beforeScrape: @escaping @Sendable () -> Void) {
        self.registry = registry
        self.beforeScrape = beforeScrape
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): request = head
        case .body: break
        case .end:
            guard let head = request else { return }
            request = nil
            let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
            if path == "/metrics", head.method == .GET || head.method == .HEAD {
                beforeScrape()
                var body: [UInt8] = []
                registry.emit(into: &body)
                respond(context, head, status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: head.method == .HEAD ? [] : body)
            } else {
                respond(context, head, status: .notFound, contentType: "text/plain; charset=utf-8", body: Array("not found; metrics are at GET /metrics\n".utf8))
            }
        }
    }

    private func respond(_ context: ChannelHandlerContext, _ request: HTTPRequestHead, status: HTTPResponseStatus, contentType: String, body: [UInt8]) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: contentType)
        headers.add(name: "Content-Length", value: "\(body.count)")
        let keepAlive = request.isKeepAlive
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: request.version, status: status, headers: headers))), promise: nil)
        if !body.isEmpty { context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil) }
        let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive { done.whenComplete { _ in context.close(promise: nil) } }
    }
}
