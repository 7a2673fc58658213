import ArgumentParser
import TandemModel

struct ChecklistCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checklist",
        abstract: "Checklist items inside a task, each with an owner.",
        subcommands: [Add.self, Check.self, Uncheck.self, Assign.self, List.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an item: tandem checklist add TASK \"Sign the DPA\" [--owner MEMBER]")
        @OptionGroup var global: GlobalOptions
        @Argument var task: String
        @Argument var title: String
        @Option var owner: String?

        func run() throws {
            let id = try Session(global).write { plan, resolve in
                try plan.addChecklistItem(to: try resolve.task(task), title: title, owner: try owner.map(resolve.member))
            }
            Out.line("added checklist item \(id.short())  \(title)")
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Tick an item.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Checklist item id prefix.") var item: String
        func run() throws { try ChecklistCommand.set(global, item, true) }
    }

    struct Uncheck: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Untick an item.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Checklist item id prefix.") var item: String
        func run() throws { try ChecklistCommand.set(global, item, false) }
    }

    static func set(_ global: GlobalOptions, _ item: String, _ done: Bool) throws {
        let id = try Session(global).write { plan, resolve in
            let id = try resolve.entity(item, kinds: [.checklistItem])
            try plan.setChecked(id, done)
            return id
        }
        Out.line("checklist item \(id.short()) \(done ? "checked" : "unchecked")")
    }

    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give an item an owner (empty string to clear).")
        @OptionGroup var global: GlobalOptions
        @Argument var item: String
        @Argument var member: String

        func run() throws {
            try Session(global).write { plan, resolve in
                let id = try resolve.entity(item, kinds: [.checklistItem])
                try plan.setChecklistOwner(id, member.isEmpty ? nil : try resolve.member(member))
            }
            Out.line(member.isEmpty ? "owner cleared" : "owner set to \(member)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List a task's checklist.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: JSONFlag
        @Argument var task: String

        func run() throws {
            let plan = try Session(global).read()
            let items = plan.checklist(of: try EntityResolver(plan: plan).task(task))
            if format.json {
                return Out.json(.array(items.map { .object(["id": JSONViews.id($0.id), "title": .string($0.title), "done": .bool($0.done), "owner": JSONViews.id($0.owner)]) }))
            }
            var table = Table("ID", "DONE", "ITEM", "OWNER")
            for i in items {
                table.add([Table.Cell(i.id.short(), .dim), Table.Cell(i.done ? "[x]" : "[ ]", i.done ? .green : .plain), Table.Cell(i.title),
                           Table.Cell(i.owner.map { plan.memberName($0) } ?? "")])
            }
            Out.table(table)
        }
    }
}
