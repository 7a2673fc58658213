/// Names one operation: the replica that made it and that replica's counter.
///
/// Counters start at 1 and grow by one for each operation a replica makes, so
/// a replica's operations can be summarised by a ``VersionVector``.
public struct OperationID: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let replica: ReplicaID
    public let counter: UInt64

    public init(replica: ReplicaID, counter: UInt64) {
        self.replica = replica
        self.counter = counter
    }

    public static func < (lhs: OperationID, rhs: OperationID) -> Bool {
        (lhs.replica, lhs.counter) < (rhs.replica, rhs.counter)
    }

    /// `counter@replica`, e.g. `12@3f9a0c1d22e4b801`.
    public var description: String { "\(counter)@\(replica)" }
}
