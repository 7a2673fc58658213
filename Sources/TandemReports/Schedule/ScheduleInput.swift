import TandemModel

/// What the schedule is computed from, as plain data: one node per task (and
/// one per approval gate), edges for the dependencies between them.
///
/// Built from a plan by ``init(plan:today:)``; tests and what-if analyses edit
/// it directly (``Node/delay`` is the what-if slip).
public struct ScheduleInput: Sendable {
    /// What a node stands for.
    public enum NodeKind: Hashable, Sendable {
        case task(EntityID)
        /// A phase's approval gate: a zero-length node its tasks wait for.
        case gate(phase: EntityID)

        /// The task, for a task node.
        public var taskID: EntityID? { if case .task(let id) = self { return id } else { return nil } }
    }

    public struct Node: Sendable {
        public var kind: NodeKind
        /// Days of work (the estimate; 0 when there is none).
        public var duration: Int
        /// Whether the task had an estimate (reports flag the ones without).
        public var hasEstimate: Bool
        /// A finished node's actual finish: a done task's completion day, an approved gate's approval day.
        public var fixedFinish: Int?
        /// The earliest day the node may start (the plan start, and today for work not started yet).
        public var earliestStart: Int
        /// The earliest day the node may finish (today for work in progress).
        public var earliestFinish: Int?
        public var due: Int?
        /// Extra days added to the finish: the what-if slip.
        public var delay: Int

        public init(kind: NodeKind, duration: Int, hasEstimate: Bool = true, fixedFinish: Int? = nil, earliestStart: Int,
                    earliestFinish: Int? = nil, due: Int? = nil, delay: Int = 0) {
            self.kind = kind
            self.duration = duration
            self.hasEstimate = hasEstimate
            self.fixedFinish = fixedFinish
            self.earliestStart = earliestStart
            self.earliestFinish = earliestFinish
            self.due = due
            self.delay = delay
        }

        public var isFinished: Bool { fixedFinish != nil }
    }

    public struct Edge: Hashable, Sendable {
        public enum Kind: Hashable, Sendable {
            /// The successor starts `lag` days after the predecessor finishes.
            case finishToStart
            /// The successor finishes no earlier than `lag` days after the predecessor
            /// finishes (a parent task and its subtasks).
            case finishToFinish
        }

        public let from: Int
        public let to: Int
        public let lag: Int
        public let kind: Kind
        /// The dependency entity, for a dependency the user made.
        public let dependency: EntityID?

        public init(from: Int, to: Int, lag: Int = 0, kind: Kind = .finishToStart, dependency: EntityID? = nil) {
            self.from = from
            self.to = to
            self.lag = lag
            self.kind = kind
            self.dependency = dependency
        }
    }

    public var nodes: [Node] = []
    public var edges: [Edge] = []
    /// Day numbers are days since 1970-01-01 (``CalendarDate/daysSinceEpoch``).
    public var start: Int
    public var today: Int
    public var target: Int?
    /// The plan's tasks as read when the input was built from a plan, so that
    /// reports built on the same schedule need not read them again.
    public internal(set) var taskViews: [TaskView]? = nil

    public init(start: Int, today: Int, target: Int?) {
        self.start = start
        self.today = today
        self.target = target
    }

    /// Adds a node and returns its index.
    @discardableResult
    public mutating func add(_ node: Node) -> Int {
        nodes.append(node)
        return nodes.count - 1
    }

    public mutating func connect(_ edge: Edge) { edges.append(edge) }

    /// The index of a task's node.
    public func index(of task: EntityID) -> Int? {
        nodes.firstIndex { $0.kind == .task(task) }
    }
}
