import ArgumentParser
import TandemModel

struct GoalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "goal",
        abstract: "The outcomes the plan serves, per side, with a success measure.",
        subcommands: [Add.self, List.self, Edit.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a goal: tandem goal add \"Retire the spreadsheet\" --side customer --measure \"old tracker off by go-live\"")
        @OptionGroup var global: GlobalOptions
        @Argument var title: String
        @Option(help: "internal, customer or shared.") var side: String = "shared"
        @Option(help: "How success is measured.") var measure: String?

        func run() throws {
            let sideValue = try GoalSide.parse(side)
            let id = try Session(global).write { plan, _ in try plan.addGoal(title: title, side: sideValue, measure: measure) }
            Out.line("added goal \(id.short())  \(title)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List goals.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: JSONFlag

        func run() throws {
            let plan = try Session(global).read()
            if format.json { return Out.json(.array(plan.goals.map(JSONViews.goal))) }
            var table = Table("ID", "SIDE", "STATUS", "GOAL", "MEASURE")
            for g in plan.goals {
                table.add([Table.Cell(g.id.short(), .dim), Table.Cell(g.side?.rawValue ?? ""),
                           Table.Cell(g.status?.rawValue ?? "", g.status == .met ? .green : g.status == .missed ? .red : .plain),
                           Table.Cell(g.title), Table.Cell(g.measure ?? "")])
            }
            Out.table(table)
        }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a goal.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Goal id prefix.") var goal: String
        @Option var title: String?
        @Option(help: "internal, customer or shared.") var side: String?
        @Option var measure: String?
        @Option(help: "open, met or missed.") var status: String?

        func run() throws {
            let sideValue = try Parse.symbol(side, as: GoalSide.self)
            let statusValue = try Parse.symbol(status, as: GoalStatus.self, code: .invalidStatus)
            let id = try Session(global).write { plan, resolve in
                let id = try resolve.entity(goal, kinds: [.goal])
                try plan.editGoal(id, title: title, side: sideValue, measure: measure, status: statusValue)
                return id
            }
            Out.line("updated goal \(id.short())")
        }
    }
}
