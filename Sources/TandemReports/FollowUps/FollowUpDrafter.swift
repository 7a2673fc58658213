import TandemModel

/// Writes follow-up drafts that never nag without context (seed strategy 7):
/// each names the outcome the task serves (strategy 1) and the timeline
/// implication of waiting (strategy 4), and offers the task's resources.
public struct FollowUpDrafter: Sendable {
    public let plan: OnboardingPlan
    public let schedule: Schedule
    public let today: CalendarDate
    /// Who signs the drafts (nil: unsigned).
    public let sender: EntityID?

    public init(plan: OnboardingPlan, schedule: Schedule, today: CalendarDate, sender: EntityID? = nil) {
        self.plan = plan
        self.schedule = schedule
        self.today = today
        self.sender = sender
    }

    /// One draft per unfinished task that is overdue or due within `withinDays`,
    /// most overdue first: addressed to its Responsible members, copying the Accountable one.
    public func drafts(withinDays: Int) -> [FollowUp] {
        let horizon = today.adding(days: withinDays)
        return plan.allTasks
            .filter { !$0.isDone && $0.due.map { $0 <= horizon } == true }
            .sorted { ($0.due!, $0.title) < ($1.due!, $1.title) }
            .map { draft(for: $0, kind: $0.isOverdue(on: today) ? .overdue : .dueSoon) }
    }

    /// A draft for one task. `escalation` goes to the Accountable member and copies the Responsible ones.
    public func draft(for task: TaskView, kind: FollowUp.Kind, key: String? = nil) -> FollowUp {
        let responsible = task.responsible
        let accountable = task.accountable
        var to: [EntityID]
        var cc: [EntityID]
        if kind == .escalation, let accountable {
            to = [accountable]
            cc = responsible.filter { $0 != accountable }
        } else {
            to = responsible.isEmpty ? (accountable.map { [$0] } ?? []) : responsible
            cc = accountable.map { to.contains($0) ? [] : [$0] } ?? []
        }
        to = orderedUnique(to)
        cc = orderedUnique(cc)
        let goals = goalContext(of: task.id)
        let implication = TimelineImplication(task: task.id, schedule: schedule)
        let due = task.due
        let quoted = "\u{201C}\(task.title)\u{201D}"

        var lines: [String] = []
        let names = to.compactMap(firstName)
        lines.append(names.isEmpty || names.count < to.count ? "Hello," : "Hi \(list(names)),")
        lines.append("")
        switch kind {
        case .dueSoon:
            let days = due.map { today.days(to: $0) } ?? 0
            lines.append("\(quoted) is due \(days == 0 ? "today" : "on \(due!) (in \(days) day\(days == 1 ? "" : "s"))").")
        case .overdue, .escalation:
            let days = due.map { $0.days(to: today) } ?? 0
            lines.append("\(quoted) was due on \(due.map(\.description) ?? "—") and is \(days) day\(days == 1 ? "" : "s") overdue.")
            if kind == .escalation, !responsible.isEmpty {
                lines.append("\(list(responsible.map { plan.memberName($0) })) \(responsible.count == 1 ? "is" : "are") responsible for it; as its accountable owner, could you help unblock it?")
            }
        case .digest:
            break
        }
        lines.append(goals.sentence)
        lines.append("")
        lines.append("Timeline: " + implication.sentence)
        if task.status == .blocked { lines.append("It is marked blocked: tell us what is in the way and we will help remove it.") }
        let resources = plan.resources(of: task.id)
        if !resources.isEmpty {
            lines.append("")
            lines.append("This may help:")
            for r in resources.prefix(3) { lines.append("  - \(r.title): \(r.url)") }
        }
        lines.append("")
        switch kind {
        case .dueSoon: lines.append("Is it still on track for \(due.map(\.description) ?? "its date")? If anything is in the way, reply and we will sort it out together.")
        default: lines.append("Could you reply with the date you expect to finish it, or what would help?")
        }
        if !cc.isEmpty {
            lines.append("(Copying \(list(cc.map { plan.memberName($0) })), accountable for this task.)")
        }
        if let sender { lines += ["", "— \(plan.memberName(sender))"] }

        let subject: String
        switch kind {
        case .dueSoon: subject = "\(task.title): due \(due.map(\.description) ?? "soon")"
        case .overdue: subject = "\(task.title): overdue since \(due.map(\.description) ?? "—") — what would help?"
        case .escalation: subject = "Escalation: \(task.title) is overdue since \(due.map(\.description) ?? "—")"
        case .digest: subject = task.title
        }
        let defaultKey = "\(kind.rawValue):\(task.id):\(kind == .overdue ? today : due ?? today)"
        return FollowUp(kind: kind, key: key ?? defaultKey, task: task.id, day: today, to: to, cc: cc,
                        subject: subject, body: lines.joined(separator: "\n"), goals: goals.titles, implication: implication.sentence)
    }

