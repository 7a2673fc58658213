import Foundation
import TandemModel
import TandemReports

/// Reports figures: the schedule and the full report of a plan with 5,000
/// tasks and 10,000 dependencies (target < 200 ms), and cross-plan analytics
/// over 1,000 synthetic plans (target < 2 s). Prints medians; call from
/// main.swift (`runReportsBenchmark(runs:)`), in a release build.
func runReportsBenchmark(runs: Int = 5) {
    let today = CalendarDate(year: 2026, month: 4, day: 15)!
    let (plan, operations) = reportsBenchPlan(tasks: 5_000, dependencies: 10_000, today: today)
    print("reports: plan with \(plan.allTasks.count) tasks, \(operations.count) operations")
    var schedule: Schedule? = nil
    let scheduleTimes = (0..<runs).map { _ in reportsTime { schedule = Schedule(plan: plan, today: today) } }
    print("reports: schedule (CPM, 5,000 tasks, 10,000 dependencies): median \(reportsFormat(reportsMedian(scheduleTimes))) (\(reportsCPU(runs)); \(runs) runs)")
    if let s = schedule { print("reports:   go-live \(s.goLiveDate.map(\.description) ?? "—"), critical path of \(s.criticalPath.count) tasks, \(s.cycles.count) cycles") }
    var report: PlanReport? = nil
    let buildTimes = (0..<runs).map { _ in reportsTime { report = PlanReport(plan: plan, operations: operations, today: today) } }
    print("reports: report build (schedule included): median \(reportsFormat(reportsMedian(buildTimes))) (\(reportsCPU(runs)))")
    guard let report else { return }
    for (name, render) in [("JSON", { _ = report.json.rendered(pretty: true) }), ("CSV", { _ = report.csv }),
                           ("Markdown", { _ = report.markdown }), ("HTML", { _ = report.html })] as [(String, () -> Void)] {
        let times = (0..<runs).map { _ in reportsTime(render) }
        print("reports: render \(name): median \(reportsFormat(reportsMedian(times))) (\(reportsCPU(runs)))")
    }
    let totalTimes = (0..<runs).map { _ in
        reportsTime {
            let r = PlanReport(plan: plan, operations: operations, today: today)
            _ = r.json.rendered(pretty: false)
            _ = r.html
        }
    }
    print("reports: schedule + report + JSON + HTML: median \(reportsFormat(reportsMedian(totalTimes))) (\(reportsCPU(runs)))")
    let headline = (0..<runs).map { _ in reportsTime { _ = PlanReport(plan: plan, operations: operations, today: today).html } }
    print("reports: schedule + report + HTML page: median \(reportsFormat(reportsMedian(headline))) (\(reportsCPU(runs)); target < 200 ms)")

    let asOf = CalendarDate(year: 2026, month: 6, day: 1)!
    var plans: [SyntheticPlans.Plan] = []
    let generate = reportsTime { plans = SyntheticPlans.generate(count: 1_000, seed: 2026, asOf: asOf) }
    let operationCount = plans.reduce(0) { $0 + $1.operations.count }
    print("reports: generated 1,000 synthetic plans (\(operationCount) operations) in \(reportsFormat(generate))")
    var analytics: CrossPlanAnalytics? = nil
    let analyticsTimes = (0..<runs).map { _ in
        reportsTime { analytics = CrossPlanAnalytics(SyntheticPlans.facts(of: plans, asOf: asOf)) }
    }
    print("reports: analytics over 1,000 plans (facts from plans + operation logs, then figures): median \(reportsFormat(reportsMedian(analyticsTimes))) (\(reportsCPU(runs)); target < 2 s)")
    if let a = analytics, let p10 = a.timeToValue.p10, let p50 = a.timeToValue.p50, let p90 = a.timeToValue.p90 {
        print("reports:   time to value p10 \(p10)d · p50 \(p50)d · p90 \(p90)d (\(a.timeToValue.count) finished, \(a.timeToValue.unfinished) not yet)")
    }
}

/// A plan of `tasks` tasks in 20 phases with 10 members and `dependencies`
/// finish-to-start links to earlier tasks (so no cycle); a third of the work done.
private func reportsBenchPlan(tasks count: Int, dependencies: Int, today: CalendarDate) -> (OnboardingPlan, [TandemModel.Operation]) {
    var random = SeededRandom(seed: 5)
    let start = today.adding(days: -60)
    var plan = OnboardingPlan(replica: PlanReplica(replicaID: ReplicaID(42), wallClock: { 1_775_000_000_000 }))
    do {
        try plan.createPlan(.init(title: "Benchmark rollout", customer: "Bench Corp", start: start, target: start.adding(days: 365)))
        var members: [EntityID] = []
        for i in 0..<10 { members.append(try plan.addMember(name: "Member \(i)", side: i % 2 == 0 ? .internal : .customer)) }
        var phases: [EntityID] = []
        for i in 0..<20 { phases.append(try plan.addPhase(title: "Phase \(i + 1)", after: phases.last)) }
        var ids: [EntityID] = []
        for i in 0..<count {
            let id = try plan.addTask(.init(title: "Task \(i + 1)", due: start.adding(days: i / 20 + Int(random.next() % 10)),
                                            estimateDays: 1 + Int(random.next() % 5), responsible: members[i % 10],
                                            accountable: members[(i + 3) % 10]), in: phases[i * 20 / count])
            ids.append(id)
        }
        // Dependencies to earlier tasks, written with the generic mechanism the
        // schema uses (addDependency's own cycle check is quadratic over 10,000 links).
        var added = 0
        var seen: Set<Int> = []
        while added < dependencies {
            let successor = 1 + Int(random.next() % UInt64(count - 1))
            let predecessor = max(0, successor - 1 - Int(random.next() % 40))
            guard seen.insert(successor * count + predecessor).inserted else { continue }
            let dependency = plan.replica.create(.dependency, under: ids[successor])
            plan.replica.set(dependency, Field.predecessor, .reference(ids[predecessor]))
            plan.replica.set(dependency, Field.lag, .int(Int64(random.next() % 3)))
            added += 1
        }
        for (i, id) in ids.enumerated() where i < count / 3 {
            let due = plan.task(id).due!
            let done = due.adding(days: Int(random.next() % 4) - 1)
            try plan.complete(id, at: Instant(milliseconds: Int64(min(done, today).daysSinceEpoch) * 86_400_000 + 43_200_000),
                              lateReason: done > due ? .excusable : nil, note: done > due ? "bench" : nil)
        }
        for phase in phases { try plan.addFeedback(on: phase, by: members[1], rating: 1 + Int(random.next() % 5)) }
    } catch {
        preconditionFailure("benchmark plan: \(error)")
    }
    return (plan, plan.replica.outbox)
}

/// Wall-clock seconds of `body`; its thread CPU time is kept in `reportsLastCPU`
/// (on a loaded machine, wall time includes waiting for a core; CPU time does not).
private func reportsTime(_ body: () -> Void) -> Double {
    let cpuStart = reportsThreadCPU()
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    reportsCPUSamples.append(reportsThreadCPU() - cpuStart)
    return wall
}

nonisolated(unsafe) private var reportsCPUSamples: [Double] = []

/// The median CPU time of the last `count` timings.
private func reportsCPU(_ count: Int) -> String {
    "CPU \(reportsFormat(reportsMedian(Array(reportsCPUSamples.suffix(count)))))"
}

private func reportsThreadCPU() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

private func reportsMedian(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

private func reportsFormat(_ seconds: Double) -> String {
    seconds < 1 ? String(format: "%.1f ms", seconds * 1000) : String(format: "%.2f s", seconds)
}
