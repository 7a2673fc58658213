import TandemModel

/// Where one node (a task or a gate) falls in the schedule. Days are days since
/// 1970-01-01; use the `CalendarDate` accessors for display.
public struct NodeTiming: Hashable, Sendable {
    public let kind: ScheduleInput.NodeKind
    public let earlyStart: Int
    public let earlyFinish: Int
    public let lateStart: Int
    public let lateFinish: Int
    /// Days this node can slip before the projected go-live moves (0 on the critical path).
    public let totalFloat: Int
    /// The latest finish that still meets the target go-live (nil without a target).
    public let latestFinishForTarget: Int?
    public let due: Int?
    public let isFinished: Bool
    /// Not finished and without float: each day it slips moves the go-live by a day.
    public let isCritical: Bool
    /// Part of a dependency cycle (its dependencies inside the cycle were ignored).
    public let inCycle: Bool

    /// Its due date is later than the latest finish that still meets the target.
    public var dueIsTooLate: Bool {
        guard !isFinished, let due, let latest = latestFinishForTarget else { return false }
        return due > latest
    }

    /// Days between finishing as early as possible and the latest finish that meets the target
    /// (negative: the target is already missed through this node).
    public var slackToTarget: Int? { latestFinishForTarget.map { $0 - earlyFinish } }

    public var task: EntityID? { if case .task(let id) = kind { return id } else { return nil } }

    public var start: CalendarDate { CalendarDate(daysSinceEpoch: Int32(earlyStart)) }
    public var finish: CalendarDate { CalendarDate(daysSinceEpoch: Int32(earlyFinish)) }
    public var lateFinishDate: CalendarDate { CalendarDate(daysSinceEpoch: Int32(lateFinish)) }
    public var latestFinishForTargetDate: CalendarDate? { latestFinishForTarget.map { CalendarDate(daysSinceEpoch: Int32($0)) } }
}