    /// The weekly digest: what is overdue and due in the next 7 days, with the go-live outlook.
    public func digest(key: String? = nil) -> FollowUp? {
        let horizon = today.adding(days: 7)
        let open = plan.allTasks.filter { !$0.isDone && $0.due.map { $0 <= horizon } == true }
            .sorted { ($0.due!, $0.title) < ($1.due!, $1.title) }
        let overdue = open.filter { $0.isOverdue(on: today) }
        let soon = open.filter { !$0.isOverdue(on: today) }
        var recipients: [EntityID] = []
        for t in open { recipients += t.responsible; if let a = t.accountable { recipients.append(a) } }
        recipients = orderedUnique(recipients)
        let outlook = outlookSentence()
        var lines = ["Hello all,", "", "Where the plan stands on \(today): " + outlook, ""]
        let goals = plan.goals.filter { $0.side != .internal }.map(\.title)
        if !goals.isEmpty { lines.append("What we are working towards: \(list(goals.map { "\u{201C}\($0)\u{201D}" })).") }
        func row(_ t: TaskView) -> String {
            let owners = t.responsible.map { plan.memberName($0) }
            let critical = schedule.isCritical(t.id) ? " — critical: each day moves go-live" : ""
            return "  - \(t.title) (due \(t.due!); \(owners.isEmpty ? "unassigned" : list(owners)))\(critical)"
        }
        lines.append("")
        lines.append("Overdue (\(overdue.count)):")
        lines += overdue.isEmpty ? ["  none"] : overdue.map(row)
        lines.append("Due in the next 7 days (\(soon.count)):")
        lines += soon.isEmpty ? ["  none"] : soon.map(row)
        if let sender { lines += ["", "— \(plan.memberName(sender))"] }
        return FollowUp(kind: .digest, key: key ?? "digest:\(today)", task: nil, day: today, to: recipients, cc: [],
                        subject: "Weekly digest: \(plan.info?.title ?? "onboarding plan")", body: lines.joined(separator: "\n"),
                        goals: goals, implication: outlook)
    }

    /// "Go-live projected for D, N days ahead of / after the T target."
    public func outlookSentence() -> String {
        guard let goLive = schedule.goLiveDate else { return "no tasks are scheduled yet." }
        guard let target = schedule.target, let slip = schedule.slipDays else { return "go-live projected for \(goLive)." }
        if slip > 0 { return "go-live projected for \(goLive), \(slip) day\(slip == 1 ? "" : "s") after the \(target) target." }
        if slip == 0 { return "go-live projected for \(goLive), exactly on the target." }
        return "go-live projected for \(goLive), \(-slip) day\(slip == -1 ? "" : "s") ahead of the \(target) target."
    }

    /// The goals a task serves, or, when it is not linked to any, the plan's
    /// shared and customer goals, or at least the go-live target.
    func goalContext(of task: EntityID) -> (titles: [String], sentence: String) {
        func describe(_ g: GoalView) -> String { "\u{201C}\(g.title)\u{201D}" + (g.measure.map { " (\($0))" } ?? "") }
        let linked = plan.goals(of: task)
        if !linked.isEmpty {
            return (linked.map(\.title), "It serves our goal\(linked.count == 1 ? "" : "s") \(list(linked.map(describe))).")
        }
        let outward = plan.goals.filter { $0.side != .internal }
        if !outward.isEmpty {
            let cited = Array(outward.prefix(2))
            return (cited.map(\.title), "It is a step towards \(list(cited.map(describe))).")
        }
        if let target = plan.info?.target { return ([], "It is a step towards going live on \(target).") }
        return ([], "It is a step towards going live.")
    }

    /// The first name to greet, or nil for a template's placeholder member ("Customer IT admin (placeholder)").
    private func firstName(_ id: EntityID) -> String? {
        let name = plan.memberName(id)
        if name.hasSuffix("(placeholder)") { return nil }
        return name.split(separator: " ").first.map(String.init) ?? name
    }
}

/// "A", "A and B", "A, B and C".
func list(_ items: [String]) -> String {
    switch items.count {
    case 0: return ""
    case 1: return items[0]
    default: return items.dropLast().joined(separator: ", ") + " and " + items.last!
    }
}

func orderedUnique<T: Hashable>(_ items: [T]) -> [T] {
    var seen: Set<T> = []
    return items.filter { seen.insert($0).inserted }
}
