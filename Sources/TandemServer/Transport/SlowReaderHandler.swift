import Logging
import NIOCore
import TandemWire

/// Closes a connection whose peer stops reading.
///
/// NIO marks a channel unwritable once its outbound buffer passes the high
/// watermark; the connection's writer then waits, so the server's memory for
/// this peer stays bounded. If the channel is still unwritable after
/// `timeout`, the peer is a slow (or hostile) reader: queue an
/// `ERROR(slow-reader)` (it arrives only if the peer ever reads again) and close.
final class SlowReaderHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = Frame
    typealias InboundOut = Frame
    typealias OutboundIn = Frame
    typealias OutboundOut = Frame

    private let timeout: TimeAmount
    private let logger: Logger
    private var timer: Scheduled<Void>?

    init(timeout: Duration, logger: Logger) {
        self.timeout = max(TimeAmount(timeout), .nanoseconds(1))
        self.logger = logger
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            timer?.cancel()
            timer = nil
        } else if timer == nil {
            timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [self] in
                self.expired(context: context)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }

    private func expired(context: ChannelHandlerContext) {
        timer = nil
        guard context.channel.isActive, !context.channel.isWritable else { return }
        logger.info("closing connection", metadata: ["code": "\(WireError.Code.slowReader)", "peer": "\(context.remoteAddress.map { "\($0)" } ?? "?")",
                                                     "reason": "the peer read nothing for \(timeout)"])
        let error = WireError(.slowReader, "the connection did not read what the server sent for \(timeout); reconnect and read")
        context.writeAndFlush(wrapOutboundOut(Message.error(error).frame()), promise: nil)
        context.close(promise: nil)
    }
}
