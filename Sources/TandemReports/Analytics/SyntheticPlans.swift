import TandemModel

/// A seeded generator of realistic plan sets for analytics tests and demos.
///
/// Each plan is instantiated from one of the shipped templates through the
/// real schema API, then lived through day by day with a simulated clock, so
/// its operation log has realistic authors and times. The dynamics follow the
/// seeds: customers with low technical expertise are slower; approval steps
/// (manager, executive, security review) add waiting; some tasks are "sticky"
/// (single sign-on, data migration, sign-off) and stall or get reopened more
/// often; late work is given an excusable or preventable reason; each side
/// rates every finished phase, lower when it ran late.
public enum SyntheticPlans {
    /// One generated plan with its operation log.
    public struct Plan: Sendable {
        public let plan: OnboardingPlan
        public let operations: [Operation]
    }

    /// `count` plans started over the 180 days before `asOf`, the same for the same seed.
    public static func generate(count: Int, seed: UInt64, asOf: CalendarDate) -> [Plan] {
        var random = SeededRandom(seed: seed)
        return (0..<count).map { index in
            var planRandom = SeededRandom(seed: random.next())
            return makePlan(index: index, asOf: asOf, random: &planRandom)
        }
    }

    /// Facts of a generated set, ready for ``CrossPlanAnalytics``.
    public static func facts(of plans: [Plan], asOf: CalendarDate) -> [PlanFacts] {
        plans.map { PlanFacts(plan: $0.plan, operations: $0.operations, asOf: asOf) }
    }

    static func isSticky(_ title: String) -> Bool {
        let lower = title.lowercased()
        return ["single sign-on", "migrate", "security", "sign-off", "integration", "legal"].contains { lower.contains($0) }
    }

