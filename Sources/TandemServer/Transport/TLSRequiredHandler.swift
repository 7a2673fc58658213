import Logging
import NIOCore
import TandemWire

/// First in a TLS server's pipeline: looks at the first byte a client sends.
/// A TLS handshake starts with a handshake record (0x16) and passes on to the
/// TLS handler; a Tandem frame starts with its length (0x00 for any frame
/// within limits), so a plaintext client gets a plaintext
/// `ERROR(tls-required)` it can decode and show, instead of a broken stream.
final class TLSRequiredHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private static let handshakeRecord: UInt8 = 0x16
    private let logger: Logger

    init(logger: Logger) { self.logger = logger }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = unwrapInboundIn(data)
        guard let first = bytes.getInteger(at: bytes.readerIndex, as: UInt8.self) else { return }
        if first == Self.handshakeRecord {
            context.fireChannelRead(data)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        logger.info("closing connection", metadata: ["code": "\(WireError.Code.tlsRequired)", "peer": "\(context.remoteAddress.map { "\($0)" } ?? "?")"])
        let error = WireError(.tlsRequired, "this server speaks TLS only; connect with tls://HOST:PORT")
        let frame = Message.error(error).frame().bytes
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: frame))).assumeIsolated().whenComplete { _ in context.close(promise: nil) }
    }
}
