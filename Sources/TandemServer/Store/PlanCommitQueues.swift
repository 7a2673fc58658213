import NIOConcurrencyHelpers
import TandemModel
import TandemServer

/// This instance's commits to each plan, run one at a time in the order they
/// were queued (``PostgresServerStore/queueCommit(plan:operations:)``).
///
/// The order of one plan's commits from this instance is what a pipelined
/// connection needs fixed (its next batch may name what this one creates);
/// other instances' commits still interleave, and the plan's hub catches up
/// with them by the head each commit reports. Different plans commit
/// concurrently, as before.
final class PlanCommitQueues: Sendable {
    private struct Job: Sendable {
        let run: @Sendable () async throws -> CommitResult
        let pending: PendingCommit
    }

    private struct Queue {
        var jobs: [Job] = []
        var draining = false
    }

    private let queues = NIOLockedValueBox<[EntityID: Queue]>([:])

    /// Queues `run` behind the plan's earlier commits and returns at once.
    func enqueue(plan: EntityID, _ run: @escaping @Sendable () async throws -> CommitResult) -> PendingCommit {
        let job = Job(run: run, pending: PendingCommit())
        let start: Bool = queues.withLockedValue { queues in
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
        queues.withLockedValue { queues in
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
