import TandemModel

/// What cross-plan analytics needs from one plan, extracted once: segment
/// attributes and, per task, its dates, owner side, reopenings and last activity.
public struct PlanFacts: Hashable, Sendable {
    public struct TaskFacts: Hashable, Sendable {
        public let phase: String
        public let title: String
        public let side: Side?
        public let due: CalendarDate?
        public let completed: CalendarDate?
        public let isDone: Bool
        /// Times it went from done back to not done.
        public let reopenCount: Int
        /// The day of the latest operation on the task (its creation at least).
        public let lastActivity: CalendarDate?
        /// Open, with every predecessor done: the plan waits on it.
        public let isActionable: Bool

        public init(phase: String, title: String, side: Side?, due: CalendarDate?, completed: CalendarDate?, isDone: Bool,
                    reopenCount: Int, lastActivity: CalendarDate?, isActionable: Bool) {
            self.phase = phase
            self.title = title
            self.side = side
            self.due = due
            self.completed = completed
            self.isDone = isDone
            self.reopenCount = reopenCount
            self.lastActivity = lastActivity
            self.isActionable = isActionable
        }
    }

    public struct Rating: Hashable, Sendable {
        public let phase: String
        public let side: Side?
        public let rating: Int

        public init(phase: String, side: Side?, rating: Int) {
            self.phase = phase
            self.side = side
            self.rating = rating
        }
    }

    /// The template name, or "custom".
    public let template: String
    public let participants: Int?
    public let expertise: Expertise?
    public let approval: ApprovalLevel?
    public let start: CalendarDate?
    public let asOf: CalendarDate
    public let tasks: [TaskFacts]
    public let ratings: [Rating]

    public init(template: String, participants: Int?, expertise: Expertise?, approval: ApprovalLevel?, start: CalendarDate?,
                asOf: CalendarDate, tasks: [TaskFacts], ratings: [Rating]) {
        self.template = template
        self.participants = participants
        self.expertise = expertise
        self.approval = approval
        self.start = start
        self.asOf = asOf
        self.tasks = tasks
        self.ratings = ratings
    }

    /// Days from the start to the last completion, once every task is done (nil until then).
    public var timeToValue: Int? {
        guard let start, !tasks.isEmpty, tasks.allSatisfy(\.isDone) else { return nil }
        let last = tasks.compactMap(\.completed).max() ?? start
        return start.days(to: last)
    }

    /// Extracts the facts of a plan and its operation log, as of a day.
    public init(plan: OnboardingPlan, operations: [Operation], asOf: CalendarDate) {
        let info = plan.info
        var statusWrites: [EntityID: [(OperationStamp, Bool)]] = [:]
        var latest: [EntityID: UInt64] = [:]
        for op in operations {
            let target = op.action.target ?? EntityID(op.id)
            latest[target] = max(latest[target] ?? 0, op.time.milliseconds)
            if case .set(let entity, Field.status, let value, _) = op.action {
                statusWrites[entity, default: []].append((op.stamp, value == TaskStatus.done.value))
            }
        }
        let views = plan.allTasks
        var done: [EntityID: Bool] = [:]
        for t in views { done[t.id] = t.isDone }
        var sideOf: [EntityID: Side] = [:]
        for m in plan.members { if let side = m.side { sideOf[m.id] = side } }
        var phaseTitle: [EntityID: String] = [:]
        for p in plan.phases { phaseTitle[p.id] = p.title }
        self.tasks = views.map { t in
            var reopened = 0
            if let writes = statusWrites[t.id], writes.count > 1 {
                var wasDone = false
                for (_, isDone) in writes.sorted(by: { $0.0 < $1.0 }) {
                    if wasDone && !isDone { reopened += 1 }
                    wasDone = isDone
                }
            }
            let owners = t.responsible.isEmpty ? (t.accountable.map { [$0] } ?? []) : t.responsible
            let actionable = !t.isDone && plan.dependencies(of: t.id).allSatisfy { done[$0.predecessor] ?? true }
            return TaskFacts(phase: t.phase.flatMap { phaseTitle[$0] } ?? "", title: t.title, side: owners.first.flatMap { sideOf[$0] },
                             due: t.due, completed: t.isDone ? t.completed?.date : nil, isDone: t.isDone, reopenCount: reopened,
                             lastActivity: latest[t.id].map { CalendarDate(utcMilliseconds: Int64($0)) }, isActionable: actionable)
        }
        self.ratings = plan.phases.flatMap { phase in
            plan.feedback(on: phase.id).map { Rating(phase: phase.title, side: $0.side, rating: $0.rating) }
        }
        self.template = info?.template ?? "custom"
        self.participants = info?.participants
        self.expertise = info?.expertise
        self.approval = info?.approval
        self.start = info?.start
        self.asOf = asOf
    }
}
