@testable import TandemModel

/// A small plan on one replica: two members on two sides, one phase, two tasks.
struct PlanFixture {
    var plan: OnboardingPlan
    let internalMember: EntityID
    let customerMember: EntityID
    let phase: EntityID
    let kickoff: EntityID
    let integrate: EntityID

    init(replica: UInt64 = 1, clock: UInt64 = 1_767_225_600_000) throws {
        plan = OnboardingPlan(replica: PlanReplica(replicaID: ReplicaID(replica), wallClock: { clock }))
        try plan.createPlan(.init(title: "Acme onboarding", customer: "Acme", start: CalendarDate(year: 2026, month: 1, day: 5),
                                  target: CalendarDate(year: 2026, month: 2, day: 4), participants: 6, expertise: .medium, approval: .manager))
        internalMember = try plan.addMember(name: "Olivia", email: "olivia@vendor.example", side: .internal, role: "Onboarding manager")
        customerMember = try plan.addMember(name: "Carl", email: "carl@acme.example", side: .customer, role: "IT lead")
        phase = try plan.addPhase(title: "Kick-off")
        kickoff = try plan.addTask(.init(title: "Kick-off call", due: CalendarDate(year: 2026, month: 1, day: 7), estimateDays: 1), in: phase)
        integrate = try plan.addTask(.init(title: "Connect CRM", due: CalendarDate(year: 2026, month: 1, day: 20), estimateDays: 5), in: phase)
    }

    /// A second replica that has received everything so far.
    func fork(replica: UInt64, clock: UInt64 = 1_767_225_600_000) -> OnboardingPlan {
        var other = OnboardingPlan(replica: PlanReplica(replicaID: ReplicaID(replica), wallClock: { clock }))
        for op in plan.replica.outbox { other.replica.receive(op) }
        return other
    }
}

/// Delivers every operation each side made to the other.
func exchange(_ a: inout OnboardingPlan, _ b: inout OnboardingPlan) {
    let fromA = a.replica.outbox, fromB = b.replica.outbox
    for op in fromB { a.replica.receive(op) }
    for op in fromA { b.replica.receive(op) }
}
