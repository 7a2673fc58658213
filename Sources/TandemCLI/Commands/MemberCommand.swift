import ArgumentParser
import TandemModel

struct MemberCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "member",
        abstract: "Add, list or edit the people on both sides.",
        subcommands: [Add.self, List.self, Edit.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a member: tandem member add \"Bo Chen\" --email bo@acme.example --side customer --role \"IT admin\"")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Full name.") var name: String
        @Option var email: String?
        @Option(help: "internal or customer.") var side: String
        @Option(help: "Job role, e.g. 'IT admin'.") var role: String?

        func run() throws {
            let sideValue = try Side.parse(side)
            let id = try Session(global).write { plan, _ in
                try plan.addMember(name: name, email: email, side: sideValue, role: role)
            }
            Out.line("added member \(id.short())  \(name) (\(sideValue.rawValue))")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List members.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: JSONFlag

        func run() throws {
            let plan = try Session(global).read()
            if format.json { return Out.json(.array(plan.members.map(JSONViews.member))) }
            var table = Table("ID", "NAME", "EMAIL", "SIDE", "ROLE")
            for m in plan.members {
                table.add([Table.Cell(m.id.short(), .dim), Table.Cell(m.name), Table.Cell(m.email ?? ""),
                           Table.Cell(m.side?.rawValue ?? "", m.side == .customer ? .cyan : .plain), Table.Cell(m.role ?? "")])
            }
            Out.table(table)
        }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a member's name, email, side or role.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Member (name, email or id prefix).") var member: String
        @Option var name: String?
        @Option var email: String?
        @Option(help: "internal or customer.") var side: String?
        @Option var role: String?

        func run() throws {
            let sideValue = try Parse.symbol(side, as: Side.self)
            let id = try Session(global).write { plan, resolve in
                let id = try resolve.member(member)
                try plan.editMember(id, name: name, email: email, side: sideValue, role: role)
                return id
            }
            Out.line("updated member \(id.short())")
        }
    }
}