    static func makePlan(index: Int, asOf: CalendarDate, random: inout SeededRandom) -> Plan {
        let template = random.pick([(PlanTemplate.selfServeSMB, 0.5), (PlanTemplate.midMarket, 0.35), (PlanTemplate.enterprise, 0.15)])
        let expertise: Expertise = switch template.name {
        case PlanTemplate.selfServeSMB.name: random.pick([(.low, 0.5), (.medium, 0.35), (.high, 0.15)])
        case PlanTemplate.midMarket.name: random.pick([(.low, 0.3), (.medium, 0.5), (.high, 0.2)])
        default: random.pick([(.low, 0.2), (.medium, 0.4), (.high, 0.4)])
        }
        let levels: [ApprovalLevel] = [.none, .manager, .executive, .securityReview]
        var approvalIndex = levels.firstIndex(of: template.approval) ?? 0
        if random.chance(0.2) { approvalIndex = min(levels.count - 1, max(0, approvalIndex + (random.chance(0.5) ? 1 : -1))) }
        let approval = levels[approvalIndex]
        let participants = max(1, Int((Double(template.participants) * (0.5 + 1.5 * random.unit())).rounded()))
        let start = asOf.adding(days: -Int(random.next() % 180))
        let replicaID = ReplicaID(UInt64(index) + 1)

        var clock = Instant(milliseconds: Int64(start.adding(days: -1).daysSinceEpoch) * 86_400_000 + 9 * 3_600_000)
        var plan = OnboardingPlan(replica: PlanReplica(replicaID: replicaID, wallClock: { [clock] in UInt64(clock.milliseconds) }))
        var operations: [Operation] = []
        /// Moves the simulated clock (never backwards), keeping the operations made so far.
        func advance(to instant: Instant) {
            operations += plan.replica.takeOutbox()
            if instant > clock { clock = instant }
            let now = UInt64(clock.milliseconds)
            plan.replica = PlanReplica(replicaID: replicaID, document: plan.replica.document, author: plan.replica.author, wallClock: { now })
        }
        let customer = "Customer \(index + 1)"
        let made: TemplateInstantiation
        do {
            try plan.createPlan(.init(title: "\(customer) onboarding", customer: customer, start: start,
                                      target: start.adding(days: template.durationDays), participants: participants,
                                      expertise: expertise, approval: approval, template: template.name))
            made = try template.instantiate(into: &plan, start: start)
        } catch {
            preconditionFailure("shipped templates instantiate: \(error)")
        }

        // Live through the plan: tasks in dependency order, each starting when its
        // predecessors are done, with slowness from the segment and the task.
        let expertiseFactor: Double = switch expertise { case .low: 1.6; case .medium: 1.15; case .high: 0.9 }
        let approvalDelay: Int = switch approval { case .none: 0; case .manager: 3; case .executive: 6; case .securityReview: 10 }
        var finish: [EntityID: Int] = [:]     // task → finish day (days since epoch), if it finishes at all
        var events: [(day: Int, order: Int, apply: (inout OnboardingPlan) throws(PlanError) -> Void, author: EntityID?)] = []
        var abandonedFrom: Int? = nil
        let tasks = plan.allTasks
        var lateness: [EntityID: [Int]] = [:]  // phase → days late of its tasks
        var order = 0
        for task in orderByDependencies(tasks, plan: plan) {
            let predecessors = plan.dependencies(of: task.id).map(\.predecessor) + (plan.subtasks(of: task.id).map(\.id))
            let ready = predecessors.reduce(Int(start.daysSinceEpoch)) { day, p in max(day, finish[p] ?? Int.max / 2) }
            guard ready < Int.max / 4 else { continue }   // waits on work that never finishes
            let owner = task.responsible.first
            let customerSide = owner.flatMap { plan.document[$0]?[Field.side].symbol } == Side.customer.rawValue
            let sticky = isSticky(task.title)
            var days = Double(task.estimateDays ?? 1) * random.spread(0.35)
            if customerSide { days *= expertiseFactor * 1.2 }
            if sticky { days += Double(approvalDelay) * random.unit() * 2 }
            let response = Int(random.unit() * (customerSide ? 3 : 1.5))
            let startDay = ready + response
            let finishDay = startDay + max(0, Int(days.rounded()))
            // Abandonment: the plan goes quiet at a (more likely sticky) task.
            let stallChance = 0.015 + (sticky ? 0.05 : 0) + (expertise == .low ? 0.02 : 0) + (approval == .securityReview && sticky ? 0.03 : 0)
            if abandonedFrom == nil, random.chance(stallChance) { abandonedFrom = startDay }
            let id = task.id
            order += 1
            events.append((startDay, order, { (p: inout OnboardingPlan) throws(PlanError) in try p.setStatus(id, .inProgress, at: noon(startDay)) }, owner))
            finish[id] = finishDay
            let due = task.due.map { Int($0.daysSinceEpoch) }
            let late = due.map { finishDay > $0 } ?? false
            if let phase = task.phase, let due { lateness[phase, default: []].append(max(0, finishDay - due)) }
            let preventable = random.chance(0.55)
            order += 1
            events.append((finishDay, order, { (p: inout OnboardingPlan) throws(PlanError) in
                try p.complete(id, at: noon(finishDay), lateReason: late ? (preventable ? .preventable : .excusable) : nil,
                               note: late ? (preventable ? "slipped down the list" : "waiting on a third party") : nil)
            }, owner))
            if random.chance(sticky ? 0.15 : 0.04) {
                // Reopened (something was missed), then done again.
                let reopenDay = finishDay + 1 + Int(random.next() % 3)
                let redoneDay = reopenDay + 1 + Int(random.next() % 4)
                order += 1
                events.append((reopenDay, order, { (p: inout OnboardingPlan) throws(PlanError) in try p.setStatus(id, .inProgress, at: noon(reopenDay)) }, owner))
                order += 1
                events.append((redoneDay, order, { (p: inout OnboardingPlan) throws(PlanError) in
                    let due = p.task(id).due.map { Int($0.daysSinceEpoch) }
                    let lateAgain = due.map { redoneDay > $0 } ?? false
                    try p.complete(id, at: noon(redoneDay), lateReason: lateAgain ? .preventable : nil, note: lateAgain ? "redone after review" : nil)
                }, owner))
                finish[id] = redoneDay
            }
        }
        // Feedback when a phase is complete, from one member of each side.
        let members = plan.members
        let internalRater = members.first { $0.side == .internal }?.id
        let customerRater = members.first { $0.side == .customer }?.id
        for phase in made.phases {
            let phaseTasks = tasks.filter { $0.phase == phase }
            guard !phaseTasks.isEmpty, let end = phaseTasks.map({ finish[$0.id] ?? Int.max }).max(), end < Int.max else { continue }
            let lateDays = lateness[phase] ?? []
            let averageLate = lateDays.isEmpty ? 0 : Double(lateDays.reduce(0, +)) / Double(lateDays.count)
            for rater in [internalRater, customerRater].compactMap({ $0 }) where random.chance(0.8) {
                let score = 4.6 - 0.25 * averageLate + (random.unit() - 0.5) * 1.6
                let rating = min(5, max(1, Int(score.rounded())))
                let day = end + 1 + Int(random.next() % 3)
                order += 1
                events.append((day, order, { (p: inout OnboardingPlan) throws(PlanError) in
                    try p.addFeedback(on: phase, by: rater, rating: rating, text: rating <= 2 ? "took too long" : nil)
                }, rater))
            }
        }

        let today = Int(asOf.daysSinceEpoch)
        for event in events.sorted(by: { ($0.day, $0.order) < ($1.day, $1.order) }) {
            guard event.day <= today else { break }
            if let quiet = abandonedFrom, event.day > quiet { break }
            advance(to: Instant(milliseconds: Int64(event.day) * 86_400_000 + 9 * 3_600_000 + Int64(event.order % 600) * 60_000))
            plan.replica.author = event.author
            do { try event.apply(&plan) } catch {
                preconditionFailure("simulated edits are valid: \(error)")
            }
        }
        operations += plan.replica.takeOutbox()
        return Plan(plan: plan, operations: operations)
    }

    /// Tasks with every dependency (and subtask) before them; the plan order otherwise.
    static func orderByDependencies(_ tasks: [TaskView], plan: OnboardingPlan) -> [TaskView] {
        var placed: Set<EntityID> = []
        var remaining = tasks
        var result: [TaskView] = []
        while !remaining.isEmpty {
            var next: [TaskView] = []
            for task in remaining {
                let needs = plan.dependencies(of: task.id).map(\.predecessor) + plan.subtasks(of: task.id).map(\.id)
                if needs.allSatisfy(placed.contains) { result.append(task); placed.insert(task.id) } else { next.append(task) }
            }
            if next.count == remaining.count { return result + next }   // a cycle: keep plan order
            remaining = next
        }
        return result
    }

    static func noon(_ day: Int) -> Instant { Instant(milliseconds: Int64(day) * 86_400_000 + 12 * 3_600_000) }
}
