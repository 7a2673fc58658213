import TandemModel

/// Where the plan stands on one day: progress per phase and per side, what is
/// late or due soon, the next check-in, and what the acting member should do next.
/// A pure function of the plan, so text and `--json` say the same thing.
struct StatusReport {
    struct Progress {
        let label: String
        let id: EntityID?
        let done: Int
        let total: Int
        var percent: Int { total == 0 ? 0 : done * 100 / total }
    }

    let today: CalendarDate
    let info: PlanInfoView
    let phases: [Progress]
    let sides: [Progress]
    let overall: Progress
    let overdue: [TaskView]
    let dueSoon: [TaskView]
    let nextCheckIn: CheckInView?
    let me: MemberView?
    let myTasks: [TaskView]
    let myChecklist: [(task: TaskView, item: ChecklistItemView)]

    static let dueSoonDays = 7

    init(plan: OnboardingPlan, today: CalendarDate, me: EntityID?) throws {
        self.today = today
        self.info = plan.info!
        let tasks = plan.allTasks
        let members = plan.members
        let sideOf = Dictionary(members.map { ($0.id, $0.side) }, uniquingKeysWith: { a, _ in a })
        func progress(_ label: String, _ id: EntityID?, _ subset: [TaskView]) -> Progress {
            Progress(label: label, id: id, done: subset.filter(\.isDone).count, total: subset.count)
        }
        var byPhase: [EntityID: [TaskView]] = [:]
        for task in tasks { if let phase = task.phase { byPhase[phase, default: []].append(task) } }
        phases = plan.phases.map { progress($0.title, $0.id, byPhase[$0.id] ?? []) }
        // A task belongs to the side of its responsible members (else its accountable one).
        func owners(_ t: TaskView) -> [EntityID] { t.responsible.isEmpty ? (t.accountable.map { [$0] } ?? []) : t.responsible }
        sides = [Side.internal, .customer].map { side in
            progress(side.rawValue, nil, tasks.filter { owners($0).contains { sideOf[$0] == side } })
        }
        overall = progress("all", nil, tasks)
        let byDue: (TaskView, TaskView) -> Bool = { ($0.due ?? CalendarDate(daysSinceEpoch: .max), $0.title) < ($1.due ?? CalendarDate(daysSinceEpoch: .max), $1.title) }
        overdue = tasks.filter { $0.isOverdue(on: today) }.sorted(by: byDue)
        let horizon = today.adding(days: Self.dueSoonDays)
        dueSoon = tasks.filter { t in !t.isDone && t.due.map { $0 >= today && $0 <= horizon } == true }.sorted(by: byDue)
        nextCheckIn = plan.checkIns.first { ($0.at?.date).map { $0 >= today } ?? false }
        self.me = me.flatMap { id in members.first { $0.id == id } }
        if let me {
            myTasks = tasks.filter { !$0.isDone && ($0.responsible.contains(me) || $0.accountable == me) }.sorted(by: byDue)
            myChecklist = tasks.filter { !$0.isDone }.flatMap { t in plan.checklist(of: t.id).filter { !$0.done && $0.owner == me }.map { (t, $0) } }
        } else {
            myTasks = []
            myChecklist = []
        }
    }

    var json: JSONValue {
        func p(_ x: Progress) -> JSONValue {
            .object(["label": .string(x.label), "id": JSONViews.id(x.id), "done": .int(Int64(x.done)), "total": .int(Int64(x.total))])
        }
        func t(_ x: TaskView) -> JSONValue { JSONViews.task(x, today: today) }
        return .object([
            "today": .string(today.description), "plan": JSONViews.plan(info),
            "progress": p(overall), "phases": .array(phases.map(p)), "sides": .array(sides.map(p)),
            "overdue": .array(overdue.map(t)), "dueSoon": .array(dueSoon.map(t)),
            "nextCheckIn": nextCheckIn.map { c in .object(["id": JSONViews.id(c.id), "at": JSONViews.string(c.at?.description), "agenda": JSONViews.string(c.agenda)]) } ?? .null,
            "me": me.map(JSONViews.member) ?? .null,
            "next": .array(myTasks.map(t)),
            "checklist": .array(myChecklist.map { .object(["task": JSONViews.id($0.task.id), "id": JSONViews.id($0.item.id), "title": .string($0.item.title)]) }),
        ])
    }
}
