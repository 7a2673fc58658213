import NIOCore

/// Splits the inbound byte stream into ``Frame``s.
///
/// A length below 2 or above the limit is an error as soon as the four length
/// bytes are in, so nothing is buffered for a frame that will be refused.
/// Closing mid-frame is an error too (`decodeLast`).
public struct FrameDecoder: ByteToMessageDecoder, Sendable {
    public typealias InboundOut = Frame

    public let maxFrameBytes: Int

    public init(maxFrameBytes: Int = WireLimits.default.maxFrameBytes) {
        self.maxFrameBytes = maxFrameBytes
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try next(&buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while let frame = try next(&buffer) {
            context.fireChannelRead(Self.wrapInboundOut(frame))
        }
        if seenEOF, buffer.readableBytes > 0 {
            let pending = buffer.readableBytes
            buffer.moveReaderIndex(forwardBy: pending)
            throw WireError(.malformedFrame, "connection closed inside a frame (\(pending) bytes unread)")
        }
        return .needMoreData
    }

    /// One frame off the front of `buffer`, or nil when more bytes are needed.
    func next(_ buffer: inout ByteBuffer) throws(WireError) -> Frame? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else { return nil }
        try Frame.checkLength(Int(length), maxFrameBytes: maxFrameBytes)
        guard buffer.readableBytes >= 4 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        let type = buffer.readInteger(as: UInt8.self)!
        let flags = buffer.readInteger(as: UInt8.self)!
        let payload = buffer.readBytes(length: Int(length) - 2)!
        return Frame(type: type, flags: flags, payload: payload)
    }
}

/// Writes ``Frame``s with their length prefix.
public struct FrameEncoder: MessageToByteEncoder, Sendable {
    public typealias OutboundIn = Frame

    public init() {}

    public func encode(data: Frame, out: inout ByteBuffer) throws {
        out.reserveCapacity(out.writerIndex + WireProtocol.headerBytes + data.payload.count)
        out.writeInteger(UInt32(data.payload.count + 2))
        out.writeInteger(data.type)
        out.writeInteger(data.flags)
        out.writeBytes(data.payload)
    }
}
