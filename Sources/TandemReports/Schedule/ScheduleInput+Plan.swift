import TandemModel

extension ScheduleInput {
    /// The schedule input of a plan on `today`.
    ///
    /// - Every visible task is a node lasting its estimate (0 days without one).
    /// - Work not started (todo, blocked) cannot start before today; work in
    ///   progress cannot finish before today; done work finishes on its
    ///   completion day. Nothing starts before the plan's start.
    /// - Dependencies are finish-to-start with their lag. A subtask inherits its
    ///   parent's dependencies, and a parent is not finished before its subtasks.
    /// - A gated phase gets a gate node that all its tasks wait for: the
    ///   approval day once approved, else no earlier than today and the
    ///   expected approval day.
    public init(plan: OnboardingPlan, today: CalendarDate) {
        let info = plan.info
        let todayDay = Int(today.daysSinceEpoch)
        let startDay = info?.start.map { Int($0.daysSinceEpoch) } ?? todayDay
        self.init(start: startDay, today: todayDay, target: info?.target.map { Int($0.daysSinceEpoch) })
        let tasks = plan.allTasks
        taskViews = tasks
        var index: [EntityID: Int] = [:]
        index.reserveCapacity(tasks.count)
        for task in tasks {
            var node = Node(kind: .task(task.id), duration: task.estimateDays ?? 0, hasEstimate: task.estimateDays != nil,
                            earliestStart: startDay, due: task.due.map { Int($0.daysSinceEpoch) })
            switch task.status {
            case .done: node.fixedFinish = Int((task.completed?.date ?? today).daysSinceEpoch)
            case .inProgress: node.earliestFinish = todayDay
            case .todo, .blocked: node.earliestStart = max(startDay, todayDay)
            }
            index[task.id] = add(node)
        }
        // Dependencies, then inheritance by subtasks (tasks come parents first).
        var incoming: [Int: [Edge]] = [:]
        for edge in Self.dependencyEdges(plan.document, index: index) {
            connect(edge)
            incoming[edge.to, default: []].append(edge)
        }
        for task in tasks {
            guard let parent = task.parentTask, let parentIndex = index[parent] else { continue }
            let child = index[task.id]!
            connect(Edge(from: child, to: parentIndex, kind: .finishToFinish))
            for inherited in incoming[parentIndex] ?? [] where inherited.from != child {
                let edge = Edge(from: inherited.from, to: child, lag: inherited.lag)
                connect(edge)
                incoming[child, default: []].append(edge)
            }
        }
        // Gates.
        var tasksByPhase: [EntityID: [Int]] = [:]
        for task in tasks { if let phase = task.phase { tasksByPhase[phase, default: []].append(index[task.id]!) } }
        for phase in plan.phases {
            guard let gate = plan.gate(of: phase.id) else { continue }
            var node = Node(kind: .gate(phase: phase.id), duration: 0, earliestStart: max(startDay, todayDay))
            if let approved = gate.approvedAt {
                node.fixedFinish = Int(approved.date.daysSinceEpoch)
            } else if let expected = gate.expected {
                node.earliestStart = max(node.earliestStart, Int(expected.daysSinceEpoch))
            }
            let gateIndex = add(node)
            for member in tasksByPhase[phase.id] ?? [] { connect(Edge(from: gateIndex, to: member)) }
        }
    }

    /// Every visible dependency between visible tasks, in one pass over the
    /// document (the same set as `plan.dependencies(of:)` for every task, which
    /// reads each task's children and walks each predecessor's ancestors).
    /// Visible tasks are exactly the keys of `index`, so a dependency counts when
    /// it is not deleted, sits under an indexed task and names an indexed one.
    /// Sorted by successor, then dependency id: one order on every replica.
    static func dependencyEdges(_ document: PlanDocument, index: [EntityID: Int]) -> [Edge] {
        var edges: [Edge] = []
        edges.reserveCapacity(index.count * 2)
        for (id, entity) in document.entities where entity.kind == .dependency && !entity.isDeleted {
            guard let successorID = document.parent(of: id), let successor = index[successorID],
                  let predecessorID = entity[Field.predecessor].reference, let predecessor = index[predecessorID] else { continue }
            edges.append(Edge(from: predecessor, to: successor, lag: Int(entity[Field.lag].int ?? 0), dependency: id))
        }
        return edges.sorted { ($0.to, $0.dependency!) < ($1.to, $1.dependency!) }
    }
}
