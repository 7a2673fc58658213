import TandemModel

/// What waiting on a task costs, in words, from the schedule: critical tasks
/// move the go-live day for day; others have float to spend first.
public struct TimelineImplication: Hashable, Sendable {
    /// Days the task can wait before the projected go-live moves (0 when critical).
    public let floatDays: Int
    /// Days before the target go-live is missed through this task (nil without a target).
    public let daysToTarget: Int?
    public let goLive: CalendarDate?
    public let target: CalendarDate?
    /// The latest finish that keeps the target.
    public let latestFinishForTarget: CalendarDate?
    public let inCycle: Bool
    public let sentence: String

    public init(task: EntityID, schedule: Schedule) {
        let timing = schedule.timing(of: task)
        floatDays = max(0, timing?.totalFloat ?? 0)
        daysToTarget = timing?.slackToTarget
        goLive = schedule.goLiveDate
        target = schedule.target
        latestFinishForTarget = timing?.latestFinishForTargetDate
        inCycle = timing?.inCycle ?? false
        sentence = Self.describe(timing: timing, schedule: schedule)
    }

    static func describe(timing: NodeTiming?, schedule: Schedule) -> String {
        guard let timing, let goLive = schedule.goLiveDate else {
            return "Its effect on the go-live cannot be computed yet (the plan has no schedule)."
        }
        if timing.isFinished { return "It is done." }
        var text: String
        if timing.inCycle {
            text = "Its dependencies form a cycle, so its timeline effect is uncertain until the cycle is fixed."
        } else if timing.isCritical {
            text = "It is on the critical path: each day this waits moves the go-live (now projected for \(goLive)) by one day."
        } else {
            let days = timing.totalFloat
            text = "It has \(days) day\(days == 1 ? "" : "s") of slack: done by \(timing.lateFinishDate) it keeps the projected go-live (\(goLive)); after that, each day it waits moves the go-live by one day."
        }
        if let target = schedule.target, let slip = schedule.slipDays {
            if slip > 0 {
                text += " The go-live is already projected \(slip) day\(slip == 1 ? "" : "s") after the \(target) target."
            } else if let latest = timing.latestFinishForTargetDate {
                text += " To keep the \(target) target it must be done by \(latest)."
            }
        }
        return text
    }
}
