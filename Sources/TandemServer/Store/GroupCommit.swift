import TandemModel

/// Commits waiting for the server store's writer, gathered so that all those
/// that arrive while one transaction is being made durable share the next one.
///
/// A durable commit costs a sync of the write-ahead log (about 10 ms on a
/// virtual disk), whatever it holds. With one transaction per pushed batch,
/// many clients pushing small batches are limited to about a hundred
/// batches a second; sharing the sync lifts that limit without weakening it:
/// every caller still returns only after the `COMMIT` that holds its
/// operations has returned, so an acknowledgement still means durable.
///
/// Each request runs inside its own savepoint, so one that fails (a plan
/// removed meanwhile) is rolled back and reported alone; a failing `COMMIT`
/// fails every request of the group.
///
/// `@unchecked Sendable`: `pending` and `draining` are only touched under `lock`.
final class GroupCommit: @unchecked Sendable {
    typealias Append = (EntityID, [Operation], SQLiteConnection) throws -> CommitResult

    private struct Request {
        let plan: EntityID
        let operations: [Operation]
        let pending: PendingCommit
    }

    private let lock = NSLockLite()
    private var pending: [Request] = []
    private var draining = false
    private var groups = 0
    private var requests = 0

    /// Requests waiting for the next drain.
    var queued: Int { lock.withLock { pending.count } }

    /// Transactions made so far and the commit requests they held.
    var statistics: (groups: Int, requests: Int) { lock.withLock { (groups, requests) } }

    /// Queues a commit behind every one queued before it and returns at once;
    /// the result arrives once the transaction holding it is durable.
    /// `schedule` is called when no drain is queued yet; it must run `drain`
    /// on the writer's serial queue.
    func queue(plan: EntityID, operations: [Operation], schedule: @escaping @Sendable () -> Void) -> PendingCommit {
        let request = Request(plan: plan, operations: operations, pending: PendingCommit())
        let first: Bool = lock.withLock {
            pending.append(request)
            defer { draining = true }
            return !draining
        }
        if first { schedule() }
        return request.pending
    }

    /// Commits everything queued so far in one transaction, then answers each
    /// caller. Runs on the writer's queue; requests queued meanwhile schedule
    /// the next drain.
    func drain(_ db: SQLiteConnection, append: Append) {
        let group: [Request] = lock.withLock {
            defer { pending.removeAll(); draining = false }
            groups += 1
            requests += pending.count
            return pending
        }
        guard !group.isEmpty else { return }
        var results: [Result<CommitResult, any Error>] = []
        results.reserveCapacity(group.count)
        do {
            try db.transaction {
                for request in group {
                    results.append(Self.inSavepoint(db) { try append(request.plan, request.operations, db) })
                }
            }
        } catch {
            results = group.map { _ in .failure(error) }
        }
        for (request, result) in zip(group, results) { request.pending.finish(result) }
    }

    private static func inSavepoint(_ db: SQLiteConnection, _ body: () throws -> CommitResult) -> Result<CommitResult, any Error> {
        do {
            try db.execute("SAVEPOINT request")
            do {
                let result = try body()
                try db.execute("RELEASE request")
                return .success(result)
            } catch {
                try db.execute("ROLLBACK TO request")
                try db.execute("RELEASE request")
                return .failure(error)
            }
        } catch {
            return .failure(error)
        }
    }
}
