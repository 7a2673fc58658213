import TandemModel

/// "If this task slips N days, the go-live moves M days": the schedule
/// recomputed with the task finishing `slipDays` later.
public struct WhatIf: Sendable {
    public let task: EntityID
    public let slipDays: Int
    public let before: Schedule
    public let after: Schedule

    /// Why a what-if cannot be computed.
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        public let message: String
        public var description: String { message }
    }

    /// - Throws: ``Failure`` when the task is not in the schedule, is already done, or the slip is negative.
    public init(task: EntityID, slipDays: Int, in schedule: Schedule) throws(Failure) {
        guard slipDays >= 0 else { throw Failure(message: "a slip is 0 days or more, not \(slipDays)") }
        guard let index = schedule.taskIndex[task] else { throw Failure(message: "task \(task.short()) is not in the schedule") }
        guard !schedule.input.nodes[index].isFinished else {
            throw Failure(message: "task \(task.short()) is done; a finished task cannot slip")
        }
        var input = schedule.input
        input.nodes[index].delay += slipDays
        self.task = task
        self.slipDays = slipDays
        self.before = schedule
        self.after = Schedule(input)
    }

    /// Days the projected go-live moves (0 when the task had enough float).
    public var goLiveMovesDays: Int {
        guard let old = before.goLive, let new = after.goLive else { return 0 }
        return new - old
    }

    /// The task's float before the slip: how much of the slip was absorbed.
    public var floatBefore: Int { before.timing(of: task)?.totalFloat ?? 0 }

    /// Tasks critical after the slip that were not before (in plan order).
    public var newlyCritical: [EntityID] {
        after.tasks.compactMap { timing in
            guard let id = timing.task, timing.isCritical, !before.isCritical(id) else { return nil }
            return id
        }
    }

    /// Days the go-live would be after the target, before and after the slip.
    public var slipAgainstTarget: (before: Int?, after: Int?) { (before.slipDays, after.slipDays) }
}
