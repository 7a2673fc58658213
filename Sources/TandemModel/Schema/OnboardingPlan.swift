/// The typed, validated API over a plan replica: what the CLI and the server
/// use to read and edit an onboarding plan.
///
/// Every edit checks the schema first and throws a ``PlanError`` naming the
/// problem; an edit that passes becomes one or more operations in
/// `replica.outbox`. Merges of remote operations go straight to the replica
/// and are never refused here: convergence comes before validation, and the
/// read side tolerates what a merge can produce (e.g. a dependency cycle made
/// by two concurrent edits is reported by the schedule, not hidden).
public struct OnboardingPlan: Sendable {
    public var replica: PlanReplica

    public init(replica: PlanReplica) { self.replica = replica }

    public var document: PlanDocument { replica.document }

    /// The plan root: the earliest-created visible root of kind `plan`.
    public var planID: EntityID? {
        document.roots.filter { document[$0]?.kind == .plan && document.isVisible($0) }.min {
            document[$0]!.created < document[$1]!.created
        }
    }

    public func requirePlan() throws(PlanError) -> EntityID {
        guard let id = planID else { throw PlanError(.noPlan, "this replica has no plan yet; create one with 'tandem plan create' or join one") }
        return id
    }

    /// Details given when a plan is created.
    public struct Details: Sendable {
        public var title: String
        public var customer: String
        public var start: CalendarDate?
        public var target: CalendarDate?
        public var participants: Int?
        public var expertise: Expertise?
        public var approval: ApprovalLevel?
        public var template: String?

        public init(title: String, customer: String, start: CalendarDate? = nil, target: CalendarDate? = nil,
                    participants: Int? = nil, expertise: Expertise? = nil, approval: ApprovalLevel? = nil, template: String? = nil) {
            self.title = title
            self.customer = customer
            self.start = start
            self.target = target
            self.participants = participants
            self.expertise = expertise
            self.approval = approval
            self.template = template
        }
    }

    /// Creates the plan root and its internal-only section.
    @discardableResult
    public mutating func createPlan(_ details: Details) throws(PlanError) -> EntityID {
        try Self.requireText(details.title, "plan title")
        try Self.requireText(details.customer, "customer name")
        if let start = details.start, let target = details.target, target < start {
            throw PlanError(.invalidDate, "the target go-live \(target) is before the start \(start)")
        }
        if let participants = details.participants, participants < 1 {
            throw PlanError(.invalidValue, "participants must be at least 1, not \(participants)")
        }
        let plan = replica.create(.plan, under: nil)
        replica.set(plan, Field.title, .string(details.title))
        replica.set(plan, Field.customer, .string(details.customer))
        if let start = details.start { replica.set(plan, Field.start, .date(start)) }
        if let target = details.target { replica.set(plan, Field.target, .date(target)) }
        if let participants = details.participants { replica.set(plan, Field.participants, .int(Int64(participants))) }
        if let expertise = details.expertise { replica.set(plan, Field.expertise, expertise.value) }
        if let approval = details.approval { replica.set(plan, Field.approval, approval.value) }
        if let template = details.template { replica.set(plan, Field.template, .string(template)) }
        replica.create(.internalSection, under: plan)
        return plan
    }

    /// Changes plan-level attributes; nil leaves a value alone.
    public mutating func editPlan(title: String? = nil, customer: String? = nil, start: CalendarDate? = nil, target: CalendarDate? = nil,
                                  participants: Int? = nil, expertise: Expertise? = nil, approval: ApprovalLevel? = nil) throws(PlanError) {
        let plan = try requirePlan()
        if let title { try Self.requireText(title, "plan title"); replica.set(plan, Field.title, .string(title)) }
        if let customer { try Self.requireText(customer, "customer name"); replica.set(plan, Field.customer, .string(customer)) }
        let newStart = start ?? document[plan]?[Field.start].date
        let newTarget = target ?? document[plan]?[Field.target].date
        if let s = newStart, let t = newTarget, t < s {
            throw PlanError(.invalidDate, "the target go-live \(t) is before the start \(s)")
        }
        if let start { replica.set(plan, Field.start, .date(start)) }
        if let target { replica.set(plan, Field.target, .date(target)) }
        if let participants {
            guard participants >= 1 else { throw PlanError(.invalidValue, "participants must be at least 1, not \(participants)") }
            replica.set(plan, Field.participants, .int(Int64(participants)))
        }
        if let expertise { replica.set(plan, Field.expertise, expertise.value) }
        if let approval { replica.set(plan, Field.approval, approval.value) }
    }

