extension OnboardingPlan {
    @discardableResult
    public mutating func addPhase(title: String, after sibling: EntityID? = nil) throws(PlanError) -> EntityID {
        let plan = try requirePlan()
        try Self.requireText(title, "phase title")
        if let sibling { try require(sibling, kind: .phase) }
        let phase = replica.create(.phase, under: plan, after: sibling)
        replica.set(phase, Field.title, .string(title))
        return phase
    }

    public mutating func renamePhase(_ id: EntityID, to title: String) throws(PlanError) {
        try require(id, kind: .phase)
        try Self.requireText(title, "phase title")
        replica.set(id, Field.title, .string(title))
    }

    /// What a new task starts with.
    public struct TaskDraft: Sendable {
        public var title: String
        public var due: CalendarDate?
        public var estimateDays: Int?
        public var description: String?
        public var responsible: EntityID?
        public var accountable: EntityID?

        public init(title: String, due: CalendarDate? = nil, estimateDays: Int? = nil, description: String? = nil,
                    responsible: EntityID? = nil, accountable: EntityID? = nil) {
            self.title = title
            self.due = due
            self.estimateDays = estimateDays
            self.description = description
            self.responsible = responsible
            self.accountable = accountable
        }
    }

    /// Adds a task to a phase, or a subtask to a task.
    @discardableResult
    public mutating func addTask(_ draft: TaskDraft, in parent: EntityID, after sibling: EntityID? = nil) throws(PlanError) -> EntityID {
        let container = try require(parent)
        guard container.kind == .phase || container.kind == .task else {
            throw PlanError(.wrongKind, "tasks go in a phase or under a task (as subtasks), not in a \(container.kind)")
        }
        try Self.requireText(draft.title, "task title")
        if let estimate = draft.estimateDays { try Self.validateEstimate(estimate) }
        if let r = draft.responsible { try requireMember(r) }
        if let a = draft.accountable { try requireMember(a) }
        if let sibling { try require(sibling, kind: .task) }
        let task = replica.create(.task, under: parent, after: sibling)
        replica.set(task, Field.title, .string(draft.title))
        replica.set(task, Field.status, TaskStatus.todo.value)
        if let due = draft.due { replica.set(task, Field.due, .date(due)) }
        if let estimate = draft.estimateDays { replica.set(task, Field.estimate, .int(Int64(estimate))) }
        // A text field: concurrent edits merge character by character.
        if let description = draft.description { setText(Field.description, of: task, to: description) }
        if let r = draft.responsible { replica.add(.reference(r), to: Field.responsible, of: task) }
        if let a = draft.accountable { replica.set(task, Field.accountable, .reference(a)) }
        return task
    }

    static func validateEstimate(_ days: Int) throws(PlanError) {
        guard (0...3650).contains(days) else { throw PlanError(.invalidValue, "an estimate is 0 to 3650 days, not \(days)") }
    }

    /// Edits task fields; nil leaves a field alone, `clearDue` removes the due date.
    /// The description is a text field: the change is diffed into character
    /// insertions and deletions, so two people's edits to different parts of
    /// it both survive; an empty description clears it.
    public mutating func editTask(_ id: EntityID, title: String? = nil, due: CalendarDate? = nil, clearDue: Bool = false,
                                  estimateDays: Int? = nil, description: String? = nil) throws(PlanError) {
        try require(id, kind: .task)
        if let title { try Self.requireText(title, "task title"); replica.set(id, Field.title, .string(title)) }
        if clearDue { replica.set(id, Field.due, .null) } else if let due { replica.set(id, Field.due, .date(due)) }
        if let estimateDays { try Self.validateEstimate(estimateDays); replica.set(id, Field.estimate, .int(Int64(estimateDays))) }
        if let description { setText(Field.description, of: id, to: description) }
    }

    /// Sets a task's status; `done` records the completion time, reopening clears it.
    public mutating func setStatus(_ id: EntityID, _ status: TaskStatus, at time: Instant) throws(PlanError) {
        let task = try require(id, kind: .task)
        replica.set(id, Field.status, status.value)
        if status == .done {
            replica.set(id, Field.completed, .instant(time))
        } else if task[Field.completed] != .null {
            replica.set(id, Field.completed, .null)
        }
    }

    /// Moves a task to another phase (or under another task), after `sibling` or last.
    public mutating func moveTask(_ id: EntityID, to parent: EntityID, after sibling: EntityID? = nil) throws(PlanError) {
        try require(id, kind: .task)
        let container = try require(parent)
        guard container.kind == .phase || container.kind == .task else {
            throw PlanError(.wrongKind, "tasks go in a phase or under a task, not in a \(container.kind)")
        }
        if document.ancestors(of: parent).contains(id) || parent == id {
            throw PlanError(.invalidMove, "cannot move task \(id.short()) under itself or one of its own subtasks")
        }
        if let sibling { try require(sibling, kind: .task) }
        replica.move(id, under: parent, after: sibling)
    }

