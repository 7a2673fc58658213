import CZlib

/// zlib (RFC 1950) compression of frame payloads, with inflation that can
/// never produce more than the size declared in front of the stream.
///
/// The declared size is checked against ``WireLimits`` *before* inflating,
/// and inflation writes into a buffer of exactly that size: a zip bomb fails
/// with `inflation-limit` having allocated at most the allowance.
public enum Deflate {
    /// zlib's level: 1 is ~5× faster than the default 6 at a slightly worse ratio.
    public static let defaultLevel: Int32 = 1

    /// Compresses `input` (a complete zlib stream).
    public static func compress(_ input: [UInt8], level: Int32 = defaultLevel) -> [UInt8] {
        var stream = z_stream()
        guard deflateInit_(&stream, level, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            preconditionFailure("deflateInit failed: zlib is out of memory")
        }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        var output = [UInt8](repeating: 0, count: bound)
        var input = input
        let produced: Int = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                let status = CZlib.deflate(&stream, Z_FINISH)
                precondition(status == Z_STREAM_END, "deflate into deflateBound bytes must finish (status \(status))")
                return Int(stream.total_out)
            }
        }
        output.removeSubrange(produced...)
        return output
    }

    /// Inflates a zlib stream that must produce exactly `length` bytes.
    public static func inflate(_ input: ArraySlice<UInt8>, length: Int) throws(WireError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: length + 1)
        var stream = z_stream()
        guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw WireError(.internalError, "zlib could not start inflating")
        }
        defer { inflateEnd(&stream) }
        var input = Array(input)
        let (status, produced, unread): (Int32, Int, Int) = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                // One spare byte: a stream that fills it says more than it declared.
                stream.avail_out = uInt(outBuffer.count)
                let status = CZlib.inflate(&stream, Z_FINISH)
                return (status, Int(stream.total_out), Int(stream.avail_in))
            }
        }
        if produced > length {
            throw WireError(.inflationLimit, "compressed payload inflates past its declared \(length) bytes")
        }
        guard status == Z_STREAM_END else {
            throw WireError(.badCompression, "compressed payload is not a complete zlib stream (zlib status \(status))")
        }
        guard produced == length else {
            throw WireError(.badCompression, "compressed payload inflates to \(produced) bytes, not the declared \(length)")
        }
        guard unread == 0 else {
            throw WireError(.badCompression, "\(unread) bytes follow the end of the zlib stream")
        }
        output.removeLast()
        return output
    }
}
