import TandemModel
import TandemReports

/// Builds small plans in memory for report tests. Dates are given as day
/// offsets from `start` (2026-03-01) so the arithmetic in tests reads plainly.
struct TestPlan {
    var plan: OnboardingPlan
    let start = CalendarDate(year: 2026, month: 3, day: 1)!
    let internalMember: EntityID
    let customerMember: EntityID
    var phase: EntityID

    init(targetDays: Int? = 30, replica: UInt64 = 1) throws {
        plan = OnboardingPlan(replica: PlanReplica(replicaID: ReplicaID(replica), wallClock: { 1_772_323_200_000 }))
        try plan.createPlan(.init(title: "Acme onboarding", customer: "Acme", start: CalendarDate(year: 2026, month: 3, day: 1),
                                  target: targetDays.map { CalendarDate(year: 2026, month: 3, day: 1)!.adding(days: $0) }))
        internalMember = try plan.addMember(name: "Ana Ruiz", email: "ana@vendor.example", side: .internal, role: "CSM")
        customerMember = try plan.addMember(name: "Bo Chen", email: "bo@acme.example", side: .customer, role: "Champion")
        phase = try plan.addPhase(title: "Setup")
    }

    func day(_ offset: Int) -> CalendarDate { start.adding(days: offset) }
    func dayNumber(_ offset: Int) -> Int { Int(start.adding(days: offset).daysSinceEpoch) }

    @discardableResult
    mutating func task(_ title: String, estimate: Int?, due: Int? = nil, after: [EntityID] = [], lag: Int = 0,
                       in phase: EntityID? = nil, responsible: EntityID? = nil, accountable: EntityID? = nil) throws -> EntityID {
        let id = try plan.addTask(.init(title: title, due: due.map(day), estimateDays: estimate,
                                        responsible: responsible, accountable: accountable), in: phase ?? self.phase)
        for predecessor in after { try plan.addDependency(id, dependsOn: predecessor, lagDays: lag) }
        return id
    }

    /// Noon UTC on a day offset, for completion times.
    func noon(_ offset: Int) -> Instant {
        Instant(milliseconds: Int64(day(offset).daysSinceEpoch) * 86_400_000 + 43_200_000)
    }

    func schedule(today offset: Int = 0) -> Schedule { Schedule(plan: plan, today: day(offset)) }
}
