/// Typed read views of plan entities. They are snapshots: cheap structs built
/// from the document on demand, never stored.
public struct MemberView: Hashable, Sendable {
    public let id: EntityID
    public let name: String
    public let email: String?
    public let side: Side?
    public let role: String?
}

public struct GoalView: Hashable, Sendable {
    public let id: EntityID
    public let title: String
    public let side: GoalSide?
    public let measure: String?
    public let status: GoalStatus?
}

public struct PhaseView: Hashable, Sendable {
    public let id: EntityID
    public let title: String
}

public struct DependencyView: Hashable, Sendable {
    public let id: EntityID
    public let successor: EntityID
    public let predecessor: EntityID
    public let lagDays: Int
}

public struct TaskView: Hashable, Sendable {
    public let id: EntityID
    public let title: String
    public let status: TaskStatus
    public let due: CalendarDate?
    public let estimateDays: Int?
    public let completed: Instant?
    /// The description (a collaborative text field); nil when empty.
    public let description: String?
    public let responsible: [EntityID]
    public let accountable: EntityID?
    public let consulted: [EntityID]
    public let informed: [EntityID]
    public let tags: [String]
    /// The phase the task (or its top-level parent task) sits in.
    public let phase: EntityID?
    /// The parent task when this is a subtask.
    public let parentTask: EntityID?

    public var isDone: Bool { status == .done }

    /// Overdue on `today`: not done and due before today.
    public func isOverdue(on today: CalendarDate) -> Bool {
        guard let due, !isDone else { return false }
        return due < today
    }
}

public struct ChecklistItemView: Hashable, Sendable {
    public let id: EntityID
    public let title: String
    public let done: Bool
    public let owner: EntityID?
}

public struct CheckInView: Hashable, Sendable {
    public let id: EntityID
    public let at: Instant?
    public let agenda: String?
    public let attendees: [EntityID]
}

public struct ResourceView: Hashable, Sendable {
    public let id: EntityID
    public let title: String
    public let url: String
    public let kind: ResourceKind?
}

public struct FormFieldView: Hashable, Sendable {
    public let id: EntityID
    public let label: String
    public let value: String?
    public let prefill: String?
    public let source: String?
    public let confirmed: Bool
    public let required: Bool
}

public struct FeedbackView: Hashable, Sendable {
    public let id: EntityID
    public let by: EntityID?
    public let side: Side?
    public let rating: Int
    public let text: String?
}

public struct CommentView: Hashable, Sendable {
    public let id: EntityID
    public let subject: EntityID?
    public let author: EntityID?
    public let time: HybridTimestamp
    public let text: String
    public let isInternal: Bool
}

public struct RiskNoteView: Hashable, Sendable {
    public let id: EntityID
    public let text: String
    public let severity: Severity?
    public let subject: EntityID?
}

/// The plan's own attributes.
public struct PlanInfoView: Hashable, Sendable {
    public let id: EntityID
    public let title: String
    public let customer: String
    public let start: CalendarDate?
    public let target: CalendarDate?
    public let participants: Int?
    public let expertise: Expertise?
    public let approval: ApprovalLevel?
    public let template: String?
}

extension OnboardingPlan {
    public var info: PlanInfoView? {
        guard let id = planID, let e = document[id] else { return nil }
        return PlanInfoView(
            id: id, title: e[Field.title].string ?? "", customer: e[Field.customer].string ?? "",
            start: e[Field.start].date, target: e[Field.target].date,
            participants: e[Field.participants].int.map(Int.init),
            expertise: e[Field.expertise].symbol.flatMap(Expertise.init(rawValue:)),
            approval: e[Field.approval].symbol.flatMap(ApprovalLevel.init(rawValue:)),
            template: e[Field.template].string
        )
    }

    public var members: [MemberView] {
        guard let plan = planID else { return [] }
        return visibleChildren(of: plan, kind: .member).map(member)
    }

    public func member(_ id: EntityID) -> MemberView {
        let e = document[id]!
        return MemberView(id: id, name: e[Field.name].string ?? "?", email: e[Field.email].string,
                          side: e[Field.side].symbol.flatMap(Side.init(rawValue:)), role: e[Field.role].string)
    }

    /// A member's display name, or the short id when unknown (e.g. withheld).
    public func memberName(_ id: EntityID?) -> String {
        guard let id else { return "server" }
        guard let e = document[id], e.kind == .member else { return id.short() }
        return e[Field.name].string ?? id.short()
    }

    public var goals: [GoalView] {
        guard let plan = planID else { return [] }
        return visibleChildren(of: plan, kind: .goal).map { id in
            let e = document[id]!
            return GoalView(id: id, title: e[Field.title].string ?? "", side: e[Field.side].symbol.flatMap(GoalSide.init(rawValue:)),
                            measure: e[Field.measure].string, status: e[Field.status].symbol.flatMap(GoalStatus.init(rawValue:)))
        }
    }

    public var phases: [PhaseView] {
        guard let plan = planID else { return [] }
        return visibleChildren(of: plan, kind: .phase).map { PhaseView(id: $0, title: document[$0]![Field.title].string ?? "") }
    }

    /// Top-level tasks of a phase, in order.
    public func tasks(in phase: EntityID) -> [TaskView] {
        visibleChildren(of: phase, kind: .task).map(task)
    }

    public func subtasks(of task: EntityID) -> [TaskView] {
        visibleChildren(of: task, kind: .task).map(self.task)
    }

