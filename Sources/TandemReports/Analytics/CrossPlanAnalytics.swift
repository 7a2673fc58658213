import TandemModel

/// Analytics over many plans: where plans stall and drop off, how segments
/// differ, time-to-value as a distribution, on-time rate by side, and
/// satisfaction per phase and template. Definitions are in docs/reports.md.
public struct CrossPlanAnalytics: Sendable {
    public struct Options: Hashable, Sendable {
        /// An open, actionable task with no activity for more than this many days is stalled.
        public var stalledAfterDays: Int
        public var histogramBinDays: Int

        public init(stalledAfterDays: Int = 14, histogramBinDays: Int = 7) {
            self.stalledAfterDays = stalledAfterDays
            self.histogramBinDays = histogramBinDays
        }
    }

    /// Drop-off figures of one task (or phase) across the plans that have it.
    public struct DropOff: Hashable, Sendable {
        public let template: String
        public let phase: String
        /// nil for a phase row.
        public let task: String?
        public let instances: Int
        public let stalled: Int
        public let overdue: Int
        public let reopened: Int
        public var stalledRate: Double { rate(stalled, instances) }
        public var overdueRate: Double { rate(overdue, instances) }
        public var reopenRate: Double { rate(reopened, instances) }
    }

    /// A rate with its counts, so small samples are visible as such.
    public struct Rate: Hashable, Sendable {
        public let hits: Int
        public let total: Int
        public var value: Double? { total == 0 ? nil : Double(hits) / Double(total) }
    }

    public struct Segment: Hashable, Sendable {
        /// `template`, `participants`, `expertise` or `approval`.
        public let dimension: String
        public let value: String
        public let plans: Int
        public let timeToValue: Distribution
        /// Tasks done on time among tasks due so far.
        public let onTime: Rate
        public let onTimeInternal: Rate
        public let onTimeCustomer: Rate
        /// Plans with at least one stalled task.
        public let stalledPlans: Rate
    }

    public struct Satisfaction: Hashable, Sendable {
        public let template: String
        public let phase: String
        /// counts[0] = number of 1s … counts[4] = number of 5s.
        public let counts: [Int]
        public var responses: Int { counts.reduce(0, +) }
        public var satisfied: Rate { Rate(hits: counts[3] + counts[4], total: responses) }
        public var mean: Double? { responses == 0 ? nil : Double(zip(1..., counts).map { $0 * $1 }.reduce(0, +)) / Double(responses) }
    }

    public let options: Options
    public let planCount: Int
    /// Tasks ranked by drop-off: stalled rate, then overdue rate, then reopen rate (highest first).
    public let tasks: [DropOff]
    public let phases: [DropOff]
    public let timeToValue: Distribution
    public let segments: [Segment]
    public let onTimeBySide: [Side: Rate]
    public let satisfaction: [Satisfaction]

