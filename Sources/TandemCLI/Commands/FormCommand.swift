import ArgumentParser
import TandemModel

struct FormCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "form",
        abstract: "Forms whose fields are pre-filled from what is known and confirmed by the customer.",
        subcommands: [Add.self, AddField.self, Prefill.self, Fill.self, Confirm.self, Show.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a form to the plan, or to a task with --task.")
        @OptionGroup var global: GlobalOptions
        @Argument var title: String
        @Option var task: String?

        func run() throws {
            let id = try Session(global).write { plan, resolve in
                try plan.addForm(title: title, on: try task.map { try resolve.task($0) })
            }
            Out.line("added form \(id.short())  \(title)")
        }
    }

    struct AddField: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "field", abstract: "Add a field to a form: tandem form field FORM \"Billing contact\" [--required]")
        @OptionGroup var global: GlobalOptions
        @Argument var form: String
        @Argument var label: String
        @Flag var required = false

        func run() throws {
            let id = try Session(global).write { plan, resolve in
                try plan.addFormField(to: try resolve.entity(form, kinds: [.form]), label: label, required: required)
            }
            Out.line("added field \(id.short())  \(label)")
        }
    }

    struct Prefill: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Pre-fill a field, naming the source: tandem form prefill FIELD \"ap@acme.example\" --source \"CRM\"")
        @OptionGroup var global: GlobalOptions
        @Argument var field: String
        @Argument var value: String
        @Option(help: "Where the value came from.") var source: String

        func run() throws {
            try Session(global).write { plan, resolve in
                try plan.prefill(try resolve.entity(field, kinds: [.formField]), with: value, source: source)
            }
            Out.line("pre-filled; the customer can confirm it with 'tandem form confirm \(field)'")
        }
    }

    struct Fill: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Answer a field (counts as confirmed).")
        @OptionGroup var global: GlobalOptions
        @Argument var field: String
        @Argument var value: String

        func run() throws {
            try Session(global).write { plan, resolve in
                try plan.fill(try resolve.entity(field, kinds: [.formField]), with: value)
            }
            Out.line("field filled")
        }
    }

    struct Confirm: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Confirm a pre-filled value as the answer.")
        @OptionGroup var global: GlobalOptions
        @Argument var field: String

        func run() throws {
            try Session(global).write { plan, resolve in
                try plan.confirm(try resolve.entity(field, kinds: [.formField]))
            }
            Out.line("field confirmed")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a form (or every form) with its fields.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: JSONFlag
        @Argument var form: String?

        func run() throws {
            let plan = try Session(global).read()
            let forms = try form.map { [try EntityResolver(plan: plan).entity($0, kinds: [.form])] }
                ?? (plan.forms() + plan.allTasks.flatMap { plan.forms(on: $0.id) })
            if format.json {
                return Out.json(.array(forms.map { f in
                    .object(["id": JSONViews.id(f), "title": .string(EntityResolver.label(of: f, in: plan.document)),
                             "fields": .array(plan.formFields(of: f).map { x in
                                 .object(["id": JSONViews.id(x.id), "label": .string(x.label), "value": JSONViews.string(x.value),
                                          "prefill": JSONViews.string(x.prefill), "source": JSONViews.string(x.source),
                                          "confirmed": .bool(x.confirmed), "required": .bool(x.required)])
                             })])
                }))
            }
            for f in forms {
                Out.line("\(EntityResolver.label(of: f, in: plan.document))  (\(f.short()))")
                var table = Table("ID", "FIELD", "VALUE", "PRE-FILLED", "SOURCE", "CONFIRMED")
                for x in plan.formFields(of: f) {
                    table.add([Table.Cell(x.id.short(), .dim), Table.Cell(x.label + (x.required ? " *" : "")), Table.Cell(x.value ?? ""),
                               Table.Cell(x.prefill ?? ""), Table.Cell(x.source ?? ""), Table.Cell(x.confirmed ? "yes" : "no", x.confirmed ? .green : .yellow)])
                }
                Out.table(table)
            }
        }
    }
}
