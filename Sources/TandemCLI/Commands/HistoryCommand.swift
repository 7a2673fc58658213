import ArgumentParser
import TandemModel

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Who changed an entity (or one field), when, and what it was before — from the operation log.",
        discussion: "Example: tandem history 3f9a due"
    )
    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONFlag
    @Argument(help: "Id prefix of any entity (deleted ones too).") var entity: String
    @Argument(help: "Only this field, e.g. due, status, title, responsible.") var field: String?

    func run() throws {
        let session = try Session(global)
        let plan = try session.read()
        let id = try EntityResolver(plan: plan).entity(entity, includeDeleted: true)
        let changes = History.changes(to: id, field: field, in: try session.store.operations(touching: id, field: field))
        let show = { (v: Value?) in v.map { Self.describe($0, plan) } ?? "" }
        let boundary = try HistoryBoundary.of(session.store)
        if format.json {
            boundary?.announce(json: true)
            return Out.json(.array(changes.map { c in
                .object(["operation": .string(c.operation.description), "time": .string(c.time.description),
                         "author": JSONViews.id(c.author), "authorName": .string(Self.author(c.author, plan)),
                         "verb": .string(c.verb), "field": JSONViews.string(c.field),
                         "value": c.value?.json ?? .null, "previous": c.previousValue?.json ?? .null])
            }))
        }
        Out.line("history of \(plan.document[id]?.kind.name ?? "entity") \(id.short())  \(EntityResolver.label(of: id, in: plan.document))")
        var table = Table("WHEN (UTC)", "WHO", "CHANGE", "FROM", "TO")
        for c in changes {
            let change = c.field.map { "\(c.verb) \($0)" } ?? c.verb
            table.add([Table.Cell(String(c.time.description.prefix(19)).replacingT, .dim), Table.Cell(Self.author(c.author, plan)),
                       Table.Cell(change), Table.Cell(c.verb == "set" ? show(c.previousValue) : ""), Table.Cell(show(c.value))])
        }
        Out.table(table)
        if changes.isEmpty { Out.line(field.map { "no changes to '\($0)'; fields are named like: title, due, status, estimate, responsible, accountable" } ?? "no changes") }
        if let boundary {
            // What the snapshot says, in place of the changes before it.
            boundary.announce(json: false)
            let fields = boundary.fieldsAtBase(of: id)?.filter { field == nil || $0.field == field }
            Out.line(fields.map { "at the snapshot it was: " + ($0.isEmpty ? "(no fields)" : $0.map { "\($0.field)=\(show($0.value))" }.joined(separator: " ")) }
                     ?? "at the snapshot it did not exist yet: every change to it is listed above")
        }
    }

    static func author(_ id: EntityID?, _ plan: OnboardingPlan) -> String {
        guard let id else { return "(no member)" }
        return plan.memberName(id)
    }

    /// Values as people read them: member names and entity titles for references.
    static func describe(_ value: Value, _ plan: OnboardingPlan) -> String {
        switch value {
        case .null: return "—"
        case .reference(let id):
            let label = EntityResolver.label(of: id, in: plan.document)
            return label.isEmpty ? id.short() : label
        default: return value.description
        }
    }
}

extension String {
    var replacingT: String { String(map { $0 == "T" ? " " : $0 }) }
}

struct ConflictsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: "Concurrent overwrites of the same field, and which write won (last writer wins)."
    )
    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONFlag

    func run() throws {
        let session = try Session(global)
        let plan = try session.read()
        let conflicts = History.conflicts(in: try session.store.allOperations())
        // Conflicts resolved before a server snapshot are not in this store's log.
        try HistoryBoundary.of(session.store)?.announce(json: format.json)
        func write(_ w: Conflict.Write) -> JSONValue {
            .object(["operation": .string(w.operation.description), "value": w.value.json, "author": JSONViews.id(w.author), "time": .string(w.time.description)])
        }
        if format.json {
            return Out.json(.array(conflicts.map { .object(["entity": JSONViews.id($0.entity), "field": .string($0.field), "winner": write($0.winner), "loser": write($0.loser)]) }))
        }
        guard !conflicts.isEmpty else { return Out.line("no conflicts: no field was overwritten concurrently") }
        var table = Table("ENTITY", "FIELD", "KEPT", "BY", "OVERWRITTEN", "BY")
        for c in conflicts {
            table.add("\(c.entity.short())  \(EntityResolver.label(of: c.entity, in: plan.document))", c.field,
                      HistoryCommand.describe(c.winner.value, plan), HistoryCommand.author(c.winner.author, plan),
                      HistoryCommand.describe(c.loser.value, plan), HistoryCommand.author(c.loser.author, plan))
        }
        Out.table(table)
    }
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Print the plan as canonical JSON: identical bytes on every replica holding the same operations."
    )
    @OptionGroup var global: GlobalOptions
    @Flag(help: "JSON output (the only export format so far).") var json = false
    @Flag(help: "Indent the JSON.") var pretty = false

    func run() throws {
        let plan = try Session(global).read()
        Out.line(plan.document.canonicalJSON().rendered(pretty: pretty))
    }
}