    /// Every visible task and subtask, phase by phase, depth first.
    public var allTasks: [TaskView] {
        phases.flatMap { phase in
            document.descendants(of: phase.id).filter { document[$0]?.kind == .task }.map(task)
        }
    }

    public func task(_ id: EntityID) -> TaskView {
        let e = document[id]!
        let ancestors = document.ancestors(of: id)
        let phase = ancestors.first { document[$0]?.kind == .phase }
        let parentTask = ancestors.first.flatMap { document[$0]?.kind == .task ? $0 : nil }
        return TaskView(
            id: id, title: e[Field.title].string ?? "",
            status: e[Field.status].symbol.flatMap(TaskStatus.init(rawValue:)) ?? .todo,
            due: e[Field.due].date, estimateDays: e[Field.estimate].int.map(Int.init),
            completed: e[Field.completed].instant, description: e.textField(Field.description).flatMap { $0.isEmpty ? nil : $0 },
            responsible: e.members(of: Field.responsible).compactMap(\.reference),
            accountable: e[Field.accountable].reference,
            consulted: e.members(of: Field.consulted).compactMap(\.reference),
            informed: e.members(of: Field.informed).compactMap(\.reference),
            tags: e.members(of: Field.tags).compactMap(\.string),
            phase: phase, parentTask: parentTask
        )
    }

    /// The visible dependencies of a task on its predecessors.
    public func dependencies(of task: EntityID) -> [DependencyView] {
        visibleChildren(of: task, kind: .dependency).compactMap { id in
            let e = document[id]!
            guard let predecessor = e[Field.predecessor].reference, document.isVisible(predecessor) else { return nil }
            return DependencyView(id: id, successor: task, predecessor: predecessor, lagDays: Int(e[Field.lag].int ?? 0))
        }
    }

    public func checklist(of task: EntityID) -> [ChecklistItemView] {
        visibleChildren(of: task, kind: .checklistItem).map { id in
            let e = document[id]!
            return ChecklistItemView(id: id, title: e[Field.title].string ?? "", done: e[Field.done].bool ?? false, owner: e[Field.owner].reference)
        }
    }

    public var checkIns: [CheckInView] {
        guard let plan = planID else { return [] }
        return visibleChildren(of: plan, kind: .checkIn).map { id in
            let e = document[id]!
            return CheckInView(id: id, at: e[Field.at].instant, agenda: e[Field.agenda].string,
                               attendees: e.members(of: Field.attendees).compactMap(\.reference))
        }.sorted { ($0.at?.milliseconds ?? .max, $0.id) < ($1.at?.milliseconds ?? .max, $1.id) }
    }

    public func resources(of task: EntityID) -> [ResourceView] {
        visibleChildren(of: task, kind: .resource).map { id in
            let e = document[id]!
            return ResourceView(id: id, title: e[Field.title].string ?? "", url: e[Field.url].string ?? "",
                                kind: e[Field.kind].symbol.flatMap(ResourceKind.init(rawValue:)))
        }
    }

    /// Forms on a task, or on the plan when `task` is nil.
    public func forms(on task: EntityID? = nil) -> [EntityID] {
        guard let parent = task ?? planID else { return [] }
        return visibleChildren(of: parent, kind: .form)
    }

    public func formFields(of form: EntityID) -> [FormFieldView] {
        visibleChildren(of: form, kind: .formField).map { id in
            let e = document[id]!
            return FormFieldView(id: id, label: e[Field.label].string ?? "", value: e[Field.value].string,
                                 prefill: e[Field.prefill].string, source: e[Field.source].string,
                                 confirmed: e[Field.confirmed].bool ?? false, required: e[Field.required].bool ?? false)
        }
    }

    public func feedback(on phase: EntityID) -> [FeedbackView] {
        visibleChildren(of: phase, kind: .feedback).map { id in
            let e = document[id]!
            return FeedbackView(id: id, by: e[Field.by].reference, side: e[Field.side].symbol.flatMap(Side.init(rawValue:)),
                                rating: Int(e[Field.rating].int ?? 0), text: e[Field.text].string)
        }
    }

    /// Comments on an entity; internal comments too when this replica has them.
    public func comments(on subject: EntityID) -> [CommentView] {
        var result = visibleChildren(of: subject, kind: .comment).map { id in
            let e = document[id]!
            return CommentView(id: id, subject: subject, author: e.creator, time: e.created.time, text: e.textField(Field.text) ?? "", isInternal: false)
        }
        if let section = internalSectionID {
            for id in visibleChildren(of: section, kind: .internalComment) where document[id]![Field.subject].reference == subject {
                let e = document[id]!
                result.append(CommentView(id: id, subject: subject, author: e.creator, time: e.created.time, text: e.textField(Field.text) ?? "", isInternal: true))
            }
        }
        return result.sorted { ($0.time, $0.id) < ($1.time, $1.id) }
    }

    public var riskNotes: [RiskNoteView] {
        guard let section = internalSectionID else { return [] }
        return visibleChildren(of: section, kind: .riskNote).map { id in
            let e = document[id]!
            return RiskNoteView(id: id, text: e[Field.text].string ?? "", severity: e[Field.severity].symbol.flatMap(Severity.init(rawValue:)),
                                subject: e[Field.subject].reference)
        }
    }

    public var health: Health? {
        internalSectionID.flatMap { document[$0]?[Field.health].symbol }.flatMap(Health.init(rawValue:))
    }
}
