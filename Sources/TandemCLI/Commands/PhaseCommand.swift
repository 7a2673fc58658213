import ArgumentParser
import TandemModel

struct PhaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "phase",
        abstract: "Phases (milestones) that hold the tasks.",
        subcommands: [Add.self, List.self, Rename.self, Move.self, Gate.self, Approve.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a phase (last, or after --after).")
        @OptionGroup var global: GlobalOptions
        @Argument var title: String
        @Option(help: "Put it after this phase (title or id prefix).") var after: String?

        func run() throws {
            let id = try Session(global).write { plan, resolve in
                try plan.addPhase(title: title, after: try after.map(resolve.phase))
            }
            Out.line("added phase \(id.short())  \(title)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List phases with task progress.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: JSONFlag

        func run() throws {
            let plan = try Session(global).read()
            let rows = plan.phases.map { phase -> (PhaseView, Int, Int) in
                let tasks = plan.document.descendants(of: phase.id).filter { plan.document[$0]?.kind == .task }
                let done = tasks.filter { plan.document[$0]?[Field.status] == TaskStatus.done.value }.count
                return (phase, done, tasks.count)
            }
            if format.json {
                return Out.json(.array(rows.map { .object(["id": JSONViews.id($0.0.id), "title": .string($0.0.title), "done": .int(Int64($0.1)), "tasks": .int(Int64($0.2))]) }))
            }
            var table = Table("ID", "PHASE", "DONE")
            for (phase, done, total) in rows { table.add([Table.Cell(phase.id.short(), .dim), Table.Cell(phase.title), Table.Cell("\(done)/\(total)")]) }
            Out.table(table)
        }
    }

    struct Rename: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rename a phase.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Phase (title or id prefix).") var phase: String
        @Argument(help: "New title.") var title: String

        func run() throws {
            let id = try Session(global).write { plan, resolve in
                let id = try resolve.phase(phase)
                try plan.renamePhase(id, to: title)
                return id
            }
            Out.line("renamed phase \(id.short()) to \(title)")
        }
    }

    struct Move: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Reorder a phase: --after PHASE, or --first.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Phase (title or id prefix).") var phase: String
        @Option(help: "Put it after this phase.") var after: String?
        @Flag(help: "Put it first.") var first = false

        func validate() throws {
            if (after == nil) == !first { throw ValidationError("give exactly one of --after PHASE or --first") }
        }

        func run() throws {
            let id = try Session(global).write { plan, resolve in
                let id = try resolve.phase(phase)
                try plan.movePhase(id, after: try after.map(resolve.phase))
                return id
            }
            Out.line("moved phase \(id.short())")
        }
    }
}
