import Testing
import TandemModel
@testable import TandemReports

@Suite("Schedule: critical path, float, target, cycles")
struct ScheduleTests {
    /// Seed strategy 4: a 30-day target and a 10-day step mean the steps before it must finish within 20 days.
    @Test func seedExampleThirtyTenTwenty() throws {
        var t = try TestPlan(targetDays: 30)
        let gather = try t.task("Gather requirements", estimate: 5)
        let configure = try t.task("Configure workspace", estimate: 8, after: [gather])
        let rollout = try t.task("Roll out to teams (takes most teams 10 days)", estimate: 10, after: [configure])
        let schedule = t.schedule()
        let step = try #require(schedule.timing(of: rollout))
        let prerequisite = try #require(schedule.timing(of: configure))
        #expect(step.latestFinishForTarget == t.dayNumber(30))
        #expect(prerequisite.latestFinishForTarget == t.dayNumber(20), "the prerequisites must finish within 20 days")
        #expect(schedule.timing(of: gather)?.latestFinishForTarget == t.dayNumber(12))
        #expect(schedule.goLive == t.dayNumber(23))
        #expect(schedule.slipDays == -7)
        #expect(schedule.criticalPath == [gather, configure, rollout])
        // Stretching the prerequisites to 20 days exactly meets the target; 21 misses it by one.
        try t.plan.editTask(configure, estimateDays: 15)
        #expect(t.schedule().slipDays == 0)
        try t.plan.editTask(configure, estimateDays: 16)
        #expect(t.schedule().slipDays == 1)
    }

    @Test func floatLagAndParallelBranches() throws {
        var t = try TestPlan(targetDays: 30)
        let a = try t.task("A", estimate: 4)
        let b = try t.task("B", estimate: 2)
        let c = try t.task("C", estimate: 3, after: [a], lag: 2)   // starts day 6, ends 9
        let d = try t.task("D", estimate: 1, after: [b])            // starts 2, ends 3
        let end = try t.task("E", estimate: 5)
        try t.plan.addDependency(end, dependsOn: c)
        try t.plan.addDependency(end, dependsOn: d, lagDays: 1)
        let s = t.schedule()
        #expect(s.timing(of: c)?.earlyStart == t.dayNumber(6))
        #expect(s.timing(of: c)?.earlyFinish == t.dayNumber(9))
        #expect(s.goLive == t.dayNumber(14))
        #expect(s.timing(of: d)?.totalFloat == 5, "D may finish as late as day 8 (E starts day 9, lag 1)")
        #expect(s.timing(of: b)?.totalFloat == 5)
        #expect(s.timing(of: a)?.isCritical == true)
        #expect(s.criticalPath == [a, c, end])
        #expect(s.timing(of: d)?.slackToTarget == 21)
    }

    @Test func negativeLagOverlaps() throws {
        var t = try TestPlan()
        let a = try t.task("A", estimate: 10)
        let b = try t.task("B", estimate: 5, after: [a], lag: -3)
        #expect(t.schedule().timing(of: b)?.earlyStart == t.dayNumber(7))
    }

    @Test func dueDatesLaterThanTheLatestFinishAreFlagged() throws {
        var t = try TestPlan(targetDays: 30)
        let a = try t.task("A", estimate: 5, due: 22)   // must finish by day 20
        let b = try t.task("B", estimate: 10, due: 30, after: [a])
        let c = try t.task("C", estimate: 2, due: 20, after: [a])
        let s = t.schedule()
        #expect(s.dueTooLate == [a])
        #expect(s.timing(of: b)?.dueIsTooLate == false)
        #expect(s.timing(of: c)?.dueIsTooLate == false)
    }

    @Test func progressTodayAndCompletedWork() throws {
        var t = try TestPlan(targetDays: 30)
        let a = try t.task("A", estimate: 5, due: 5)
        let b = try t.task("B", estimate: 10, after: [a])
        let c = try t.task("C", estimate: 4, after: [a])
        // A finished two days late; B is in progress; C waits.
        try t.plan.complete(a, at: t.noon(7), lateReason: .excusable, note: "vendor outage")
        try t.plan.setStatus(b, .inProgress, at: t.noon(8))
        var s = t.schedule(today: 9)
        #expect(s.timing(of: a)?.earlyFinish == t.dayNumber(7))
        #expect(s.timing(of: a)?.isFinished == true)
        #expect(s.timing(of: b)?.earlyFinish == t.dayNumber(17), "starts when A finished (day 7), 10 days")
        #expect(s.timing(of: c)?.earlyStart == t.dayNumber(9), "work not started cannot start before today")
        // Much later: in-progress work cannot finish in the past.
        s = t.schedule(today: 25)
        #expect(s.timing(of: b)?.earlyFinish == t.dayNumber(25))
        #expect(s.goLive == t.dayNumber(29))
    }

