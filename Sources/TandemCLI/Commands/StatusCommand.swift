import ArgumentParser
import TandemModel

struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Progress per phase and side, overdue and due-soon tasks, the next check-in, and what's next for you."
    )
    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONFlag

    func run() throws {
        let session = try Session(global)
        let plan = try session.read()
        _ = try plan.requirePlan()
        let report = try StatusReport(plan: plan, today: try session.today(), me: plan.replica.author)
        let followUps = StatusFollowUps(plan: plan, today: report.today)
        if format.json { return Out.json(followUps.adding(to: report.json)) }
        let info = report.info
        let colour = Out.colour
        let countdown = info.target.map { " · go-live \($0) (\(report.today.days(to: $0)) days)" } ?? ""
        Out.line(Table.paint("\(info.title) — \(info.customer)", .bold, colour) + countdown)
        Out.line("today \(report.today) · \(report.overall.done)/\(report.overall.total) tasks done (\(report.overall.percent)%)")
        Out.line()
        var progress = Table("PHASE", "DONE", "PROGRESS")
        for p in report.phases { progress.add(p.label, "\(p.done)/\(p.total)", Self.bar(p.percent)) }
        for s in report.sides { progress.add([Table.Cell("side: \(s.label)", .dim), Table.Cell("\(s.done)/\(s.total)"), Table.Cell(Self.bar(s.percent))]) }
        Out.table(progress)
        Out.line()
        section("Overdue", report.overdue, plan, report.today, .red)
        section("Due in the next \(StatusReport.dueSoonDays) days", report.dueSoon, plan, report.today, .yellow)
        if let c = report.nextCheckIn {
            Out.line(Table.paint("Next check-in", .bold, colour) + ": \(c.at?.description ?? "—") \(c.agenda ?? "") (\(c.attendees.map { plan.memberName($0) }.joined(separator: ", ")))")
        } else {
            Out.line(Table.paint("warning: no check-in is scheduled", .yellow, colour) + "; schedule the next step before this call ends: 'tandem checkin next YYYY-MM-DDTHH:MMZ'")
        }
        Out.line()
        followUps.print(plan: plan)
        if let me = report.me {
            section("What's next for \(me.name)", report.myTasks, plan, report.today, .cyan)
            for (task, item) in report.myChecklist { Out.line("  [ ] \(item.title)  (checklist of \(task.title), \(item.id.short()))") }
        } else {
            Out.line("Tell tandem who you are (--as MEMBER or 'tandem config set member NAME') to see what's next for you.")
        }
        if let sync = try SyncSettings.statusLine(session.store) { Out.line(); Out.line(sync) }
    }

    private func section(_ title: String, _ tasks: [TaskView], _ plan: OnboardingPlan, _ today: CalendarDate, _ style: Table.Style) {
        Out.line(Table.paint(title, .bold, Out.colour) + " (\(tasks.count))")
        guard !tasks.isEmpty else { return }
        var table = Table("ID", "DUE", "STATUS", "TASK", "RESPONSIBLE")
        for t in tasks.prefix(15) {
            table.add([Table.Cell(t.id.short(), .dim), Table.Cell(t.due?.description ?? "—", style), Table.Cell(t.status.rawValue),
                       Table.Cell(t.title), Table.Cell(t.responsible.map { plan.memberName($0) }.joined(separator: ", "))])
        }
        Out.table(table)
        if tasks.count > 15 { Out.line("… and \(tasks.count - 15) more ('tandem tasks --overdue')") }
        Out.line()
    }

    static func bar(_ percent: Int) -> String {
        let filled = percent / 10
        return String(repeating: "#", count: filled) + String(repeating: ".", count: 10 - filled) + " \(percent)%"
    }
}

struct TasksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks",
        abstract: "List tasks and subtasks, with filters.",
        discussion: "Examples: tandem tasks --mine · tandem tasks --side customer --overdue · tandem tasks --phase Setup --status todo"
    )
    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONFlag
    @Flag(help: "Only tasks where the acting member is responsible or accountable.") var mine = false
    @Option(help: "Only tasks owned by this side: internal or customer.") var side: String?
    @Flag(help: "Only overdue tasks.") var overdue = false
    @Option(help: "Only this phase (title or id prefix).") var phase: String?
    @Option(help: "Only this status: todo, in-progress, blocked, done.") var status: String?

    func run() throws {
        let session = try Session(global)
        let sideFilter = try Parse.symbol(side, as: Side.self)
        let statusFilter = try Parse.symbol(status, as: TaskStatus.self, code: .invalidStatus)
        let plan = try session.read()
        let today = try session.today()
        let me = mine ? try session.actingMember(in: plan, required: true) : nil
        let phaseFilter = try phase.map { try EntityResolver(plan: plan).phase($0) }
        let sideOf = Dictionary(plan.members.map { ($0.id, $0.side) }, uniquingKeysWith: { a, _ in a })
        let tasks = plan.allTasks.filter { t in
            if let me, !(t.responsible.contains(me) || t.accountable == me) { return false }
            if let sideFilter {
                let owners = t.responsible.isEmpty ? (t.accountable.map { [$0] } ?? []) : t.responsible
                if !owners.contains(where: { sideOf[$0] == sideFilter }) { return false }
            }
            if overdue, !t.isOverdue(on: today) { return false }
            if let phaseFilter, t.phase != phaseFilter { return false }
            if let statusFilter, t.status != statusFilter { return false }
            return true
        }
        if format.json { return Out.json(.array(tasks.map { JSONViews.task($0, today: today) })) }
        let phaseTitles = Dictionary(plan.phases.map { ($0.id, $0.title) }, uniquingKeysWith: { a, _ in a })
        var table = Table("ID", "STATUS", "DUE", "TASK", "PHASE", "RESPONSIBLE", "A")
        for t in tasks {
            let late = t.isOverdue(on: today)
            let statusStyle: Table.Style = t.status == .done ? .green : t.status == .blocked ? .yellow : .plain
            table.add([Table.Cell(t.id.short(), .dim), Table.Cell(t.status.rawValue, statusStyle),
                       Table.Cell(t.due?.description ?? "—", late ? .red : .plain),
                       Table.Cell((t.parentTask == nil ? "" : "  ↳ ") + t.title), Table.Cell(t.phase.flatMap { phaseTitles[$0] } ?? ""),
                       Table.Cell(t.responsible.map { plan.memberName($0) }.joined(separator: ", ")),
                       Table.Cell(t.accountable.map { plan.memberName($0) } ?? "")])
        }
        Out.table(table)
        Out.line("\(tasks.count) task(s)")
    }
}
