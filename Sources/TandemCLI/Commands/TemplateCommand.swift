import ArgumentParser
import TandemModel

struct TemplateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "template",
        abstract: "List or show the shipped segment templates (needs no store).",
        subcommands: [List.self, Show.self],
        defaultSubcommand: List.self
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List templates.")
        @OptionGroup var format: JSONFlag

        func run() throws {
            if format.json {
                return Out.json(.array(PlanTemplate.catalog.map { t in
                    .object(["name": .string(t.name), "title": .string(t.title), "summary": .string(t.summary),
                             "durationDays": .int(Int64(t.durationDays)), "tasks": .int(Int64(t.allTasks.count))])
                }))
            }
            var table = Table("NAME", "DAYS", "TASKS", "SUMMARY")
            for t in PlanTemplate.catalog { table.add(t.name, String(t.durationDays), String(t.allTasks.count), t.summary) }
            Out.table(table)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a template's roles, goals, phases and tasks.")
        @OptionGroup var format: JSONFlag
        @Argument(help: "Template name.") var name: String

        func run() throws {
            guard let t = PlanTemplate.named(name) else {
                throw CLIError("unknown-template", "there is no template '\(name)'; templates are: \(PlanTemplate.catalog.map(\.name).joined(separator: ", "))")
            }
            if format.json {
                return Out.json(.object([
                    "name": .string(t.name), "title": .string(t.title), "summary": .string(t.summary),
                    "roles": .array(t.roles.map { .object(["key": .string($0.key), "title": .string($0.title), "side": .string($0.side.rawValue)]) }),
                    "phases": .array(t.phases.map { p in .object(["title": .string(p.title), "tasks": .array(p.tasks.map { .string($0.title) })]) }),
                ]))
            }
            Out.line("\(t.title) — \(t.summary)")
            Out.line("roles: " + t.roles.map { "\($0.key) (\($0.side.rawValue))" }.joined(separator: ", "))
            Out.line("goals:")
            for g in t.goals { Out.line("  [\(g.side.rawValue)] \(g.title) — \(g.measure)") }
            var table = Table("PHASE", "DAY", "EST", "TASK", "R", "A", "AFTER")
            for phase in t.phases {
                for task in phase.tasks + phase.tasks.flatMap(\.subtasks) {
                    table.add(phase.title, "+\(task.dueDay)", "\(task.estimateDays)d", task.title,
                              task.responsible.joined(separator: ","), task.accountable ?? "", task.after.joined(separator: ","))
                }
            }
            Out.table(table)
        }
    }
}
