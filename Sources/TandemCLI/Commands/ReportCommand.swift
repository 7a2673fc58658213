import ArgumentParser
import Foundation
import TandemModel
import TandemReports

/// `tandem report`: progress, accountability, health, engagement, RACI, timeline and feedback.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "The plan report: progress by phase and side, on-time rates, late completions, health, engagement, RACI, timeline, feedback.",
        discussion: """
        Formats: a terminal summary (default), --json, --csv (long form: section,subject,id,metric,value), \
        --markdown, or --html (one self-contained page with a Gantt chart; no external assets, so it can be emailed). \
        --output FILE writes it to a file. --as-customer shows exactly what the customer side sees: \
        nothing from the internal-only section, and no health rating.
        Health: on track when at most 10% of the tasks due so far are overdue, at risk up to 25%, off track above.
        """
    )
    @OptionGroup var global: GlobalOptions
    @Flag(help: "JSON.") var json = false
    @Flag(help: "CSV (long form).") var csv = false
    @Flag(help: "Markdown.") var markdown = false
    @Flag(help: "A self-contained HTML page.") var html = false
    @Flag(help: "Only what the customer side sees.") var asCustomer = false
    @Option(help: "Show date changes since this baseline.") var baseline: String?
    @Option(help: "Write to this file instead of standard output.") var output: String?

    func validate() throws {
        if [json, csv, markdown, html].filter({ $0 }).count > 1 { throw ValidationError("choose one of --json, --csv, --markdown, --html") }
    }

    func run() throws {
        let session = try Session(global)
        let plan = try session.read()
        _ = try plan.requirePlan()
        let today = try session.today()
        let baselineView = try baseline.map { name -> BaselineView in
            guard let view = plan.baseline(named: name) else {
                throw CLIError("unknown-baseline", "no baseline is named '\(name)'; list them with 'tandem baseline list'")
            }
            return view
        }
        let operations = try session.store.allOperations()
        // Activity counted from the log starts at a server snapshot, if one was installed.
        try HistoryBoundary.of(session.store)?.announce(json: true)
        let report = PlanReport(plan: plan, operations: operations, today: today, audience: asCustomer ? .customer : .internal, baseline: baselineView)
        let text: String
        if json { text = report.json.rendered(pretty: true) + "\n" } else if csv { text = report.csv } else if markdown { text = report.markdown }
        else if html { text = report.html } else {
            guard output == nil else { text = report.markdown; return try write(text) }
            return ReportText.print(report)
        }
        try write(text)
    }

    private func write(_ text: String) throws {
        guard let output else { return CLIContext.current.output.write(text) }
        let path = CLIContext.current.absolute(output)
        do {
            let parent = (path as NSString).deletingLastPathComponent
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw CLIError("io-error", "cannot write \(path): \(error.localizedDescription)", exitCode: ExitStatus.failure)
        }
        Out.line("wrote \(path)")
    }
}

/// The terminal form of the report, as aligned tables.
enum ReportText {
    static func print(_ r: PlanReport) {
        let colour = Out.colour
        Out.line(Table.paint("\(r.title) — \(r.customer)", .bold, colour) + " · report of \(r.today)\(r.audience == .customer ? " (customer view)" : "")")
        Out.line(ScheduleText.outlook(r.schedule))
        if !r.criticalPath.isEmpty { Out.line("critical path: " + r.criticalPath.joined(separator: " → ")) }
        for b in r.blockers { Out.line(Table.paint("blocker", .yellow, colour) + ": phase '\(b.title)' waits for approval by \(b.approver) (opens \(b.opens))") }
        for c in r.cycles { Out.line(Table.paint("cycle", .red, colour) + ": " + (c + [c[0]]).joined(separator: " → ")) }
        if let h = r.health {
            let style: Table.Style = h.status == .onTrack ? .green : h.status == .atRisk ? .yellow : .red
            Out.line("health: " + Table.paint(h.status.rawValue, style, colour) + " (\(h.overdue) of \(h.dueSoFar) tasks due so far are overdue)")
        }
        Out.line()
        var progress = Table("PHASE", "DONE", "PROGRESS")
        for p in r.phases + [r.overall] { progress.add(p.label, "\(p.done)/\(p.total)", StatusCommand.bar(p.percent)) }
        for s in r.sides { progress.add([Table.Cell("side: \(s.label)", .dim), Table.Cell("\(s.done)/\(s.total)"), Table.Cell(StatusCommand.bar(s.percent))]) }
        Out.table(progress)
        Out.line()
        var onTime = Table("PERSON / SIDE", "ON TIME", "LATE", "OVERDUE", "RATE")
        for o in r.onTimeByMember {
            let who: String = o.label + (o.side.map { " (" + $0.rawValue + ")" } ?? "")
            let share: String = o.rate.map(rate) ?? "—"
            onTime.add(who, String(o.onTime), String(o.late), String(o.overdue), share)
        }
        for o in r.onTimeBySide { onTime.add([Table.Cell("side: \(o.label)", .dim), Table.Cell("\(o.onTime)"), Table.Cell("\(o.late)"), Table.Cell("\(o.overdue)"), Table.Cell(o.rate.map(rate) ?? "—")]) }
        Out.table(onTime)
        Out.line("late completions: \(r.excusableCount) excusable, \(r.preventableCount) preventable, \(r.lateCompletions.count - r.excusableCount - r.preventableCount) unexplained")
        for l in r.lateCompletions { Out.line("  \(l.title): \(l.daysLate) day(s) late, \(l.reason?.rawValue ?? "unexplained")\(l.note.map { " — \($0)" } ?? "")") }
        Out.line("engagement: " + r.engagement.map { "\($0.side.rawValue) " + ($0.daysSince.map { "active \($0) day(s) ago" } ?? "never active") }.joined(separator: " · "))
        Out.line()
        var raci = Table(headers: ["TASK"] + r.members.map(\.name))
        for row in r.raci { raci.add([Table.Cell(row.title, row.hasAccountable ? .plain : .yellow)] + row.letters.map { Table.Cell($0) }) }
        Out.table(raci)
        Out.line()
        var feedback = Table("PHASE", "1", "2", "3", "4", "5", "N", "MEAN")
        for f in r.feedback {
            let mean: String = f.mean.map { String(Double(Int($0 * 100)) / 100) } ?? "—"
            var cells: [String] = [f.title]
            cells += f.counts.map(String.init)
            cells += [String(f.responses), mean]
            feedback.add(cells.map { Table.Cell($0) })
        }
        Out.table(feedback)
        Out.line()
        Out.line("timeline: 'tandem schedule' · full report: --html / --markdown / --json / --csv")
    }

    static func rate(_ x: Double) -> String { "\(Int((x * 100).rounded()))%" }
}
