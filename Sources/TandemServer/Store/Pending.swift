/// A result that arrives later, awaited by any number of callers.
///
/// `Pending<CommitResult>` is a commit whose place in the store's order is
/// fixed but which may not be durable yet (``ServerStore/queueCommit(plan:operations:)``):
/// what lets a plan validate a member's next batch while the previous one is
/// being synced to disk.
///
/// `@unchecked Sendable`: `outcome` and `waiters` are only touched under `lock`.
public final class Pending<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLockLite()
    private var outcome: Result<Value, any Error>?
    private var waiters: [CheckedContinuation<Value, any Error>] = []

    public init() {}

    /// Whether the result has arrived.
    public var isFinished: Bool { lock.withLock { outcome != nil } }

    /// The result, once it has arrived.
    public func result() async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<Value, any Error>? = lock.withLock {
                if let outcome { return outcome }
                waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    /// Records the result and wakes every waiter; only the first call counts.
    func finish(_ result: Result<Value, any Error>) {
        let woken: [CheckedContinuation<Value, any Error>] = lock.withLock {
            guard outcome == nil else { return [] }
            outcome = result
            defer { waiters.removeAll() }
            return waiters
        }
        for waiter in woken { waiter.resume(with: result) }
    }
}

/// A commit queued in the store's order, durable once its result arrives.
public typealias PendingCommit = Pending<CommitResult>
