/// Entity kinds of an onboarding plan.
extension EntityKind {
    public static let plan: EntityKind = "plan"
    public static let member: EntityKind = "member"
    public static let goal: EntityKind = "goal"
    public static let phase: EntityKind = "phase"
    /// A task; a task under a task is a subtask.
    public static let task: EntityKind = "task"
    public static let checklistItem: EntityKind = "checklist-item"
    /// A finish-to-start dependency, kept under its successor task.
    public static let dependency: EntityKind = "dependency"
    public static let checkIn: EntityKind = "check-in"
    public static let resource: EntityKind = "resource"
    public static let form: EntityKind = "form"
    public static let formField: EntityKind = "form-field"
    public static let feedback: EntityKind = "feedback"
    public static let comment: EntityKind = "comment"
    /// A collaborative document (title, body text) on the plan or on a task.
    public static let document: EntityKind = "document"
    /// A named version of a document: a marker holding the plan's version vector.
    public static let version: EntityKind = "version"
    /// The internal-only section: everything under it is withheld from customers.
    public static let internalSection: EntityKind = "internal"
    public static let riskNote: EntityKind = "risk-note"
    public static let internalComment: EntityKind = "internal-comment"

    /// Kinds that exist only inside the internal-only section.
    public var isInternalOnly: Bool {
        self == .internalSection || self == .riskNote || self == .internalComment
    }
}

/// A closed set of symbols stored as `.symbol` values.
public protocol PlanSymbol: RawRepresentable<String>, CaseIterable, Hashable, Sendable {
    /// Used in error messages: "status", "side", …
    static var noun: String { get }
}

extension PlanSymbol {
    /// Parses user input, or throws an error listing the allowed values.
    public static func parse(_ text: String, code: PlanError.Code = .invalidValue) throws(PlanError) -> Self {
        let normalized = String(text.lowercased().map { $0 == "_" ? "-" : $0 })
        if let value = Self(rawValue: normalized) { return value }
        let allowed = allCases.map(\.rawValue).joined(separator: ", ")
        throw PlanError(code, "'\(text)' is not a valid \(noun); use one of: \(allowed)")
    }

    public var value: Value { .symbol(rawValue) }
}

public enum Side: String, PlanSymbol {
    case `internal`, customer
    public static let noun = "side"
}

public enum GoalSide: String, PlanSymbol {
    case `internal`, customer, shared
    public static let noun = "goal side"
}

public enum TaskStatus: String, PlanSymbol {
    case todo, inProgress = "in-progress", blocked, done
    public static let noun = "task status"
}

public enum Expertise: String, PlanSymbol {
    case low, medium, high
    public static let noun = "technical expertise"
}

public enum ApprovalLevel: String, PlanSymbol {
    case none, manager, executive, securityReview = "security-review"
    public static let noun = "approval level"
}

public enum ResourceKind: String, PlanSymbol {
    case video, article, document, link
    public static let noun = "resource kind"
}

public enum GoalStatus: String, PlanSymbol {
    case open, met, missed
    public static let noun = "goal status"
}

public enum Severity: String, PlanSymbol {
    case low, medium, high
    public static let noun = "severity"
}

public enum Health: String, PlanSymbol {
    case green, amber, red
    public static let noun = "health"
}

/// The four RACI roles. Responsible, Consulted and Informed are sets;
/// Accountable is a single member, so a merge can never produce two.
public enum RACIRole: String, PlanSymbol {
    case responsible, accountable, consulted, informed
    public static let noun = "RACI role"
    var letter: String { String(rawValue.prefix(1)).uppercased() }
}

/// Field names, in one place so that the schema, exports and history agree.
public enum Field {
    public static let title = "title"
    public static let customer = "customer"
    public static let participants = "participants"
    public static let expertise = "expertise"
    public static let approval = "approval"
    public static let start = "start"
    public static let target = "target"
    public static let template = "template"
    public static let name = "name"
    public static let email = "email"
    public static let side = "side"
    public static let role = "role"
    public static let measure = "measure"
    public static let status = "status"
    public static let due = "due"
    public static let estimate = "estimate"
    public static let completed = "completed"
    public static let description = "description"
    public static let responsible = "responsible"
    public static let accountable = "accountable"
    public static let consulted = "consulted"
    public static let informed = "informed"
    public static let tags = "tags"
    public static let predecessor = "predecessor"
    public static let lag = "lag"
    public static let done = "done"
    public static let owner = "owner"
    public static let at = "at"
    public static let agenda = "agenda"
    public static let attendees = "attendees"
    public static let url = "url"
    public static let kind = "kind"
    public static let label = "label"
    public static let value = "value"
    public static let prefill = "prefill"
    public static let source = "source"
    public static let confirmed = "confirmed"
    public static let required = "required"
    public static let rating = "rating"
    public static let text = "text"
    public static let by = "by"
    public static let subject = "subject"
    public static let severity = "severity"
    public static let health = "health"
    /// A document's text.
    public static let body = "body"
    /// A named version's version vector, in ``VersionVector/compact`` form.
    public static let vector = "vector"
}
