/// The sizes a peer accepts. A peer refuses anything larger with an `ERROR`
/// frame and closes: these bound the memory a hostile peer can make us use.
public struct WireLimits: Hashable, Sendable {
    /// Largest frame on the wire (type, flags and payload), compressed or not.
    public var maxFrameBytes: Int
    /// Largest payload after inflation.
    public var maxInflatedBytes: Int
    /// Largest inflated size per compressed byte (a zip bomb inflates ~1000×).
    public var maxInflationRatio: Int
    /// Most operations in one batch.
    public var maxBatchOperations: Int
    /// Largest encoded operation.
    public var maxOperationBytes: Int

    public init(maxFrameBytes: Int = 4 << 20, maxInflatedBytes: Int = 16 << 20, maxInflationRatio: Int = 100,
                maxBatchOperations: Int = 10_000, maxOperationBytes: Int = 256 << 10) {
        self.maxFrameBytes = maxFrameBytes
        self.maxInflatedBytes = maxInflatedBytes
        self.maxInflationRatio = maxInflationRatio
        self.maxBatchOperations = maxBatchOperations
        self.maxOperationBytes = maxOperationBytes
    }

    public static let `default` = WireLimits()

    /// The inflated size a compressed payload of `compressedBytes` may declare.
    public func inflationAllowance(compressedBytes: Int) -> Int {
        min(maxInflatedBytes, max(compressedBytes, 1) * maxInflationRatio)
    }
}

/// Protocol constants.
public enum WireProtocol {
    /// The versions this implementation speaks. Version 2 changed the operation
    /// batch encoding (sorted entity table, logical-zero bit, relative `previous`);
    /// a version-1 peer is refused with `unsupported-version` rather than misread.
    public static let versions: ClosedRange<UInt64> = 2...2
    /// The first four bytes of every `HELLO` payload.
    public static let magic: [UInt8] = Array("TNDM".utf8)
    /// Bytes before the payload: the 4-byte length, the type and the flags.
    public static let headerBytes = 6
    /// The conventional port.
    public static let defaultPort = 7420
}
