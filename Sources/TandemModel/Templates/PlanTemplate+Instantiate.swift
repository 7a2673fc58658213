/// What instantiating a template created, for callers that go on editing.
public struct TemplateInstantiation: Sendable, Hashable {
    /// Role key → member, including placeholder members created for unmapped roles.
    public let roles: [String: EntityID]
    /// Template task key → task.
    public let tasks: [String: EntityID]
    public let phases: [EntityID]
    public let goals: [EntityID]
}

extension PlanTemplate {
    /// All shipped templates.
    public static var catalog: [PlanTemplate] { [.selfServeSMB, .midMarket, .enterprise] }

    /// The shipped template with this name, if any.
    public static func named(_ name: String) -> PlanTemplate? {
        catalog.first { $0.name == name.lowercased() }
    }

    /// Adds the template's goals, phases, tasks, dependencies, checklists and
    /// resources to an existing plan, with due dates counted from `start`.
    ///
    /// `roles` maps role keys to existing members. A role left unmapped gets a
    /// placeholder member named after the role, on the role's side, so every
    /// task still has an owner; rename it later with `member edit`.
    @discardableResult
    public func instantiate(into plan: inout OnboardingPlan, start: CalendarDate,
                            roles mapped: [String: EntityID] = [:]) throws(PlanError) -> TemplateInstantiation {
        let known = Set(self.roles.map(\.key))
        for key in mapped.keys.sorted() where !known.contains(key) {
            throw PlanError(.invalidValue, "template '\(name)' has no role '\(key)'; its roles are: \(self.roles.map(\.key).joined(separator: ", "))")
        }
        var members = mapped
        for member in mapped.values { try plan.requireMember(member) }
        for role in self.roles where members[role.key] == nil {
            members[role.key] = try plan.addMember(name: "\(role.title) (placeholder)", side: role.side, role: role.title)
        }
        var goals: [EntityID] = []
        for goal in self.goals {
            goals.append(try plan.addGoal(title: goal.title, side: goal.side, measure: goal.measure))
        }
        var tasks: [String: EntityID] = [:]
        var phases: [EntityID] = []
        for phase in self.phases {
            let phaseID = try plan.addPhase(title: phase.title, after: phases.last)
            phases.append(phaseID)
            for task in phase.tasks {
                try add(task, in: phaseID, start: start, members: members, tasks: &tasks, plan: &plan)
            }
        }
        for task in allTasks {
            for predecessor in task.after {
                guard let from = tasks[task.key], let to = tasks[predecessor] else {
                    throw PlanError(.unknownEntity, "template '\(name)': task '\(task.key)' depends on unknown task '\(predecessor)'")
                }
                try plan.addDependency(from, dependsOn: to)
            }
        }
        return TemplateInstantiation(roles: members, tasks: tasks, phases: phases, goals: goals)
    }

    private func add(_ task: Task, in parent: EntityID, start: CalendarDate, members: [String: EntityID],
                     tasks: inout [String: EntityID], plan: inout OnboardingPlan) throws(PlanError) {
        func member(_ key: String) throws(PlanError) -> EntityID {
            guard let id = members[key] else { throw PlanError(.invalidValue, "template '\(name)': task '\(task.key)' names unknown role '\(key)'") }
            return id
        }
        let draft = OnboardingPlan.TaskDraft(title: task.title, due: start.adding(days: task.dueDay), estimateDays: task.estimateDays)
        let id = try plan.addTask(draft, in: parent)
        tasks[task.key] = id
        if !task.responsible.isEmpty { try plan.setRACI(id, .responsible, try task.responsible.map(member)) }
        if let accountable = task.accountable { try plan.setRACI(id, .accountable, [try member(accountable)]) }
        if !task.consulted.isEmpty { try plan.setRACI(id, .consulted, try task.consulted.map(member)) }
        if !task.informed.isEmpty { try plan.setRACI(id, .informed, try task.informed.map(member)) }
        let owner = try task.responsible.first.map(member)
        for item in task.checklist { try plan.addChecklistItem(to: id, title: item, owner: owner) }
        for resource in task.resources { try plan.addResource(to: id, title: resource.title, url: resource.url, kind: resource.kind) }
        for subtask in task.subtasks {
            try add(subtask, in: id, start: start, members: members, tasks: &tasks, plan: &plan)
        }
    }
}
