import TandemModel

/// A process's commits to each plan, run one at a time in the order they were
/// queued: ``ServerStore/queueCommit(plan:operations:)`` for a store whose
/// commits cannot be ordered up front (PostgreSQL, written by several
/// instances). The SQLite store orders its own (``GroupCommit``).
///
/// The order of one plan's commits from this process is what a pipelined
/// connection needs fixed (its next batch may name what this one creates);
/// other processes' commits may still land between them, and the plan's hub
/// catches up with them by the head each commit reports. Different plans
/// commit concurrently.
///
/// `@unchecked Sendable`: `queues` is only touched under `lock`.
public final class PlanCommitQueues: @unchecked Sendable {
    private struct Job: Sendable {
        let run: @Sendable () async throws -> CommitResult
        let pending: PendingCommit
    }

    private struct Queue {
        var jobs: [Job] = []
        var draining = false
    }

    private let lock = NSLockLite()
    private var queues: [EntityID: Queue] = [:]

    public init() {}

    /// Queues `run` (the commit itself) behind the plan's earlier commits and returns at once.
    public func enqueue(plan: EntityID, _ run: @escaping @Sendable () async throws -> CommitResult) -> PendingCommit {
        let job = Job(run: run, pending: PendingCommit())
        let start: Bool = lock.withLock {
            queues[plan, default: Queue()].jobs.append(job)
            defer { queues[plan]!.draining = true }
            return !queues[plan]!.draining
        }
        if start { Task { await self.drain(plan) } }
        return job.pending
    }

    private func drain(_ plan: EntityID) async {
        while let job = next(plan) {
            do { job.pending.finish(.success(try await job.run())) } catch { job.pending.finish(.failure(error)) }
        }
    }

    /// The plan's next job; when none is left, the queue is dropped (a later commit starts a new drain).
    private func next(_ plan: EntityID) -> Job? {
        lock.withLock {
            guard var queue = queues[plan], !queue.jobs.isEmpty else {
                queues[plan] = nil
                return nil
            }
            let job = queue.jobs.removeFirst()
            queues[plan] = queue
            return job
        }
    }
}
