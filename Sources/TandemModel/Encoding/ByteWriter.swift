/// Appends a compact binary encoding: LEB128 varints, zig-zag signed ints,
/// length-prefixed UTF-8 strings. Shared by snapshots, the store and the wire.
public struct ByteWriter: Sendable {
    public private(set) var bytes: [UInt8]

    public init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Empties the writer, keeping its buffer: one buffer can encode many values in turn.
    public mutating func removeAll() { bytes.removeAll(keepingCapacity: true) }

    @inline(__always)
    public mutating func byte(_ value: UInt8) { bytes.append(value) }

    public mutating func raw(_ data: some Collection<UInt8>) { bytes.append(contentsOf: data) }

    @inline(__always)
    public mutating func varint(_ value: UInt64) {
        if value < 0x80 { bytes.append(UInt8(truncatingIfNeeded: value)); return }
        varintSlow(value)
    }

    /// Two or more bytes, assembled on the stack and appended at once: one
    /// capacity check instead of one per byte (a 64-bit replica id takes ten).
    @usableFromInline
    mutating func varintSlow(_ value: UInt64) {
        var scratch: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &scratch) { buffer in
            var v = value
            var count = 0
            while v >= 0x80 {
                buffer[count] = UInt8(truncatingIfNeeded: v) | 0x80
                v >>= 7
                count += 1
            }
            buffer[count] = UInt8(truncatingIfNeeded: v)
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[...count]))
        }
    }

    @inline(__always)
    public mutating func varint(_ value: Int) { varint(UInt64(value)) }

    /// Zig-zag, so small negative numbers stay small.
    @inline(__always)
    public mutating func signed(_ value: Int64) {
        varint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    public mutating func fixed64(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    public mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            varint(utf8.count)
            bytes.append(contentsOf: utf8)
        }
    }

    public mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }
}

/// Errors from decoding untrusted bytes. Never a crash: every read is bounds-checked.
public struct DecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    public let message: String
    public let offset: Int
    public init(_ message: String, at offset: Int) {
        self.message = message
        self.offset = offset
    }
    public var description: String { "\(message) (at byte \(offset))" }
}

/// Reads what ``ByteWriter`` writes, checking every bound.
public struct ByteReader: Sendable {
    public let bytes: [UInt8]
    public private(set) var offset: Int
    private let end: Int

    public init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
        self.end = bytes.count
    }

    public var isAtEnd: Bool { offset >= end }
    public var remaining: Int { end - offset }

    public mutating func byte() throws(DecodingError) -> UInt8 {
        guard offset < end else { throw DecodingError("unexpected end of data", at: offset) }
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func varint() throws(DecodingError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        let start = offset
        while true {
            guard offset < end else { throw DecodingError("truncated varint", at: start) }
            let b = bytes[offset]
            offset += 1
            if shift == 63 && b > 1 { throw DecodingError("varint overflows 64 bits", at: start) }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 {
                // Reject padded encodings so every value has exactly one encoding.
                if b == 0 && shift > 0 { throw DecodingError("overlong varint", at: start) }
                return result
            }
            shift += 7
            if shift > 63 { throw DecodingError("varint longer than 10 bytes", at: start) }
        }
    }

    /// A varint that must fit `limit`, as a count or length.
    public mutating func count(max limit: Int, _ what: String) throws(DecodingError) -> Int {
        let start = offset
        let value = try varint()
        guard value <= UInt64(limit) else { throw DecodingError("\(what) \(value) exceeds the limit of \(limit)", at: start) }
        return Int(value)
    }

    public mutating func signed() throws(DecodingError) -> Int64 {
        let raw = try varint()
        return Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    public mutating func fixed64() throws(DecodingError) -> UInt64 {
        guard remaining >= 8 else { throw DecodingError("truncated 64-bit value", at: offset) }
        var value: UInt64 = 0
        for i in 0..<8 { value |= UInt64(bytes[offset + i]) << UInt64(8 * i) }
        offset += 8
        return value
    }

    public mutating func string(maxBytes: Int = 1 << 24) throws(DecodingError) -> String {
        let length = try count(max: maxBytes, "string length")
        guard remaining >= length else { throw DecodingError("string runs past the end", at: offset) }
        let slice = bytes[offset..<(offset + length)]
        guard let text = String(validating: slice, as: UTF8.self) else {
            throw DecodingError("string is not valid UTF-8", at: offset)
        }
        offset += length
        return text
    }

    public mutating func bool() throws(DecodingError) -> Bool {
        let start = offset
        switch try byte() {
        case 0: return false
        case 1: return true
        default: throw DecodingError("boolean is neither 0 nor 1", at: start)
        }
    }

    public mutating func raw(_ length: Int) throws(DecodingError) -> ArraySlice<UInt8> {
        guard length >= 0, remaining >= length else { throw DecodingError("data runs past the end", at: offset) }
        defer { offset += length }
        return bytes[offset..<(offset + length)]
    }
}