    @Test func subtasksInheritDependenciesAndHoldTheirParent() throws {
        var t = try TestPlan()
        let first = try t.task("First", estimate: 3)
        let parent = try t.task("Parent", estimate: 2, after: [first])
        let sub = try t.plan.addTask(.init(title: "Sub", estimateDays: 6), in: parent)
        let s = t.schedule()
        #expect(s.timing(of: sub)?.earlyStart == t.dayNumber(3), "a subtask waits for its parent's dependencies")
        #expect(s.timing(of: parent)?.earlyFinish == t.dayNumber(9), "a parent is not finished before its subtasks")
        #expect(s.criticalPath == [first, sub, parent])
    }

    @Test func gatesHoldTheirPhaseUntilApproved() throws {
        var t = try TestPlan(targetDays: 30)
        let build = try t.task("Build", estimate: 3)
        let launchPhase = try t.plan.addPhase(title: "Launch")
        let launch = try t.task("Launch", estimate: 2, after: [build], in: launchPhase)
        try t.plan.setGate(launchPhase, approver: t.customerMember, expected: t.day(10))
        var s = t.schedule()
        #expect(s.timing(of: launch)?.earlyStart == t.dayNumber(10), "waits for the expected approval")
        #expect(s.gates.count == 1 && s.gates[0].isCritical)
        #expect(s.criticalPathNodes == [.gate(phase: launchPhase), .task(launch)], "the approval is what the go-live waits for")
        #expect(PlanReport(plan: t.plan, today: t.day(0)).criticalPath == ["approval of Launch by Bo Chen", "Launch"])
        #expect(throws: PlanError.self) { try t.plan.approveGate(launchPhase, by: t.internalMember, at: t.noon(0)) }
        try t.plan.approveGate(launchPhase, by: t.customerMember, at: t.noon(0))
        s = t.schedule(today: 0)
        #expect(s.timing(of: launch)?.earlyStart == t.dayNumber(3), "approved on day 0: only the dependency holds it")
        #expect(s.gates[0].isFinished)
    }

    @Test func mergedCyclesAreReportedNotFatal() throws {
        var t = try TestPlan()
        let a = try t.task("A", estimate: 2)
        let b = try t.task("B", estimate: 3)
        let c = try t.task("C", estimate: 1, after: [b])
        // Two replicas each add a valid dependency; merged, they make A → B → A.
        var other = OnboardingPlan(replica: PlanReplica(replicaID: ReplicaID(2), wallClock: { 1_772_323_200_000 }))
        for op in t.plan.replica.outbox { other.replica.receive(op) }
        try t.plan.addDependency(b, dependsOn: a)
        try other.addDependency(a, dependsOn: b)
        for op in other.replica.takeOutbox() { t.plan.replica.receive(op) }
        let s = t.schedule()
        #expect(s.cycles.count == 1)
        let cycle = try #require(s.cycles.first)
        #expect(Set(cycle.members) == [a, b])
        #expect(cycle.tasks.count == 2)
        #expect(cycle.ignoredDependencies.count == 2)
        #expect(s.timing(of: a)?.inCycle == true && s.timing(of: c)?.inCycle == false)
        #expect(s.timing(of: c)?.earlyStart == t.dayNumber(3), "the rest is still scheduled")
    }

    @Test func selfLoopsAndLongChainsAreHandled() {
        var input = ScheduleInput(start: 0, today: 0, target: nil)
        let n = 20_000
        for i in 0..<n {
            input.add(.init(kind: .task(EntityID(OperationID(replica: ReplicaID(9), counter: UInt64(i + 1)))), duration: 1, earliestStart: 0))
            if i > 0 { input.connect(.init(from: i - 1, to: i)) }
        }
        input.connect(.init(from: n - 1, to: 0))  // one long cycle: iterative Tarjan must not overflow
        let s = Schedule(input)
        #expect(s.cycles.count == 1 && s.cycles[0].members.count == n)
        #expect(s.goLive == 1)
    }

    @Test func emptyPlanHasNoGoLive() throws {
        let t = try TestPlan()
        let s = t.schedule()
        #expect(s.goLive == nil && s.criticalPath.isEmpty && s.cycles.isEmpty)
    }
}
