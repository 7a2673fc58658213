import NIOCore
import NIOPosix
import TandemWire

/// Opens a client's framed connection to a server: TCP, TLS when the address
/// says `tls://`, then the frame codec. One place for the pipeline that the
/// sync engine and `tandem admin` both speak over.
enum FrameConnection {
    /// - Parameter trustedCertificatesPEM: a private CA to trust for `tls://`; nil trusts the system's.
    /// - Throws: `tls-failed` for an unreadable CA file, `connection-failed` when the server cannot be reached.
    static func open(to endpoint: SyncEndpoint, trustedCertificatesPEM: [UInt8]?, limits: WireLimits, connectTimeout: Duration,
                     group: any EventLoopGroup) async throws -> NIOAsyncChannel<Frame, Frame> {
        let tls = try endpoint.tls ? ClientTLS.context(trusting: trustedCertificatesPEM) : nil
        do {
            return try await ClientBootstrap(group: group)
                .connectTimeout(TimeAmount(connectTimeout))
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: endpoint.host, port: endpoint.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let tls { try channel.pipeline.syncOperations.addHandler(ClientTLS.handler(tls, host: endpoint.host)) }
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder(maxFrameBytes: limits.maxFrameBytes)))
                        try channel.pipeline.syncOperations.addHandler(MessageToByteHandler(FrameEncoder()))
                        return try NIOAsyncChannel<Frame, Frame>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw WireError(.connectionFailed, "cannot connect to \(endpoint): \(error)")
        }
    }
}
