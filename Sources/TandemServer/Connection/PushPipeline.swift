import TandemWire

/// A connection's pushes that are validated and queued for commit but not
/// yet acknowledged, oldest first.
///
/// The connection reads and validates its member's next batch while earlier
/// ones are synced to disk, and acknowledges them in the order they came:
/// an ACK still means durable, and ACKs never overtake each other. Anything
/// other than another push (a digest request, a subscription) waits until
/// every batch before it is acknowledged, as it did when pushes were handled
/// one at a time.
struct PushPipeline {
    struct Entry {
        let push: Push
        let started: ContinuousClock.Instant
        let outcome: Pending<PlanHub.IngestResult>
    }

    /// Batches one connection may have in flight: enough to keep the disk busy
    /// while the next is validated, few enough to bound the memory they hold.
    static let depth = 4

    private(set) var entries: [Entry] = []

    var isEmpty: Bool { entries.isEmpty }
    var isFull: Bool { entries.count >= Self.depth }

    mutating func append(_ entry: Entry) { entries.append(entry) }

    /// The oldest entry, if its result has arrived (or unconditionally when `waiting`).
    func oldest(waiting: Bool) -> Entry? {
        guard let first = entries.first, waiting || first.outcome.isFinished else { return nil }
        return first
    }

    mutating func removeOldest() { entries.removeFirst() }
}
