import ArgumentParser
import TandemModel

/// The status verbs share one shape: a task id in, one status change out.
protocol TaskStatusCommand: ParsableCommand {
    var global: GlobalOptions { get }
    var task: String { get }
    static var status: TaskStatus { get }
}

extension TaskStatusCommand {
    func run() throws {
        let session = try Session(global)
        let now = try session.context.now()
        let id = try session.write { plan, resolve in
            let id = try resolve.task(task)
            try plan.setStatus(id, Self.status, at: now)
            return id
        }
        Out.line("task \(id.short()) is now \(Self.status.rawValue)")
    }
}

extension TaskCommand {
    struct Start: TaskStatusCommand {
        static let configuration = CommandConfiguration(abstract: "Mark a task in progress.")
        static let status = TaskStatus.inProgress
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Task id prefix.") var task: String
    }

    struct Reopen: TaskStatusCommand {
        static let configuration = CommandConfiguration(abstract: "Set a task back to todo.")
        static let status = TaskStatus.todo
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Task id prefix.") var task: String
    }

    struct Block: TaskStatusCommand {
        static let configuration = CommandConfiguration(abstract: "Mark a task blocked.")
        static let status = TaskStatus.blocked
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Task id prefix.") var task: String
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a task (and its subtasks); 'task restore' undoes it.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Task id prefix.") var task: String

        func run() throws {
            let id = try Session(global).write { plan, resolve in
                let id = try resolve.task(task)
                try plan.delete(id)
                return id
            }
            Out.line("deleted task \(id.short()); undo with 'tandem task restore \(id.short())'")
        }
    }

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Restore a deleted task.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Task id prefix.") var task: String

        func run() throws {
            let id = try Session(global).write { plan, resolve in
                let id = try resolve.task(task, includeDeleted: true)
                try plan.restore(id)
                return id
            }
            Out.line("restored task \(id.short())")
        }
    }
}

/// `tandem delete ID`: any entity but the plan itself.
struct DeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete any entity by id (its subtree is hidden, nothing is destroyed).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Id prefix.") var id: String

    func run() throws {
        let (entity, kind) = try Session(global).write { plan, resolve in
            let entity = try resolve.entity(id)
            try plan.delete(entity)
            return (entity, plan.document[entity]!.kind)
        }
        Out.line("deleted \(kind) \(entity.short()); undo with 'tandem restore \(entity.short())'")
    }
}

/// `tandem restore ID`: undoes a delete.
struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "restore", abstract: "Restore a deleted entity by id.")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "Id prefix.") var id: String

    func run() throws {
        let (entity, kind) = try Session(global).write { plan, resolve in
            let entity = try resolve.entity(id, includeDeleted: true)
            try plan.restore(entity)
            return (entity, plan.document[entity]!.kind)
        }
        Out.line("restored \(kind) \(entity.short())")
    }
}
