import TandemModel
import TandemWire

/// What members without internal access (customers) are sent: the operations
/// the plan's ``InternalOnlyIndex`` does not withhold, digests of the plan
/// without its internal-only entities, and snapshots of a copy without them.
/// A customer replica holds exactly the operations not withheld, so its digest
/// equals ``customerDigest()`` at the same sequence.
extension PlanHub {
    /// The internal-only entities at the head.
    var internalOnlyIndex: InternalOnlyIndex { lock.withLock { internalOnly } }

    /// The operations of `entries` a customer may receive, in order.
    ///
    /// Classifying with the index at the head gives the same answer as at the
    /// operation's own sequence: the index only grows by entities created later,
    /// and an operation names only entities that existed when it was accepted.
    func customerOperations(_ entries: [SequencedOperation]) -> [Operation] {
        let index = internalOnlyIndex
        return entries.lazy.map(\.operation).filter { !index.withholds($0) }
    }

    /// The digest of the customer view at the head, and that head.
    func customerDigest() -> (sequence: UInt64, bytes: [UInt8]) {
        let (document, sequence, index) = stateWithIndex()
        if let cached = lock.withLock({ cachedCustomerDigest }), cached.sequence == sequence { return cached }
        let bytes = PlanDigest.of(document, excluding: { index.contains($0.id) })
        lock.withLock { cachedCustomerDigest = (sequence, bytes) }
        return (sequence, bytes)
    }

    /// The whole plan at the head as a snapshot, and that head.
    func fullSnapshot() -> (sequence: UInt64, bytes: [UInt8]) {
        let (document, sequence) = state()
        return (sequence, document.encodedSnapshot())
    }

    /// The customer view at the head as a snapshot, and that head.
    func customerSnapshot() -> (sequence: UInt64, bytes: [UInt8]) {
        let (document, sequence, index) = stateWithIndex()
        return (sequence, document.withholding(index).encodedSnapshot())
    }
}
