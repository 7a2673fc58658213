import ArgumentParser
import TandemModel
import TandemReports

/// `tandem schedule`: the critical path and what it means for the go-live.
struct ScheduleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Critical path, float per task, projected go-live against the target, due dates that are too late, gates and cycles.",
        discussion: """
        A task starting on day S with an estimate of E days finishes on day S+E; a successor \
        starts on its predecessor's finish day plus the lag. Work not started cannot start \
        before today; done work finishes on its completion day. MUST FINISH BY is the latest \
        finish that still meets the target go-live. See docs/reports.md.
        """
    )
    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONFlag
    @Option(help: "Show how every date moved since this baseline ('tandem baseline save NAME').") var baseline: String?

    func run() throws {
        let session = try Session(global)
        let plan = try session.read()
        _ = try plan.requirePlan()
        let today = try session.today()
        let schedule = Schedule(plan: plan, today: today)
        let comparison = try baseline.map { try BaselineCommand.comparison(named: $0, plan: plan, schedule: schedule) }
        if format.json { return Out.json(schedule.json(plan: plan, baseline: comparison)) }
        let colour = Out.colour
        Out.line(Table.paint("Schedule on \(today)", .bold, colour) + " · " + ScheduleText.outlook(schedule))
        if !schedule.criticalPath.isEmpty {
            let steps = schedule.criticalPathNodes.map { node -> String in
                switch node {
                case .task(let id): return EntityResolver.label(of: id, in: plan.document)
                case .gate(let phase): return "approval of \(EntityResolver.label(of: phase, in: plan.document))"
                }
            }
            Out.line("Critical path: " + steps.joined(separator: " → "))
        }
        if let comparison, let delta = comparison.goLiveDelta {
            Out.line("Since baseline '\(comparison.name)': go-live \(ScheduleText.signed(delta)) (\(comparison.baselineGoLive.map(\.description) ?? "—") → \(comparison.goLive.map(\.description) ?? "—"))")
        }
        Out.line()
        var rows: [EntityID: BaselineComparison.Row] = [:]
        for row in comparison?.rows ?? [] { rows[row.task] = row }
        var headers = ["ID", "TASK", "STATUS", "START", "FINISH", "DUE", "FLOAT", "MUST FINISH BY", "NOTE"]
        if comparison != nil { headers += ["ΔDUE", "ΔFINISH"] }
        var table = Table(headers: headers)
        for timing in schedule.tasks {
            let task = plan.task(timing.task!)
            var notes: [String] = []
            if timing.isCritical { notes.append("critical") }
            if timing.dueIsTooLate { notes.append("due too late") }
            if timing.inCycle { notes.append("cycle") }
            if !timing.isFinished, task.estimateDays == nil { notes.append("no estimate") }
            if !timing.isFinished, let due = task.due, timing.finish > due { notes.append("finishes after due") }
            let style: Table.Style = timing.isFinished ? .green : timing.isCritical ? .red : .plain
            var cells = [Table.Cell(task.id.short(), .dim), Table.Cell((task.parentTask == nil ? "" : "  ↳ ") + task.title),
                         Table.Cell(task.status.rawValue, style), Table.Cell(timing.start.description), Table.Cell(timing.finish.description),
                         Table.Cell(task.due?.description ?? "—", timing.dueIsTooLate ? .yellow : .plain),
                         Table.Cell(timing.isFinished ? "—" : "\(timing.totalFloat)d"),
                         Table.Cell(timing.isFinished ? "—" : timing.latestFinishForTargetDate?.description ?? "—"),
                         Table.Cell(notes.joined(separator: ", "), notes.isEmpty ? .plain : .yellow)]
            if comparison != nil {
                let row = rows[task.id]
                cells += [Table.Cell(row.map { $0.isNew ? "new" : ScheduleText.delta($0.dueDelta) } ?? ""),
                          Table.Cell(row.map { $0.isNew ? "new" : ScheduleText.delta($0.finishDelta) } ?? "")]
            }
            table.add(cells)
        }
        Out.table(table)
        ScheduleText.printProblems(schedule, plan: plan)
    }
}

/// Phrases shared by the schedule, what-if and report commands.
enum ScheduleText {
    static func outlook(_ schedule: Schedule) -> String {
        guard let goLive = schedule.goLiveDate else { return "no tasks to schedule yet" }
        var text = "projected go-live \(goLive)"
        if let target = schedule.target, let slip = schedule.slipDays {
            text += slip > 0 ? " — \(days(slip)) after the \(target) target" : slip == 0 ? " — on the \(target) target" : " — \(days(-slip)) ahead of the \(target) target"
        }
        return text
    }

    static func days(_ n: Int) -> String { "\(n) day\(abs(n) == 1 ? "" : "s")" }

    static func signed(_ n: Int) -> String { n == 0 ? "unchanged" : n > 0 ? "\(days(n)) later" : "\(days(-n)) earlier" }

    static func delta(_ n: Int?) -> String {
        guard let n else { return "—" }
        return n == 0 ? "0" : n > 0 ? "+\(n)d" : "\(n)d"
    }

    /// Gates still waiting, cycles, late due dates and missing estimates.
    static func printProblems(_ schedule: Schedule, plan: OnboardingPlan) {
        let label = { (id: EntityID) in EntityResolver.label(of: id, in: plan.document) }
        for gate in schedule.gates {
            guard case .gate(let phase) = gate.kind, let view = plan.gate(of: phase), !view.isApproved else { continue }
            let expected = view.expected.map { ", expected \($0)" } ?? ""
            Out.line("Blocker: phase '\(label(phase))' waits for approval by \(plan.memberName(view.approver))\(expected); its tasks start no earlier than \(gate.finish)\(gate.isCritical ? " (on the critical path)" : ""). Approve with 'tandem phase approve \(phase.short())'.")
        }
        for cycle in schedule.cycles {
            let names = cycle.tasks.map(label)
            Out.line("Cycle: \((names + [names[0]]).joined(separator: " → ")); its \(cycle.ignoredDependencies.count) dependencies were ignored to schedule the rest. Remove one with 'tandem dep remove TASK --on BEFORE'.")
        }
        let late = schedule.dueTooLate
        if !late.isEmpty {
            Out.line("Due too late: \(late.count) task(s) are due after the latest finish that meets the target (\(late.prefix(5).map(label).joined(separator: ", "))\(late.count > 5 ? ", …" : "")).")
        }
        let unestimated = schedule.withoutEstimate
        if !unestimated.isEmpty {
            Out.line("No estimate: \(unestimated.count) open task(s) are scheduled as 0 days; set one with 'tandem task edit TASK --estimate DAYS'.")
        }
    }
}
