import TandemModel

extension PlanReport {
    /// Builds the report of a plan on `today`.
    ///
    /// - Parameters:
    ///   - operations: the plan's operation log, for engagement (who was active
    ///     when). Without it, engagement falls back to the authors of the
    ///     current field values.
    ///   - audience: `.customer` leaves out internal-only data; a replica with
    ///     no internal section (a customer's) is always reported that way.
    ///   - baseline: a saved baseline to measure date changes against.
    ///   - schedule: pass one when already computed for the same plan and day.
    public init(plan: OnboardingPlan, operations: [Operation]? = nil, today: CalendarDate, audience: Audience = .internal,
                baseline: BaselineView? = nil, schedule: Schedule? = nil) {
        let audience: Audience = plan.internalSectionID == nil ? .customer : audience
        let schedule = schedule ?? Schedule(plan: plan, today: today)
        self.audience = audience
        self.today = today
        let info = plan.info
        self.title = info?.title ?? ""
        self.customer = info?.customer ?? ""
        self.start = info?.start
        self.target = info?.target
        self.template = info?.template
        self.schedule = schedule
        self.goLive = schedule.goLiveDate
        self.slipDays = schedule.slipDays
        let titles = TitleIndex(plan)
        self.criticalPath = schedule.criticalPathNodes.map { node in
            switch node {
            case .task(let id): return titles[id]
            case .gate(let phase): return "approval of \(titles[phase]) by \(plan.gate(of: phase).map { plan.memberName($0.approver) } ?? "?")"
            }
        }
        self.cycles = schedule.cycles.map { $0.tasks.map { titles[$0] } }
        self.blockers = schedule.gates.compactMap { gate in
            guard case .gate(let phase) = gate.kind, let view = plan.gate(of: phase), !view.isApproved else { return nil }
            return Blocker(phase: phase, title: titles[phase], approver: plan.memberName(view.approver), opens: gate.finish, critical: gate.isCritical)
        }

        let tasks = schedule.input.taskViews ?? plan.allTasks
        let members = plan.members
        self.members = members
        var sideOf: [EntityID: Side] = [:]
        for m in members { if let side = m.side { sideOf[m.id] = side } }
        func owners(_ t: TaskView) -> [EntityID] { t.responsible.isEmpty ? (t.accountable.map { [$0] } ?? []) : t.responsible }

        // Progress.
        func progress(_ label: String, _ id: EntityID?, _ subset: [TaskView]) -> Progress {
            Progress(label: label, id: id, done: subset.reduce(0) { $0 + ($1.isDone ? 1 : 0) }, total: subset.count)
        }
        var byPhase: [EntityID: [TaskView]] = [:]
        for t in tasks { if let phase = t.phase { byPhase[phase, default: []].append(t) } }
        let phaseViews = plan.phases
        self.phases = phaseViews.map { progress($0.title, $0.id, byPhase[$0.id] ?? []) }
        self.sides = [Side.internal, .customer].map { side in progress(side.rawValue, nil, tasks.filter { owners($0).contains { sideOf[$0] == side } }) }
        self.overall = progress("all", nil, tasks)

        // On time, late (by reason), overdue.
        var perMember: [EntityID: (Int, Int, Int)] = [:]
        var perSide: [Side: (Int, Int, Int)] = [:]
        var late: [LateCompletion] = []
        var overdue = 0, dueSoFar = 0
        for t in tasks {
            guard let due = t.due else { continue }
            if due < today {
                dueSoFar += 1
                if !t.isDone { overdue += 1 }
            }
            let outcome: (Int, Int, Int)
            if t.isDone {
                let completed = t.completed?.date ?? due
                if completed > due {
                    outcome = (0, 1, 0)
                    let reason = plan.lateCompletion(of: t.id)
                    late.append(LateCompletion(task: t.id, title: t.title, due: due, completed: completed, reason: reason?.reason, note: reason?.note))
                } else {
                    outcome = (1, 0, 0)
                }
            } else if due < today {
                outcome = (0, 0, 1)
            } else {
                continue
            }
            let people = owners(t)
            for person in people {
                let c = perMember[person] ?? (0, 0, 0)
                perMember[person] = (c.0 + outcome.0, c.1 + outcome.1, c.2 + outcome.2)
            }
            for side in Set(people.compactMap { sideOf[$0] }) {
                let c = perSide[side] ?? (0, 0, 0)
                perSide[side] = (c.0 + outcome.0, c.1 + outcome.1, c.2 + outcome.2)
            }
        }
        self.onTimeByMember = members.compactMap { m in
            perMember[m.id].map { OnTime(label: m.name, member: m.id, side: m.side, onTime: $0.0, late: $0.1, overdue: $0.2) }
        }
        self.onTimeBySide = [Side.internal, .customer].map { side in
            let c = perSide[side] ?? (0, 0, 0)
            return OnTime(label: side.rawValue, member: nil, side: side, onTime: c.0, late: c.1, overdue: c.2)
        }
        self.lateCompletions = late.sorted { ($0.completed, $0.title) < ($1.completed, $1.title) }
        self.health = audience == .internal ? Health(overdue: overdue, dueSoFar: dueSoFar) : nil

        // Engagement: the latest operation by a member of each side.
        var latest: [Side: Int64] = [:]
        var recent: [Side: Int] = [:]
        let recentSince = Int64(today.adding(days: -14).daysSinceEpoch) * 86_400_000
        func note(_ author: EntityID?, _ milliseconds: Int64) {
            guard let author, let side = sideOf[author] else { return }
            latest[side] = max(latest[side] ?? .min, milliseconds)
            if milliseconds >= recentSince { recent[side, default: 0] += 1 }
        }
        let document = plan.document
        if let operations {
            for op in operations {
                if audience == .customer, CustomerView.isInternalOnly(op, in: document) { continue }
                note(op.author, Int64(op.time.milliseconds))
            }
        } else {
            for (_, entity) in document.entities where !(audience == .customer && entity.kind.isInternalOnly) {
                note(entity.creator, Int64(entity.created.time.milliseconds))
                for (_, register) in entity.fields { note(register.author, Int64(register.stamp.time.milliseconds)) }
            }
        }
        self.engagement = [Side.internal, .customer].map { side in
            let date = latest[side].map { CalendarDate(utcMilliseconds: $0) }
            // Activity after `today` (a pinned day in the past) counts as today.
            return Engagement(side: side, lastActivity: date, daysSince: date.map { max(0, $0.days(to: today)) }, recentOperations: recent[side] ?? 0)
        }

        // RACI matrix.
        var column: [EntityID: Int] = [:]
        for (i, m) in members.enumerated() { column[m.id] = i }
        self.raci = tasks.map { t in
            var letters = [[String]](repeating: [], count: members.count)
            for r in t.responsible { if let c = column[r] { letters[c].append("R") } }
            if let a = t.accountable, let c = column[a] { letters[c].append("A") }
            for r in t.consulted { if let c = column[r] { letters[c].append("C") } }
            for r in t.informed { if let c = column[r] { letters[c].append("I") } }
            return RACIRow(task: t.id, title: t.title, letters: letters.map { $0.joined(separator: "/") })
        }

        // Timeline, with baseline deltas.
        var comparison: [EntityID: BaselineComparison.Row] = [:]
        var baselineDelta: Int? = nil
        if let baseline {
            let c = BaselineComparison(baseline: baseline, schedule: schedule)
            for row in c.rows { comparison[row.task] = row }
            baselineDelta = c.goLiveDelta
        }
        self.baselineName = baseline?.name
        self.baselineGoLiveDelta = baselineDelta
        var phaseTitle: [EntityID: String] = [:]
        for p in phaseViews { phaseTitle[p.id] = p.title }
        self.timeline = tasks.compactMap { t in
            guard let timing = schedule.timing(of: t.id) else { return nil }
            let people = owners(t)
            let sides = Set(people.compactMap { sideOf[$0] })
            return TimelineRow(task: t.id, title: t.title, phase: t.phase.flatMap { phaseTitle[$0] } ?? "", isSubtask: t.parentTask != nil,
                               status: t.status, start: timing.start, finish: timing.finish, due: t.due, completed: t.completed?.date,
                               floatDays: timing.totalFloat, critical: timing.isCritical, owners: people.map { plan.memberName($0) },
                               side: sides.count == 1 ? sides.first : nil,
                               baselineFinishDelta: comparison[t.id]?.finishDelta, baselineDueDelta: comparison[t.id]?.dueDelta)
        }

        // Feedback per phase.
        self.feedback = phaseViews.map { phase in
            var all = [Int](repeating: 0, count: 5), internalSide = all, customerSide = all
            var comments: [String] = []
            for f in plan.feedback(on: phase.id) where (1...5).contains(f.rating) {
                all[f.rating - 1] += 1
                if f.side == .internal { internalSide[f.rating - 1] += 1 }
                if f.side == .customer { customerSide[f.rating - 1] += 1 }
                if let text = f.text { comments.append("\(f.rating)/5 \(f.side?.rawValue ?? ""): \(text)") }
            }
            return FeedbackSummary(phase: phase.id, title: phase.title, counts: all, internalCounts: internalSide,
                                   customerCounts: customerSide, comments: comments)
        }
    }
}
