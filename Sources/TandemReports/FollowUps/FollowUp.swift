import TandemModel

/// A follow-up message drafted for a task (or a weekly digest): who it goes
/// to, who is copied, and a text that always says why the task matters (the
/// goal it serves) and what waiting costs (the timeline implication).
public struct FollowUp: Hashable, Sendable {
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// Due within the reminder window.
        case dueSoon = "due-soon"
        case overdue
        /// Overdue long enough to go to the Accountable member.
        case escalation
        /// The weekly summary.
        case digest
    }

    public let kind: Kind
    /// Identifies the reminder so that it is recorded (and sent) once, e.g. `overdue:<task>:<day>`.
    public let key: String
    public let task: EntityID?
    public let day: CalendarDate
    public let to: [EntityID]
    public let cc: [EntityID]
    public let subject: String
    public let body: String
    /// Titles of the goals cited.
    public let goals: [String]
    /// The timeline sentence, also part of the body.
    public let implication: String

    public init(kind: Kind, key: String, task: EntityID?, day: CalendarDate, to: [EntityID], cc: [EntityID],
                subject: String, body: String, goals: [String], implication: String) {
        self.kind = kind
        self.key = key
        self.task = task
        self.day = day
        self.to = to
        self.cc = cc
        self.subject = subject
        self.body = body
        self.goals = goals
        self.implication = implication
    }

    /// The text recorded in the plan: subject, blank line, body.
    public var text: String { subject + "\n\n" + body }

    /// Records this follow-up in the plan (a no-op when its key is recorded already).
    @discardableResult
    public func record(in plan: inout OnboardingPlan) throws(PlanError) -> EntityID? {
        try plan.recordFollowUp(key: key, kind: kind.rawValue, subject: task, day: day, recipients: to, copied: cc, text: text)
    }
}
