import ArgumentParser
import TandemModel
import TandemReports

/// `tandem baseline`: named snapshots of every task's dates, to measure drift against.
struct BaselineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Save the plan's dates as a named baseline; compare later dates with it.",
        discussion: "Reports and the schedule take --baseline NAME to show how every date moved since.",
        subcommands: [Save.self, List.self, Show.self]
    )

    struct Save: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Save every task's due date and projected start and finish: tandem baseline save kickoff")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "A name, unique in the plan.") var name: String

        func run() throws {
            let session = try Session(global)
            let today = try session.today()
            let now = try session.context.now()
            let (id, count) = try session.write { plan, _ in
                let schedule = Schedule(plan: plan, today: today)
                let entries = BaselineComparison.entries(of: schedule)
                let id = try plan.saveBaseline(name: name, at: now, target: schedule.target, goLive: schedule.goLiveDate, entries: entries)
                return (id, entries.count)
            }
            Out.line("saved baseline '\(name)' (\(id.short())): dates of \(count) task(s); compare with 'tandem schedule --baseline \(name)'")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List baselines.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: JSONFlag

        func run() throws {
            let plan = try Session(global).read()
            if format.json {
                return Out.json(.array(plan.baselines.map { b in
                    .object(["id": JSONViews.id(b.id), "name": .string(b.name), "savedAt": JSONViews.string(b.savedAt?.description),
                             "goLive": JSONViews.date(b.goLive), "target": JSONViews.date(b.target), "tasks": .int(Int64(b.entries.count))])
                }))
            }
            var table = Table("ID", "NAME", "SAVED", "GO-LIVE", "TARGET", "TASKS")
            for b in plan.baselines {
                table.add(b.id.short(), b.name, b.savedAt?.description ?? "—", b.goLive?.description ?? "—", b.target?.description ?? "—", "\(b.entries.count)")
            }
            Out.table(table)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "How every date moved since a baseline (due, start, finish, go-live).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: JSONFlag
        @Argument var name: String

        func run() throws {
            let session = try Session(global)
            let plan = try session.read()
            let schedule = Schedule(plan: plan, today: try session.today())
            let c = try BaselineCommand.comparison(named: name, plan: plan, schedule: schedule)
            let label = { (id: EntityID) in EntityResolver.label(of: id, in: plan.document) }
            if format.json {
                return Out.json(.object([
                    "name": .string(c.name), "goLive": JSONViews.date(c.goLive), "baselineGoLive": JSONViews.date(c.baselineGoLive),
                    "goLiveDelta": JSONViews.int(c.goLiveDelta),
                    "tasks": .array(c.rows.map { r in
                        .object(["id": JSONViews.id(r.task), "title": .string(label(r.task)), "new": .bool(r.isNew),
                                 "due": JSONViews.date(r.due), "baselineDue": JSONViews.date(r.baseline?.due), "dueDelta": JSONViews.int(r.dueDelta),
                                 "start": JSONViews.date(r.start), "baselineStart": JSONViews.date(r.baseline?.start), "startDelta": JSONViews.int(r.startDelta),
                                 "finish": JSONViews.date(r.finish), "baselineFinish": JSONViews.date(r.baseline?.finish), "finishDelta": JSONViews.int(r.finishDelta)])
                    }),
                    "removed": .array(c.removed.map { JSONViews.id($0) }),
                ]))
            }
            Out.line("Since baseline '\(c.name)' (\(c.savedAt?.description ?? "—")): go-live \(c.baselineGoLive?.description ?? "—") → \(c.goLive?.description ?? "—") (\(ScheduleText.delta(c.goLiveDelta)))")
            var table = Table("ID", "TASK", "DUE", "ΔDUE", "START", "ΔSTART", "FINISH", "ΔFINISH")
            for r in c.rows {
                let moved = (r.dueDelta ?? 0) != 0 || (r.finishDelta ?? 0) != 0
                table.add([Table.Cell(r.task.short(), .dim), Table.Cell(label(r.task)),
                           Table.Cell(r.due?.description ?? "—"), Table.Cell(r.isNew ? "new" : ScheduleText.delta(r.dueDelta), moved ? .yellow : .plain),
                           Table.Cell(r.start?.description ?? "—"), Table.Cell(r.isNew ? "new" : ScheduleText.delta(r.startDelta)),
                           Table.Cell(r.finish?.description ?? "—"), Table.Cell(r.isNew ? "new" : ScheduleText.delta(r.finishDelta), moved ? .yellow : .plain)])
            }
            Out.table(table)
            if !c.removed.isEmpty { Out.line("\(c.removed.count) task(s) in the baseline have been deleted since.") }
        }
    }

    /// The comparison with a named baseline, or an error listing the names.
    static func comparison(named name: String, plan: OnboardingPlan, schedule: Schedule) throws -> BaselineComparison {
        guard let baseline = plan.baseline(named: name) else {
            let names = plan.baselines.map(\.name)
            throw CLIError("unknown-baseline", "no baseline is named '\(name)'; " + (names.isEmpty ? "save one with 'tandem baseline save NAME'" : "baselines: \(names.joined(separator: ", "))"))
        }
        return BaselineComparison(baseline: baseline, schedule: schedule)
    }
}