    /// The internal-only section of the plan.
    public var internalSectionID: EntityID? {
        guard let plan = planID else { return nil }
        return document.allChildren(of: plan).first { document[$0]?.kind == .internalSection }
    }

    // MARK: Generic lifecycle

    public mutating func delete(_ id: EntityID) throws(PlanError) {
        let entity = try require(id)
        guard entity.kind != .plan, entity.kind != .internalSection else {
            throw PlanError(.invalidMove, "the \(entity.kind) itself cannot be deleted")
        }
        guard !entity.isDeleted else { throw PlanError(.deleted, "\(entity.kind) \(id.short()) is already deleted") }
        replica.delete(id)
    }

    public mutating func restore(_ id: EntityID) throws(PlanError) {
        let entity = try require(id, allowDeleted: true)
        guard entity.isDeleted else { throw PlanError(.invalidValue, "\(entity.kind) \(id.short()) is not deleted") }
        replica.restore(id)
    }

    // MARK: Validation helpers

    /// The entity, which must exist (and by default not be deleted).
    @discardableResult
    public func require(_ id: EntityID, kind: EntityKind? = nil, allowDeleted: Bool = false) throws(PlanError) -> EntityState {
        guard let entity = document[id] else { throw PlanError(.unknownEntity, "no entity \(id.short()) in this plan") }
        if let kind, entity.kind != kind {
            throw PlanError(.wrongKind, "\(id.short()) is a \(entity.kind), not a \(kind)")
        }
        if !allowDeleted, !document.isVisible(id) {
            throw PlanError(.deleted, "\(entity.kind) \(id.short()) is deleted; restore it first ('tandem restore \(id.short())')")
        }
        return entity
    }

    /// A member reference that resolves to a current member.
    public func requireMember(_ id: EntityID) throws(PlanError) {
        guard let entity = document[id], entity.kind == .member else {
            throw PlanError(.unknownMember, "\(id.short()) is not a member of this plan; list members with 'tandem member list'")
        }
        guard document.isVisible(id) else { throw PlanError(.unknownMember, "member \(id.short()) has been removed from this plan") }
    }

    static func requireText(_ text: String, _ what: String) throws(PlanError) {
        guard text.contains(where: { !$0.isWhitespace }) else { throw PlanError(.emptyText, "the \(what) cannot be empty") }
    }

    /// Parses `YYYY-MM-DD` with a clear error.
    public static func parseDate(_ text: String, _ what: String = "date") throws(PlanError) -> CalendarDate {
        guard let date = CalendarDate(iso8601: text) else {
            throw PlanError(.invalidDate, "'\(text)' is not a valid \(what); use YYYY-MM-DD, e.g. 2026-03-31")
        }
        return date
    }

    /// Parses `YYYY-MM-DDTHH:MMZ` (or a date) with a clear error.
    public static func parseInstant(_ text: String, _ what: String = "time") throws(PlanError) -> Instant {
        guard let instant = Instant(iso8601: text) else {
            throw PlanError(.invalidDate, "'\(text)' is not a valid \(what); use YYYY-MM-DDTHH:MMZ (UTC), e.g. 2026-03-31T15:00Z")
        }
        return instant
    }

    /// Kinds of the visible children of `parent`, in sibling order.
    func visibleChildren(of parent: EntityID, kind: EntityKind) -> [EntityID] {
        document.children(of: parent).filter { document[$0]?.kind == kind }
    }
}
