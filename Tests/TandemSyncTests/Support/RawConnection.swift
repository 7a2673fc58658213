import NIOCore
import NIOPosix
import TandemModel
import TandemWire

/// A client that speaks bytes, not the protocol: for hostile and broken peers.
/// Reads happen only when asked, so a test can also be a peer that never reads.
final class RawConnection: @unchecked Sendable {
    // @unchecked: used from one test task at a time.
    private let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    private var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var buffered: [UInt8] = []
    private(set) var closed = false

    /// `receiveBuffer` sets SO_RCVBUF and `reads: false` stops reading the
    /// socket at all: a peer that never reads, whose buffers fill up fast.
    init(port: Int, receiveBuffer: Int? = nil, reads: Bool = true) async throws {
        var bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
        if let receiveBuffer { bootstrap = bootstrap.channelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(receiveBuffer)) }
        if !reads { bootstrap = bootstrap.channelOption(.autoRead, value: false) }
        channel = try await bootstrap.connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel,
                                                           configuration: .init(isOutboundHalfClosureEnabled: true))
            }
        }
        // Kept open for the object's life (not `executeThenClose`): tests interleave many such peers.
        iterator = channel.inbound.makeAsyncIterator()
        outbound = channel.outbound
    }

    func send(_ bytes: [UInt8]) async throws {
        try await outbound.write(ByteBuffer(bytes: bytes))
    }

    /// HELLO with `token`; returns the server's answer (WELCOME or ERROR).
    func hello(token: String, replica: ReplicaID = .random()) async throws -> Message? {
        try await send(Message.hello(Hello(replica: replica, token: token, agent: "raw")).frame().bytes)
        return try await next()
    }

    /// The next message, or nil when the server closed the connection.
    func next() async throws -> Message? {
        while true {
            var slice = buffered[...]
            if let frame = try Frame.split(&slice, maxFrameBytes: 1 << 26) {
                buffered = Array(slice)
                return try Message.decode(frame, limits: WireLimits(maxFrameBytes: 1 << 26, maxInflatedBytes: 1 << 26))
            }
            guard !closed else { return nil }
            do {
                guard let chunk = try await iterator.next() else { closed = true; continue }
                buffered += Array(chunk.readableBytesView)
            } catch {
                closed = true
            }
        }
    }

    /// Reads until the server closes; returns the ERROR's code if one came last.
    func errorCodeAtClose() async throws -> String? {
        var last: Message?
        while let message = try await next() { last = message }
        if case .error(let error)? = last { return error.code.rawValue }
        return nil
    }

    func close() async {
        outbound.finish()
        channel.channel.close(promise: nil)
    }

    deinit {
        // NIO requires its writer finished before it goes; the socket closes with the channel.
        outbound.finish()
        channel.channel.close(promise: nil)
    }
}

