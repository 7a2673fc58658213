/// A reusable onboarding plan for one customer segment: phases and tasks with
/// due dates relative to the start, estimates, dependencies, RACI by role
/// placeholder, goals and resources.
///
/// Templates are plain data so the CLI and the server instantiate the same
/// plans; ``instantiate(into:start:roles:)`` turns one into operations.
public struct PlanTemplate: Sendable, Hashable {
    /// A role placeholder (e.g. `onboarding-manager`) mapped to a member at instantiation.
    public struct Role: Sendable, Hashable {
        public let key: String
        public let title: String
        public let side: Side

        public init(_ key: String, _ title: String, _ side: Side) {
            self.key = key
            self.title = title
            self.side = side
        }
    }

    public struct Goal: Sendable, Hashable {
        public let title: String
        public let side: GoalSide
        public let measure: String

        public init(_ title: String, _ side: GoalSide, measure: String) {
            self.title = title
            self.side = side
            self.measure = measure
        }
    }

    public struct Resource: Sendable, Hashable {
        public let title: String
        public let url: String
        public let kind: ResourceKind

        public init(_ title: String, _ url: String, _ kind: ResourceKind) {
            self.title = title
            self.url = url
            self.kind = kind
        }
    }

    /// A task; `key` names it for dependencies within the template.
    public struct Task: Sendable, Hashable {
        public let key: String
        public let title: String
        /// Due this many days after the plan's start.
        public let dueDay: Int
        public let estimateDays: Int
        /// Role keys.
        public let responsible: [String]
        public let accountable: String?
        public let consulted: [String]
        public let informed: [String]
        /// Keys of tasks that must finish first.
        public let after: [String]
        public let checklist: [String]
        public let resources: [Resource]
        public let subtasks: [Task]

        public init(_ key: String, _ title: String, day: Int, estimate: Int, r: [String], a: String? = nil,
                    c: [String] = [], i: [String] = [], after: [String] = [], checklist: [String] = [],
                    resources: [Resource] = [], subtasks: [Task] = []) {
            self.key = key
            self.title = title
            self.dueDay = day
            self.estimateDays = estimate
            self.responsible = r
            self.accountable = a
            self.consulted = c
            self.informed = i
            self.after = after
            self.checklist = checklist
            self.resources = resources
            self.subtasks = subtasks
        }
    }

    public struct Phase: Sendable, Hashable {
        public let title: String
        public let tasks: [Task]

        public init(_ title: String, _ tasks: [Task]) {
            self.title = title
            self.tasks = tasks
        }
    }

    /// The name used on the command line, e.g. `enterprise`.
    public let name: String
    public let title: String
    public let summary: String
    public let participants: Int
    public let expertise: Expertise
    public let approval: ApprovalLevel
    /// Days from start to the target go-live when none is given.
    public let durationDays: Int
    public let roles: [Role]
    public let goals: [Goal]
    public let phases: [Phase]

    public init(name: String, title: String, summary: String, participants: Int, expertise: Expertise, approval: ApprovalLevel,
                durationDays: Int, roles: [Role], goals: [Goal], phases: [Phase]) {
        self.name = name
        self.title = title
        self.summary = summary
        self.participants = participants
        self.expertise = expertise
        self.approval = approval
        self.durationDays = durationDays
        self.roles = roles
        self.goals = goals
        self.phases = phases
    }

    /// Every task, depth first.
    public var allTasks: [Task] {
        func flatten(_ tasks: [Task]) -> [Task] { tasks.flatMap { [$0] + flatten($0.subtasks) } }
        return phases.flatMap { flatten($0.tasks) }
    }
}
