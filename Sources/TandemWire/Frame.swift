/// One unit on the wire: a message type, flags, and the (maybe compressed) payload.
///
/// On the wire a frame is `length: u32 big-endian`, `type: u8`, `flags: u8`,
/// then `length - 2` payload bytes (`Protocol/README.md`, "Framing").
public struct Frame: Hashable, Sendable {
    public var type: UInt8
    public var flags: UInt8
    public var payload: [UInt8]

    public init(type: UInt8, flags: UInt8 = 0, payload: [UInt8]) {
        self.type = type
        self.flags = flags
        self.payload = payload
    }

    /// The payload is `varint(inflated length)` then a zlib (RFC 1950) stream.
    public static let compressedFlag: UInt8 = 0x01
    /// Flags this version defines; any other bit set is a `malformed-frame`.
    public static let knownFlags: UInt8 = compressedFlag

    public var isCompressed: Bool { flags & Self.compressedFlag != 0 }

    /// The frame as bytes, header included.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(WireProtocol.headerBytes + payload.count)
        let length = UInt32(payload.count + 2)
        out.append(UInt8(truncatingIfNeeded: length >> 24))
        out.append(UInt8(truncatingIfNeeded: length >> 16))
        out.append(UInt8(truncatingIfNeeded: length >> 8))
        out.append(UInt8(truncatingIfNeeded: length))
        out.append(type)
        out.append(flags)
        out.append(contentsOf: payload)
        return out
    }

    /// Splits one frame off the front of `bytes`: nil when more bytes are needed.
    ///
    /// The length is checked before anything is buffered, so a peer announcing
    /// a 4 GiB frame is refused at once instead of being waited for.
    public static func split(_ bytes: inout ArraySlice<UInt8>, maxFrameBytes: Int) throws(WireError) -> Frame? {
        guard bytes.count >= 4 else { return nil }
        let start = bytes.startIndex
        let length = Int(bytes[start]) << 24 | Int(bytes[start + 1]) << 16 | Int(bytes[start + 2]) << 8 | Int(bytes[start + 3])
        try checkLength(length, maxFrameBytes: maxFrameBytes)
        guard bytes.count >= 4 + length else { return nil }
        let frame = Frame(type: bytes[start + 4], flags: bytes[start + 5], payload: Array(bytes[(start + 6)..<(start + 4 + length)]))
        bytes = bytes[(start + 4 + length)...]
        return frame
    }

    static func checkLength(_ length: Int, maxFrameBytes: Int) throws(WireError) {
        guard length >= 2 else {
            throw WireError(.malformedFrame, "frame length \(length) is shorter than the type and flags bytes")
        }
        guard length <= maxFrameBytes else {
            throw WireError(.frameTooLarge, "frame of \(length) bytes exceeds the limit of \(maxFrameBytes)")
        }
    }
}
