/// Identifies one replica of a plan: one store on one machine, or the server.
///
/// Replica ids are 64 random bits chosen when a replica is created. They order
/// operations that carry the same hybrid-logical-clock time, so every replica
/// breaks such ties the same way.
public struct ReplicaID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64

    public init(_ rawValue: UInt64) { self.rawValue = rawValue }

    /// A fresh random replica id.
    public static func random() -> ReplicaID {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> ReplicaID {
        // Zero is kept free as "no replica" in encodings.
        ReplicaID(UInt64.random(in: 1...UInt64.max, using: &generator))
    }

    public static func < (lhs: ReplicaID, rhs: ReplicaID) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Sixteen lowercase hex digits.
    public var description: String { hex16(rawValue) }

    /// Parses the sixteen-hex-digit form written by `description`.
    public init?(hex: some StringProtocol) {
        guard hex.count == 16, let value = UInt64(hex, radix: 16) else { return nil }
        self.rawValue = value
    }
}

@inline(__always)
func hex16(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: 16 - digits.count) + digits
}
