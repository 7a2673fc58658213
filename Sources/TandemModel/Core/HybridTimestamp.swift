/// A hybrid logical clock reading: wall-clock milliseconds in the high 48 bits,
/// a logical counter in the low 16.
///
/// It stays close to real time, which makes history readable ("changed at
/// 14:02"), while still growing strictly whenever a replica makes or observes
/// an operation, so a change made after seeing another always sorts after it.
public struct HybridTimestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64

    public init(rawValue: UInt64) { self.rawValue = rawValue }

    public init(milliseconds: UInt64, logical: UInt16 = 0) {
        self.rawValue = (milliseconds << 16) | UInt64(logical)
    }

    public var milliseconds: UInt64 { rawValue >> 16 }
    public var logical: UInt16 { UInt16(truncatingIfNeeded: rawValue) }

    public static let zero = HybridTimestamp(rawValue: 0)

    public static func < (lhs: HybridTimestamp, rhs: HybridTimestamp) -> Bool { lhs.rawValue < rhs.rawValue }

    /// ISO 8601 in UTC with milliseconds, plus `+N` when the logical part is set.
    public var description: String {
        let base = CivilTime.iso8601(milliseconds: Int64(milliseconds))
        return logical == 0 ? base : "\(base)+\(logical)"
    }
}

/// The total order used by last-writer-wins: clock time first, then replica id.
///
/// Two operations never share a stamp: one replica's clock never repeats, and
/// different replicas differ in the tie-breaker.
public struct OperationStamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let time: HybridTimestamp
    public let replica: ReplicaID

    public init(time: HybridTimestamp, replica: ReplicaID) {
        self.time = time
        self.replica = replica
    }

    public static func < (lhs: OperationStamp, rhs: OperationStamp) -> Bool {
        (lhs.time.rawValue, lhs.replica.rawValue) < (rhs.time.rawValue, rhs.replica.rawValue)
    }

    public var description: String { "\(time)/\(replica)" }
}
