/// A place among siblings: a fractional index compared digit by digit.
///
/// Between any two positions there is always another, so inserting or moving
/// an entity never renumbers its siblings and concurrent reorders never
/// conflict. Equal positions (two replicas inserting at the same spot) are
/// ordered by entity id, the same way on every replica. Digits are never
/// generated ending in zero, which keeps "before the first" always possible.
public struct Position: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let digits: [UInt32]

    public init(digits: [UInt32]) { self.digits = digits }

    public static func < (lhs: Position, rhs: Position) -> Bool {
        lhs.digits.lexicographicallyPrecedes(rhs.digits)
    }

    public var description: String { digits.map { String($0, radix: 16) }.joined(separator: ".") }

    static let middle: UInt32 = 1 << 31
    static let step: UInt32 = 1 << 16

    /// The first position of an empty list.
    public static let first = Position(digits: [middle])

    /// A position strictly between `lower` and `upper`; `nil` means the open end.
    /// Requires `lower < upper` when both are given.
    public static func between(_ lower: Position?, _ upper: Position?) -> Position {
        Position(digits: between(lower?.digits[...], upper?.digits[...]))
    }

    private static func between(_ lower: ArraySlice<UInt32>?, _ upper: ArraySlice<UInt32>?) -> [UInt32] {
        switch (lower, upper) {
        case (nil, nil):
            return [middle]
        case (let low?, nil):
            guard let head = low.first else { return [middle] }
            if head <= UInt32.max - step { return [head + step] }
            return [head] + between(low.dropFirst().nilIfEmpty, nil)
        case (nil, let high?):
            guard let head = high.first else { preconditionFailure("no position precedes the empty position") }
            if head > step { return [head - step] }
            if head >= 2 { return [head / 2] }
            // head is 0 or 1: keep it and go below the rest (or below "end of key").
            let rest = high.dropFirst()
            if rest.isEmpty { return head == 0 ? preconditionFail() : [0, middle] }
            return [head] + between(nil, rest)
        case (let low?, let high?):
            var index = 0
            while index < low.count, index < high.count, low[low.startIndex + index] == high[high.startIndex + index] {
                index += 1
            }
            let prefix = Array(low.prefix(index))
            if index == low.count {
                // low is a prefix of high: go below high's remainder.
                return prefix + between(nil, high.dropFirst(index))
            }
            let a = low[low.startIndex + index]
            let b = index < high.count ? high[high.startIndex + index] : UInt32.max
            if index < high.count, b &- a > 1 {
                return prefix + [a + (b - a) / 2]
            }
            // No room at this digit: keep low's digit and go above low's remainder.
            return prefix + [a] + between(low.dropFirst(index + 1).nilIfEmpty, nil)
        }
    }

    private static func preconditionFail() -> [UInt32] {
        preconditionFailure("no position precedes [0]; positions never end in a zero digit")
    }
}

extension ArraySlice {
    var nilIfEmpty: ArraySlice? { isEmpty ? nil : self }
}
