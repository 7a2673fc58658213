/// Turns taken in one order and then run one at a time in that order, however
/// the tasks holding them are scheduled.
///
/// A plan's pushed batches are queued for commit in validation order; their
/// results are published through turns so the plan's document and its
/// subscribers see them in the same order, even when one transaction made
/// several batches durable at once and their tasks wake together.
///
/// `@unchecked Sendable`: the counters and `waiting` are only touched under `lock`.
final class InOrderTurns: @unchecked Sendable {
    private let lock = NSLockLite()
    private var next: UInt64 = 0
    private var serving: UInt64 = 0
    private var waiting: [UInt64: CheckedContinuation<Void, Never>] = [:]

    /// The next turn; turns run in the order they were taken.
    func take() -> UInt64 {
        lock.withLock {
            defer { next += 1 }
            return next
        }
    }

    /// Returns when every earlier turn has ended.
    func begin(_ turn: UInt64) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now: Bool = lock.withLock {
                if serving == turn { return true }
                waiting[turn] = continuation
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Ends a turn (every turn must end, or later ones wait for ever).
    func end(_ turn: UInt64) {
        let following: CheckedContinuation<Void, Never>? = lock.withLock {
            serving = turn + 1
            return waiting.removeValue(forKey: serving)
        }
        following?.resume()
    }
}
