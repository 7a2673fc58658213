import TandemModel

/// A plan's schedule by the critical path method, in calendar days: earliest
/// and latest dates of every task, float, the critical path, the projected
/// go-live against the target, and any dependency cycles.
///
/// Conventions (see docs/reports.md): a task starting on day S with an
/// estimate of E days finishes on day S+E; a successor starts on its
/// predecessor's finish day plus the lag. Due dates and the target are
/// compared with finish days: finishing on the due day is on time. So with a
/// 30-day target and a 10-day last step, the steps before it must finish by
/// day 20.
public struct Schedule: Sendable {
    public let input: ScheduleInput
    /// One per input node, same order.
    public let nodes: [NodeTiming]
    /// The projected go-live: the latest finish of any task (nil with no tasks).
    public let goLive: Int?
    /// Critical tasks from the first to the go-live, following the dependencies that drive them.
    public let criticalPath: [EntityID]
    /// The same path with the approval gates on it (a gate waiting for approval can be critical).
    public let criticalPathNodes: [ScheduleInput.NodeKind]
    public let cycles: [DependencyCycle]
    let taskIndex: [EntityID: Int]

    /// Computes the schedule of a plan on `today`.
    public init(plan: OnboardingPlan, today: CalendarDate) {
        self.init(ScheduleInput(plan: plan, today: today))
    }

    public init(_ input: ScheduleInput) {
        self.input = input
        var taskIndex: [EntityID: Int] = [:]
        taskIndex.reserveCapacity(input.nodes.count)
        for (i, node) in input.nodes.enumerated() { if case .task(let id) = node.kind { taskIndex[id] = i } }
        self.taskIndex = taskIndex
        let result = CriticalPathMethod(input).run()
        self.nodes = result.nodes
        self.goLive = result.goLive
        self.criticalPath = result.criticalPath.compactMap { input.nodes[$0].kind.taskID }
        self.criticalPathNodes = result.criticalPath.map { input.nodes[$0].kind }
        self.cycles = result.cycles
    }

    public var today: CalendarDate { CalendarDate(daysSinceEpoch: Int32(input.today)) }
    public var target: CalendarDate? { input.target.map { CalendarDate(daysSinceEpoch: Int32($0)) } }
    public var goLiveDate: CalendarDate? { goLive.map { CalendarDate(daysSinceEpoch: Int32($0)) } }

    /// Days the projected go-live is after the target (negative: ahead of it).
    public var slipDays: Int? {
        guard let goLive, let target = input.target else { return nil }
        return goLive - target
    }

    /// The timing of one task.
    public func timing(of task: EntityID) -> NodeTiming? {
        taskIndex[task].map { nodes[$0] }
    }

    /// Task timings in plan order.
    public var tasks: [NodeTiming] { nodes.filter { $0.task != nil } }

    /// Gate timings (a gate's early finish is when its phase can start).
    public var gates: [NodeTiming] { nodes.filter { $0.task == nil } }

    /// Unfinished tasks whose due date is later than the latest finish that meets the target.
    public var dueTooLate: [EntityID] { nodes.compactMap { $0.dueIsTooLate ? $0.task : nil } }

    /// Unfinished tasks without an estimate (scheduled as 0 days).
    public var withoutEstimate: [EntityID] {
        zip(input.nodes, nodes).compactMap { node, timing in !node.hasEstimate && !timing.isFinished ? timing.task : nil }
    }

    /// Whether a task is critical now.
    public func isCritical(_ task: EntityID) -> Bool { timing(of: task)?.isCritical ?? false }
}