    /// Reorders a phase among phases.
    public mutating func movePhase(_ id: EntityID, after sibling: EntityID?) throws(PlanError) {
        let plan = try requirePlan()
        try require(id, kind: .phase)
        if let sibling { try require(sibling, kind: .phase) }
        replica.move(id, under: plan, after: sibling, atStart: sibling == nil)
    }

    // MARK: RACI

    /// Replaces the members holding one RACI role on a task. Accountable takes
    /// at most one member: two would leave nobody answerable.
    public mutating func setRACI(_ task: EntityID, _ role: RACIRole, _ members: [EntityID]) throws(PlanError) {
        let entity = try require(task, kind: .task)
        for member in members { try requireMember(member) }
        let wanted = Set(members)
        if role == .accountable {
            guard wanted.count <= 1 else {
                throw PlanError(.duplicateAccountable, "a task has exactly one Accountable member; \(wanted.count) were given")
            }
            let value: Value = wanted.first.map { .reference($0) } ?? .null
            if entity[Field.accountable] != value { replica.set(task, Field.accountable, value) }
            return
        }
        let field = role.rawValue
        let current = Set(entity.members(of: field).compactMap(\.reference))
        for member in current.subtracting(wanted).sorted() { replica.remove(.reference(member), from: field, of: task) }
        for member in wanted.subtracting(current).sorted() { replica.add(.reference(member), to: field, of: task) }
    }

    /// Adds one member to a RACI role (Accountable is replaced).
    public mutating func assign(_ task: EntityID, _ role: RACIRole, _ member: EntityID) throws(PlanError) {
        let entity = try require(task, kind: .task)
        try requireMember(member)
        if role == .accountable {
            replica.set(task, Field.accountable, .reference(member))
        } else if !entity.members(of: role.rawValue).contains(.reference(member)) {
            replica.add(.reference(member), to: role.rawValue, of: task)
        }
    }

    /// Removes one member from a RACI role.
    public mutating func unassign(_ task: EntityID, _ role: RACIRole, _ member: EntityID) throws(PlanError) {
        let entity = try require(task, kind: .task)
        if role == .accountable {
            if entity[Field.accountable] == .reference(member) { replica.set(task, Field.accountable, .null) }
        } else {
            replica.remove(.reference(member), from: role.rawValue, of: task)
        }
    }

    public mutating func tag(_ task: EntityID, _ tag: String) throws(PlanError) {
        try require(task, kind: .task)
        try Self.requireText(tag, "tag")
        replica.add(.string(tag), to: Field.tags, of: task)
    }

    // MARK: Dependencies

    /// `successor` may start only `lagDays` after `predecessor` finishes.
    @discardableResult
    public mutating func addDependency(_ successor: EntityID, dependsOn predecessor: EntityID, lagDays: Int = 0) throws(PlanError) -> EntityID {
        try require(successor, kind: .task)
        try require(predecessor, kind: .task)
        guard successor != predecessor else { throw PlanError(.dependencyCycle, "a task cannot depend on itself") }
        guard (-365...365).contains(lagDays) else { throw PlanError(.invalidValue, "a lag is -365 to 365 days, not \(lagDays)") }
        if let existing = dependencies(of: successor).first(where: { $0.predecessor == predecessor }) {
            if existing.lagDays != lagDays { replica.set(existing.id, Field.lag, .int(Int64(lagDays))) }
            return existing.id
        }
        if let path = dependencyPath(from: predecessor, to: successor) {
            let names = path.map { document[$0]?[Field.title].string ?? $0.short() }
            throw PlanError(.dependencyCycle, "that would make a cycle: \(names.joined(separator: " → ")) → \(names[0])")
        }
        let dependency = replica.create(.dependency, under: successor)
        replica.set(dependency, Field.predecessor, .reference(predecessor))
        replica.set(dependency, Field.lag, .int(Int64(lagDays)))
        return dependency
    }

    public mutating func removeDependency(_ successor: EntityID, on predecessor: EntityID) throws(PlanError) {
        try require(successor, kind: .task)
        guard let existing = dependencies(of: successor).first(where: { $0.predecessor == predecessor }) else {
            throw PlanError(.unknownEntity, "task \(successor.short()) does not depend on \(predecessor.short())")
        }
        replica.delete(existing.id)
    }

    /// The chain `start` ← … ← `goal` if `start` (transitively) depends on `goal`.
    func dependencyPath(from start: EntityID, to goal: EntityID) -> [EntityID]? {
        var previous: [EntityID: EntityID] = [:]
        var queue = [start]
        var seen: Set<EntityID> = [start]
        while !queue.isEmpty {
            let current = queue.removeFirst()
            if current == goal {
                var path = [current]
                while let back = previous[path.last!] { path.append(back) }
                return path
            }
            for dependency in dependencies(of: current) where seen.insert(dependency.predecessor).inserted {
                previous[dependency.predecessor] = current
                queue.append(dependency.predecessor)
            }
        }
        return nil
    }
}
