import ArgumentParser
import TandemModel
import TandemReports

/// `tandem whatif TASK --slip N`: the implication of missing a date.
struct WhatIfCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whatif",
        abstract: "If a task slips N days, how far does the go-live move, and what becomes critical?",
        discussion: "Example: tandem whatif 3f9a0c1d --slip 5"
    )
    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONFlag
    @Argument(help: "Task id prefix.") var task: String
    @Option(help: "Days the task finishes later than now projected.") var slip: Int

    func validate() throws {
        if slip < 0 { throw ValidationError("--slip is a number of days, 0 or more") }
    }

    func run() throws {
        let session = try Session(global)
        let plan = try session.read()
        let id = try EntityResolver(plan: plan).task(task)
        let schedule = Schedule(plan: plan, today: try session.today())
        let whatIf: WhatIf
        do {
            whatIf = try WhatIf(task: id, slipDays: slip, in: schedule)
        } catch {
            throw CLIError("cannot-slip", error.message)
        }
        let label = { (id: EntityID) in EntityResolver.label(of: id, in: plan.document) }
        if format.json {
            return Out.json(.object([
                "task": .string(id.description), "title": .string(label(id)), "slipDays": .int(Int64(slip)),
                "floatDays": .int(Int64(whatIf.floatBefore)), "goLiveMovesDays": .int(Int64(whatIf.goLiveMovesDays)),
                "goLiveBefore": JSONViews.date(whatIf.before.goLiveDate), "goLiveAfter": JSONViews.date(whatIf.after.goLiveDate),
                "target": JSONViews.date(schedule.target),
                "slipAgainstTargetBefore": JSONViews.int(whatIf.slipAgainstTarget.before), "slipAgainstTargetAfter": JSONViews.int(whatIf.slipAgainstTarget.after),
                "newlyCritical": .array(whatIf.newlyCritical.map { .string($0.description) }),
            ]))
        }
        Out.line("If '\(label(id))' slips \(ScheduleText.days(slip)) (it has \(ScheduleText.days(whatIf.floatBefore)) of float):")
        let moves = whatIf.goLiveMovesDays
        let before = whatIf.before.goLiveDate.map(\.description) ?? "—"
        let after = whatIf.after.goLiveDate.map(\.description) ?? "—"
        Out.line(moves == 0 ? "  the go-live does not move (\(before)); the float absorbs it"
                            : "  the go-live moves \(ScheduleText.days(moves)): \(before) → \(after)")
        if let target = schedule.target, let now = whatIf.slipAgainstTarget.before, let then = whatIf.slipAgainstTarget.after {
            func describe(_ s: Int) -> String { s > 0 ? "\(ScheduleText.days(s)) late" : s == 0 ? "exactly on time" : "\(ScheduleText.days(-s)) early" }
            Out.line("  against the \(target) target: \(describe(now)) now, \(describe(then)) after the slip")
        }
        let newly = whatIf.newlyCritical
        Out.line(newly.isEmpty ? "  no task becomes critical" : "  newly critical: " + newly.map(label).joined(separator: ", "))
    }
}