    public init(_ plans: [PlanFacts], options: Options = Options()) {
        self.options = options
        planCount = plans.count
        struct Key: Hashable { let template: String, phase: String, task: String? }
        var taskCounts: [Key: [Int]] = [:]   // instances, stalled, overdue, reopened
        var phaseCounts: [Key: [Int]] = [:]
        var ratings: [Key: [Int]] = [:]
        var sideCounts: [Side: (Int, Int)] = [:]
        var segmentPlans: [String: [String: [Int]]] = [:]   // dimension → value → plan indices
        var perPlan: [(onTime: Int, due: Int, onTimeI: Int, dueI: Int, onTimeC: Int, dueC: Int, stalled: Bool)] = []
        perPlan.reserveCapacity(plans.count)

        for (index, plan) in plans.enumerated() {
            var phaseFlags: [String: [Int]] = [:]
            var counts = (onTime: 0, due: 0, onTimeI: 0, dueI: 0, onTimeC: 0, dueC: 0, stalled: false)
            for task in plan.tasks {
                let stalled = Self.isStalled(task, plan: plan, afterDays: options.stalledAfterDays)
                let overdue = Self.isOverdue(task, asOf: plan.asOf)
                let reopened = task.reopenCount > 0
                let key = Key(template: plan.template, phase: task.phase, task: task.title)
                var c = taskCounts[key] ?? [0, 0, 0, 0]
                c[0] += 1; c[1] += stalled ? 1 : 0; c[2] += overdue ? 1 : 0; c[3] += reopened ? 1 : 0
                taskCounts[key] = c
                var f = phaseFlags[task.phase] ?? [0, 0, 0]
                if stalled { f[0] = 1 }
                if overdue { f[1] = 1 }
                if reopened { f[2] = 1 }
                phaseFlags[task.phase] = f
                if stalled { counts.stalled = true }
                if let outcome = Self.onTimeOutcome(task, asOf: plan.asOf) {
                    counts.due += 1; counts.onTime += outcome ? 1 : 0
                    if task.side == .internal { counts.dueI += 1; counts.onTimeI += outcome ? 1 : 0 }
                    if task.side == .customer { counts.dueC += 1; counts.onTimeC += outcome ? 1 : 0 }
                    if let side = task.side {
                        let s = sideCounts[side] ?? (0, 0)
                        sideCounts[side] = (s.0 + (outcome ? 1 : 0), s.1 + 1)
                    }
                }
            }
            for (phase, f) in phaseFlags {
                let key = Key(template: plan.template, phase: phase, task: nil)
                var c = phaseCounts[key] ?? [0, 0, 0, 0]
                c[0] += 1; c[1] += f[0]; c[2] += f[1]; c[3] += f[2]
                phaseCounts[key] = c
            }
            for r in plan.ratings where (1...5).contains(r.rating) {
                let key = Key(template: plan.template, phase: r.phase, task: nil)
                var c = ratings[key] ?? [0, 0, 0, 0, 0]
                c[r.rating - 1] += 1
                ratings[key] = c
            }
            perPlan.append(counts)
            for (dimension, value) in Self.segmentValues(plan) { segmentPlans[dimension, default: [:]][value, default: []].append(index) }
        }

        func dropOffs(_ counts: [Key: [Int]]) -> [DropOff] {
            counts.map { key, c in DropOff(template: key.template, phase: key.phase, task: key.task, instances: c[0], stalled: c[1], overdue: c[2], reopened: c[3]) }
                .sorted { a, b in
                    if a.stalledRate != b.stalledRate { return a.stalledRate > b.stalledRate }
                    if a.overdueRate != b.overdueRate { return a.overdueRate > b.overdueRate }
                    if a.reopenRate != b.reopenRate { return a.reopenRate > b.reopenRate }
                    return (a.template, a.phase, a.task ?? "") < (b.template, b.phase, b.task ?? "")
                }
        }
        tasks = dropOffs(taskCounts)
        phases = dropOffs(phaseCounts)

        let binDays = options.histogramBinDays
        func ttv(_ indices: [Int]) -> Distribution {
            var values: [Int] = []
            var unfinished = 0
            for i in indices { if let v = plans[i].timeToValue { values.append(v) } else { unfinished += 1 } }
            return Distribution(values, unfinished: unfinished, binWidth: binDays)
        }
        timeToValue = ttv(Array(plans.indices))
        var segments: [Segment] = []
        for dimension in Self.dimensions {
            for (value, indices) in (segmentPlans[dimension] ?? [:]).sorted(by: { Self.segmentOrder($0.key) < Self.segmentOrder($1.key) }) {
                var t = (0, 0, 0, 0, 0, 0, 0)
                for i in indices {
                    let p = perPlan[i]
                    t.0 += p.onTime; t.1 += p.due; t.2 += p.onTimeI; t.3 += p.dueI; t.4 += p.onTimeC; t.5 += p.dueC; t.6 += p.stalled ? 1 : 0
                }
                segments.append(Segment(dimension: dimension, value: value, plans: indices.count, timeToValue: ttv(indices),
                                        onTime: Rate(hits: t.0, total: t.1), onTimeInternal: Rate(hits: t.2, total: t.3),
                                        onTimeCustomer: Rate(hits: t.4, total: t.5), stalledPlans: Rate(hits: t.6, total: indices.count)))
            }
        }
        self.segments = segments
        onTimeBySide = sideCounts.mapValues { Rate(hits: $0.0, total: $0.1) }
        satisfaction = ratings.map { Satisfaction(template: $0.key.template, phase: $0.key.phase, counts: $0.value) }
            .sorted { ($0.template, $0.phase) < ($1.template, $1.phase) }
    }

    /// Open, actionable, and untouched for more than `stalledAfterDays`.
    static func isStalled(_ task: PlanFacts.TaskFacts, plan: PlanFacts, afterDays: Int) -> Bool {
        guard !task.isDone, task.isActionable, let last = task.lastActivity ?? plan.start else { return false }
        return last.days(to: plan.asOf) > afterDays
    }

    /// Done after its due date, or open past it.
    static func isOverdue(_ task: PlanFacts.TaskFacts, asOf: CalendarDate) -> Bool {
        guard let due = task.due else { return false }
        if task.isDone { return (task.completed ?? due) > due }
        return due < asOf
    }

    /// true: done on time; false: late or overdue; nil: not due yet or no due date.
    static func onTimeOutcome(_ task: PlanFacts.TaskFacts, asOf: CalendarDate) -> Bool? {
        guard let due = task.due else { return nil }
        if task.isDone { return (task.completed ?? due) <= due }
        return due < asOf ? false : nil
    }

    static let dimensions = ["template", "participants", "expertise", "approval"]

    /// The segment each plan falls in, per dimension. Participants are bucketed: 1–5, 6–20, 21+.
    static func segmentValues(_ plan: PlanFacts) -> [(String, String)] {
        let participants: String = switch plan.participants {
        case nil: "unknown"
        case let n? where n <= 5: "1–5"
        case let n? where n <= 20: "6–20"
        default: "21+"
        }
        return [("template", plan.template), ("participants", participants),
                ("expertise", plan.expertise?.rawValue ?? "unknown"), ("approval", plan.approval?.rawValue ?? "unknown")]
    }

    /// Buckets and levels in their natural order, others alphabetically after.
    static func segmentOrder(_ value: String) -> (Int, String) {
        let natural = ["1–5", "6–20", "21+", "low", "medium", "high", "none", "manager", "executive", "security-review", "smb", "mid-market", "enterprise"]
        return (natural.firstIndex(of: value) ?? natural.count, value)
    }
}

func rate(_ hits: Int, _ total: Int) -> Double { total == 0 ? 0 : Double(hits) / Double(total) }
