import ArgumentParser
import TandemModel

struct InternalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "internal",
        abstract: "The internal-only section: risk notes, internal comments, health. Never sent to customers.",
        subcommands: [Note.self, Comment.self, Health.self, Show.self]
    )

    struct Note: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a risk note: tandem internal note \"Champion leaving in May\" --severity high [--about ID]")
        @OptionGroup var global: GlobalOptions
        @Argument var text: String
        @Option(help: "low, medium or high.") var severity: String = "medium"
        @Option(help: "Entity the risk is about.") var about: String?

        func run() throws {
            let level = try Severity.parse(severity)
            let id = try Session(global).write { plan, resolve in
                try plan.addRiskNote(text, severity: level, about: try about.map { try resolve.entity($0) })
            }
            Out.line("added risk note \(id.short())")
        }
    }

    struct Comment: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "An internal comment on any entity.")
        @OptionGroup var global: GlobalOptions
        @Argument var subject: String
        @Argument var text: String

        func run() throws {
            let id = try Session(global).write { plan, resolve in
                try plan.addInternalComment(on: try resolve.entity(subject), text: text)
            }
            Out.line("added internal comment \(id.short())")
        }
    }

    struct Health: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set the account's health: green, amber or red.")
        @OptionGroup var global: GlobalOptions
        @Argument var health: String

        func run() throws {
            let value = try TandemModel.Health.parse(health)
            try Session(global).write { plan, _ in try plan.setHealth(value) }
            Out.line("health is \(value.rawValue)")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show health and risk notes.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: JSONFlag

        func run() throws {
            let plan = try Session(global).read()
            if format.json {
                return Out.json(.object([
                    "health": JSONViews.string(plan.health?.rawValue),
                    "risks": .array(plan.riskNotes.map { .object(["id": JSONViews.id($0.id), "text": .string($0.text), "severity": JSONViews.string($0.severity?.rawValue), "about": JSONViews.id($0.subject)]) }),
                ]))
            }
            Out.line("health: \(plan.health?.rawValue ?? "not set")")
            var table = Table("ID", "SEVERITY", "RISK", "ABOUT")
            for r in plan.riskNotes {
                table.add([Table.Cell(r.id.short(), .dim), Table.Cell(r.severity?.rawValue ?? "", r.severity == .high ? .red : .plain),
                           Table.Cell(r.text), Table.Cell(r.subject.map { EntityResolver.label(of: $0, in: plan.document) } ?? "")])
            }
            Out.table(table)
        }
    }
}
