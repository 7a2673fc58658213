import ArgumentParser
import TandemModel

struct TaskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "task",
        abstract: "Tasks and subtasks: add, edit, move, assign, change status, delete, show.",
        subcommands: [Add.self, Edit.self, Move.self, Assign.self, Unassign.self, Start.self, Done.self, Reopen.self,
                      Block.self, Delete.self, Restore.self, Show.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a task to a phase, or a subtask with --parent.",
            discussion: "Example: tandem task add \"Set up SSO\" --phase Setup --due 2026-03-20 --estimate 3 --responsible bo@acme.example"
        )
        @OptionGroup var global: GlobalOptions
        @Argument var title: String
        @Option(help: "Phase (title or id prefix).") var phase: String?
        @Option(help: "Parent task, to add a subtask.") var parent: String?
        @Option(help: "Due date, YYYY-MM-DD.") var due: String?
        @Option(help: "Estimate in days.") var estimate: Int?
        @Option var description: String?
        @Option(help: "Responsible member.") var responsible: String?
        @Option(help: "Accountable member.") var accountable: String?

        func validate() throws {
            if (phase == nil) == (parent == nil) { throw ValidationError("give exactly one of --phase PHASE or --parent TASK") }
        }

        func run() throws {
            let dueDate = try Parse.optionalDate(due, "due date")
            let id = try Session(global).write { plan, resolve in
                let container = try parent.map { try resolve.task($0) } ?? resolve.phase(phase!)
                let draft = OnboardingPlan.TaskDraft(
                    title: title, due: dueDate, estimateDays: estimate, description: description,
                    responsible: try responsible.map(resolve.member), accountable: try accountable.map(resolve.member))
                return try plan.addTask(draft, in: container)
            }
            Out.line("added \(parent == nil ? "task" : "subtask") \(id.short())  \(title)")
        }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change a task's title, due date, estimate or description, or link it to the goals it serves.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Task id prefix.") var task: String
        @Option var title: String?
        @Option(help: "YYYY-MM-DD") var due: String?
        @Flag(help: "Remove the due date.") var clearDue = false
        @Option(help: "Days.") var estimate: Int?
        @Option var description: String?
        @Option(help: "Link a goal the task serves (title or id prefix); repeatable.") var goal: [String] = []
        @Option(help: "Unlink a goal (title or id prefix); repeatable.") var removeGoal: [String] = []

        func run() throws {
            let dueDate = try Parse.optionalDate(due, "due date")
            let id = try Session(global).write { plan, resolve in
                let id = try resolve.task(task)
                try plan.editTask(id, title: title, due: dueDate, clearDue: clearDue, estimateDays: estimate, description: description)
                for g in goal { try plan.linkGoal(id, try resolve.goal(g)) }
                for g in removeGoal { try plan.unlinkGoal(id, try resolve.goal(g)) }
                return id
            }
            Out.line("updated task \(id.short())")
        }
    }

    struct Move: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move a task to another phase, under another task, or after a sibling.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Task id prefix.") var task: String
        @Option(help: "Destination phase (title or id) or parent task (id).") var to: String
        @Option(help: "Place it after this task.") var after: String?

        func run() throws {
            let id = try Session(global).write { plan, resolve in
                let id = try resolve.task(task)
                let destination: EntityID
                if let phase = try? resolve.phase(to) { destination = phase } else { destination = try resolve.entity(to, kinds: [.phase, .task]) }
                try plan.moveTask(id, to: destination, after: try after.map { try resolve.task($0) })
                return id
            }
            Out.line("moved task \(id.short())")
        }
    }

    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a member a RACI role on a task (default: responsible).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Task id prefix.") var task: String
        @Argument(help: "Member (name, email or id prefix).") var member: String
        @Option(help: "responsible, accountable, consulted or informed.") var role: String = "responsible"

        func run() throws {
            let raci = try RACIRole.parse(role)
            try Session(global).write { plan, resolve in
                try plan.assign(try resolve.task(task), raci, try resolve.member(member))
            }
            Out.line("assigned \(member) as \(raci.rawValue)")
        }
    }

    struct Unassign: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a RACI role on a task away from a member.")
        @OptionGroup var global: GlobalOptions
        @Argument var task: String
        @Argument var member: String
        @Option(help: "responsible, accountable, consulted or informed.") var role: String = "responsible"

        func run() throws {
            let raci = try RACIRole.parse(role)
            try Session(global).write { plan, resolve in
                try plan.unassign(try resolve.task(task), raci, try resolve.member(member))
            }
            Out.line("unassigned \(member) from \(raci.rawValue)")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Everything about one task.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: JSONFlag
        @Argument var task: String

        func run() throws {
            let session = try Session(global)
            let plan = try session.read()
            let id = try EntityResolver(plan: plan).task(task)
            let t = plan.task(id)
            let today = try session.today()
            if format.json { return Out.json(JSONViews.task(t, today: today)) }
            let name = { (m: EntityID?) in m.map { plan.memberName($0) } ?? "—" }
            Out.line("\(t.title)  (\(t.id.short()))")
            Out.line("status       \(t.status.rawValue)\(t.isOverdue(on: today) ? " (overdue)" : "")")
            Out.line("phase        \(t.phase.map { EntityResolver.label(of: $0, in: plan.document) } ?? "—")")
            if let parent = t.parentTask { Out.line("subtask of   \(EntityResolver.label(of: parent, in: plan.document)) (\(parent.short()))") }
            Out.line("due          \(t.due?.description ?? "—")    estimate \(t.estimateDays.map { "\($0)d" } ?? "—")")
            Out.line("responsible  \(t.responsible.map(name).joined(separator: ", "))")
            Out.line("accountable  \(name(t.accountable))")
            Out.line("consulted    \(t.consulted.map(name).joined(separator: ", "))")
            Out.line("informed     \(t.informed.map(name).joined(separator: ", "))")
            if let d = t.description { Out.line("description  \(d)") }
            for dep in plan.dependencies(of: id) {
                Out.line("after        \(EntityResolver.label(of: dep.predecessor, in: plan.document)) (\(dep.predecessor.short()))\(dep.lagDays != 0 ? " +\(dep.lagDays)d" : "")")
            }
            for sub in plan.subtasks(of: id) { Out.line("subtask      [\(sub.status.rawValue)] \(sub.title) (\(sub.id.short()))") }
            for item in plan.checklist(of: id) { Out.line("checklist    [\(item.done ? "x" : " ")] \(item.title) (\(item.id.short()))") }
            for r in plan.resources(of: id) { Out.line("resource     \(r.title) \(r.url)") }
            for d in plan.documents where d.task == id { Out.line("document     \(d.title) (\(d.id.short()), \(d.length) characters)") }
            for c in plan.comments(on: id) { Out.line("comment      \(plan.memberName(c.author)): \(c.text)") }
        }
    }
}
