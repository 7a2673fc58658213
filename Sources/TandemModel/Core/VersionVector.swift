/// The set of operations a replica holds, per origin replica.
///
/// Normally a replica's operations arrive in counter order and each entry is
/// one range `1...n`. Gaps are allowed (a customer replica never receives the
/// operations on internal-only entities), so each entry is a sorted list of
/// disjoint closed ranges.
public struct VersionVector: Hashable, Sendable {
    public internal(set) var ranges: [ReplicaID: [ClosedRange<UInt64>]] = [:]

    public init() {}

    public func contains(_ id: OperationID) -> Bool {
        guard let list = ranges[id.replica] else { return false }
        // Binary search: the last range whose lower bound is <= counter.
        var low = 0, high = list.count
        while low < high {
            let mid = (low + high) / 2
            if list[mid].lowerBound <= id.counter { low = mid + 1 } else { high = mid }
        }
        return low > 0 && list[low - 1].contains(id.counter)
    }

    /// Records `id`; returns `false` when it was already there.
    @discardableResult
    public mutating func insert(_ id: OperationID) -> Bool {
        // Mutate the list in place: copying it out and back would copy the array on every insert.
        Self.insert(id.counter, into: &ranges[id.replica, default: []])
    }

    private static func insert(_ c: UInt64, into list: inout [ClosedRange<UInt64>]) -> Bool {
        // Fast path: the next counter of the last range.
        if let last = list.last {
            if last.upperBound &+ 1 == c {
                list[list.count - 1] = last.lowerBound...c
                return true
            }
            if last.contains(c) { return false }
        }
        var low = 0, high = list.count
        while low < high {
            let mid = (low + high) / 2
            if list[mid].lowerBound <= c { low = mid + 1 } else { high = mid }
        }
        if low > 0, list[low - 1].contains(c) { return false }
        let joinsLeft = low > 0 && list[low - 1].upperBound &+ 1 == c
        let joinsRight = low < list.count && c &+ 1 == list[low].lowerBound
        switch (joinsLeft, joinsRight) {
        case (true, true):
            list[low - 1] = list[low - 1].lowerBound...list[low].upperBound
            list.remove(at: low)
        case (true, false):
            list[low - 1] = list[low - 1].lowerBound...c
        case (false, true):
            list[low] = c...list[low].upperBound
        case (false, false):
            list.insert(c...c, at: low)
        }
        return true
    }

    /// The highest counter held from `replica` (0 when none).
    public func highest(_ replica: ReplicaID) -> UInt64 { ranges[replica]?.last?.upperBound ?? 0 }

    /// Number of operations held.
    public var count: Int {
        ranges.values.reduce(0) { total, list in total + list.reduce(0) { $0 + Int($1.upperBound - $1.lowerBound + 1) } }
    }

    /// Replicas in ascending id order, for deterministic output.
    public var replicas: [ReplicaID] { ranges.keys.sorted() }
}
