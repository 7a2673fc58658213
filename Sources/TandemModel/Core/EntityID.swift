/// Names one entity of a plan: the id of the operation that created it.
///
/// Its text form is 32 hex digits that scramble the replica and counter with a
/// reversible Feistel network, so that short prefixes (like git's short
/// hashes) are well spread even though counters are small and sequential.
public struct EntityID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let origin: OperationID

    public init(_ origin: OperationID) { self.origin = origin }

    public static func < (lhs: EntityID, rhs: EntityID) -> Bool { lhs.origin < rhs.origin }

    /// One combine instead of two: entity lookups are the hottest path of a merge.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(origin.replica.rawValue &+ origin.counter &* 0x9E37_79B9_7F4A_7C15)
    }

    /// The full 32-hex-digit form.
    public var description: String {
        let (high, low) = Self.scramble(origin.replica.rawValue, origin.counter)
        return hex16(high) + hex16(low)
    }

    /// The first `length` digits of the text form, for tables.
    public func short(_ length: Int = 8) -> String { String(description.prefix(length)) }

    /// Parses the full 32-hex-digit form.
    public init?(_ text: some StringProtocol) {
        guard text.count == 32, text.allSatisfy(\.isHexDigit),
              let high = UInt64(text.prefix(16), radix: 16), let low = UInt64(text.suffix(16), radix: 16)
        else { return nil }
        let (replica, counter) = Self.unscramble(high, low)
        guard replica != 0, counter != 0 else { return nil }
        self.origin = OperationID(replica: ReplicaID(replica), counter: counter)
    }

    private static let roundKeys: [UInt64] = [0x9E37_79B9_7F4A_7C15, 0xBF58_476D_1CE4_E5B9, 0x94D0_49BB_1331_11EB, 0xD6E8_FEB8_6659_FD93]

    private static func round(_ value: UInt64, _ key: UInt64) -> UInt64 {
        var z = value &+ key
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    static func scramble(_ left: UInt64, _ right: UInt64) -> (UInt64, UInt64) {
        var (l, r) = (left, right)
        for key in roundKeys { (l, r) = (r, l ^ round(r, key)) }
        return (l, r)
    }

    static func unscramble(_ left: UInt64, _ right: UInt64) -> (UInt64, UInt64) {
        var (l, r) = (left, right)
        for key in roundKeys.reversed() { (l, r) = (r ^ round(l, key), l) }
        return (l, r)
    }
}
