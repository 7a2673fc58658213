import ArgumentParser
import TandemModel

struct RACICommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "raci",
        abstract: "The RACI matrix (tasks × members), or set a task's roles.",
        subcommands: [Matrix.self, Set.self],
        defaultSubcommand: Matrix.self
    )

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the members holding RACI roles on a task.",
            discussion: "Example: tandem raci set 3f9a --responsible Bo --accountable Ana --consulted Cy --informed Dee\nA role not given is left alone; a task has exactly one accountable member."
        )
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Task id prefix.") var task: String
        @Option var responsible: [String] = []
        @Option var accountable: [String] = []
        @Option var consulted: [String] = []
        @Option var informed: [String] = []

        func validate() throws {
            if responsible.isEmpty, accountable.isEmpty, consulted.isEmpty, informed.isEmpty {
                throw ValidationError("give at least one of --responsible, --accountable, --consulted, --informed")
            }
        }

        func run() throws {
            let id = try Session(global).write { plan, resolve in
                let id = try resolve.task(task)
                for (role, names) in [(RACIRole.responsible, responsible), (.accountable, accountable), (.consulted, consulted), (.informed, informed)] where !names.isEmpty {
                    try plan.setRACI(id, role, try names.map(resolve.member))
                }
                return id
            }
            Out.line("RACI updated for task \(id.short())")
        }
    }

    struct Matrix: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show the RACI matrix: one row per task, one column per member.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: JSONFlag

        func run() throws {
            let plan = try Session(global).read()
            let members = plan.members
            let tasks = plan.allTasks
            func letters(_ t: TaskView, _ m: EntityID) -> String {
                var s = ""
                if t.responsible.contains(m) { s += "R" }
                if t.accountable == m { s += "A" }
                if t.consulted.contains(m) { s += "C" }
                if t.informed.contains(m) { s += "I" }
                return s
            }
            if format.json {
                return Out.json(.object([
                    "members": .array(members.map(JSONViews.member)),
                    "tasks": .array(tasks.map { t in
                        var roles: [String: JSONValue] = [:]
                        for m in members { let l = letters(t, m.id); if !l.isEmpty { roles[m.id.description] = .string(l) } }
                        return .object(["id": JSONViews.id(t.id), "title": .string(t.title), "roles": .object(roles)])
                    }),
                ]))
            }
            var table = Table(headers: ["ID", "TASK"] + members.map(\.name))
            for t in tasks {
                let indent = t.parentTask == nil ? "" : "  "
                let missingA = t.accountable == nil
                table.add([Table.Cell(t.id.short(), .dim), Table.Cell(indent + t.title, missingA ? .yellow : .plain)]
                          + members.map { Table.Cell(letters(t, $0.id)) })
            }
            Out.table(table)
            let orphans = tasks.filter { $0.accountable == nil }.count
            if orphans > 0 { Out.line("\(orphans) task(s) have no accountable member; set one with 'tandem raci set TASK --accountable MEMBER'") }
        }
    }
}
