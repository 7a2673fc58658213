import ArgumentParser
import TandemModel

struct DependencyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dep",
        abstract: "Finish-to-start dependencies between tasks, with lag.",
        subcommands: [Add.self, Remove.self, List.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "TASK may start only LAG days after BEFORE finishes: tandem dep add TASK --on BEFORE [--lag 2]")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The task that waits.") var task: String
        @Option(help: "The task that must finish first.") var on: String
        @Option(help: "Days between them (may be negative).") var lag: Int = 0

        func run() throws {
            _ = try Session(global).write { plan, resolve in
                try plan.addDependency(try resolve.task(task), dependsOn: try resolve.task(on), lagDays: lag)
            }
            Out.line("task \(task) now waits for \(on)\(lag != 0 ? " + \(lag) days" : "")")
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a dependency: tandem dep remove TASK --on BEFORE")
        @OptionGroup var global: GlobalOptions
        @Argument var task: String
        @Option var on: String

        func run() throws {
            try Session(global).write { plan, resolve in
                try plan.removeDependency(try resolve.task(task), on: try resolve.task(on))
            }
            Out.line("task \(task) no longer waits for \(on)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List dependencies (of one task, or all).")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: JSONFlag
        @Argument(help: "Only this task's.") var task: String?

        func run() throws {
            let plan = try Session(global).read()
            let tasks = try task.map { [try EntityResolver(plan: plan).task($0)] } ?? plan.allTasks.map(\.id)
            let deps = tasks.flatMap { plan.dependencies(of: $0) }
            if format.json {
                return Out.json(.array(deps.map { .object(["id": JSONViews.id($0.id), "task": JSONViews.id($0.successor), "after": JSONViews.id($0.predecessor), "lagDays": .int(Int64($0.lagDays))]) }))
            }
            var table = Table("TASK", "WAITS FOR", "LAG")
            for d in deps {
                table.add("\(d.successor.short())  \(EntityResolver.label(of: d.successor, in: plan.document))",
                          "\(d.predecessor.short())  \(EntityResolver.label(of: d.predecessor, in: plan.document))", "\(d.lagDays)d")
            }
            Out.table(table)
        }
    }
}
