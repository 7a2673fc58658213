import Testing
import TandemModel
@testable import TandemReports

@Suite("Cross-plan analytics: hand-computed figures and generated data")
struct AnalyticsTests {
    static let s = CalendarDate(year: 2026, month: 1, day: 5)!
    static let asOf = s.adding(days: 40)

    static func task(_ phase: String, _ title: String, _ side: Side, due: Int, done: Int? = nil, reopened: Int = 0,
                     last: Int? = nil, actionable: Bool = false) -> PlanFacts.TaskFacts {
        PlanFacts.TaskFacts(phase: phase, title: title, side: side, due: s.adding(days: due), completed: done.map { s.adding(days: $0) },
                            isDone: done != nil, reopenCount: reopened, lastActivity: (last ?? done).map { s.adding(days: $0) },
                            isActionable: actionable)
    }

    static func plan(_ template: String, _ participants: Int, _ expertise: Expertise, _ tasks: [PlanFacts.TaskFacts],
                     _ ratings: [PlanFacts.Rating] = []) -> PlanFacts {
        PlanFacts(template: template, participants: participants, expertise: expertise, approval: .none, start: s, asOf: asOf,
                  tasks: tasks, ratings: ratings)
    }

    /// Five plans whose figures are worked out by hand in docs/reports.md's example.
    static let plans: [PlanFacts] = [
        plan("smb", 3, .low, [task("Kickoff", "Call", .internal, due: 2, done: 2), task("Setup", "SSO", .customer, due: 10, done: 14, reopened: 1)],
             [.init(phase: "Kickoff", side: .internal, rating: 5), .init(phase: "Kickoff", side: .customer, rating: 4)]),
        plan("smb", 8, .medium, [task("Kickoff", "Call", .internal, due: 2, done: 1), task("Setup", "SSO", .customer, due: 10, last: 5, actionable: true)]),
        plan("smb", 30, .high, [task("Kickoff", "Call", .internal, due: 2, done: 3), task("Setup", "SSO", .customer, due: 10, done: 20)],
             [.init(phase: "Setup", side: .customer, rating: 2)]),
        plan("mid-market", 12, .medium, [task("Kickoff", "Call", .internal, due: 3, done: 3), task("Setup", "Integrate", .customer, due: 12, done: 30, reopened: 2)],
             [.init(phase: "Kickoff", side: .customer, rating: 3)]),
        plan("smb", 4, .low, [task("Kickoff", "Call", .internal, due: 2, done: 2), task("Setup", "SSO", .customer, due: 10, done: 7)]),
    ]

    @Test func timeToValueIsADistribution() {
        let a = CrossPlanAnalytics(Self.plans)
        #expect(a.timeToValue.values == [7, 14, 20, 30])
        #expect(a.timeToValue.unfinished == 1)
        #expect(a.timeToValue.p10 == 7 && a.timeToValue.p50 == 14 && a.timeToValue.p90 == 30)
        #expect(a.timeToValue.histogram.map(\.count) == [1, 2, 0, 1])
        #expect(a.timeToValue.histogram.map(\.lower) == [7, 14, 21, 28])
        #expect(a.timeToValue.mean == 17.75)
    }

    @Test func dropOffRanking() throws {
        let a = CrossPlanAnalytics(Self.plans)
        #expect(a.tasks.map { "\($0.template)/\($0.task!)" } == ["smb/SSO", "mid-market/Integrate", "smb/Call", "mid-market/Call"])
        let sso = a.tasks[0]
        #expect(sso.instances == 4 && sso.stalled == 1 && sso.overdue == 3 && sso.reopened == 1)
        #expect(sso.stalledRate == 0.25 && sso.overdueRate == 0.75 && sso.reopenRate == 0.25)
        let setup = try #require(a.phases.first { $0.template == "smb" && $0.phase == "Setup" })
        #expect(setup.instances == 4 && setup.stalled == 1 && setup.overdue == 3 && setup.reopened == 1)
        #expect(a.phases.first?.phase == "Setup" && a.phases.first?.template == "smb")
        // Stalled needs more than 14 quiet days: with a 40-day threshold nothing stalls.
        let patient = CrossPlanAnalytics(Self.plans, options: .init(stalledAfterDays: 40))
        #expect(patient.tasks.allSatisfy { $0.stalled == 0 })
    }

    @Test func segmentsAndSides() throws {
        let a = CrossPlanAnalytics(Self.plans)
        let smb = try #require(a.segments.first { $0.dimension == "template" && $0.value == "smb" })
        #expect(smb.plans == 4 && smb.timeToValue.values == [7, 14, 20] && smb.timeToValue.unfinished == 1 && smb.timeToValue.p50 == 14)
        #expect(smb.onTime == .init(hits: 4, total: 8))
        #expect(smb.stalledPlans == .init(hits: 1, total: 4))
        let mid = try #require(a.segments.first { $0.dimension == "template" && $0.value == "mid-market" })
        #expect(mid.onTime == .init(hits: 1, total: 2) && mid.timeToValue.values == [30])
        #expect(a.segments.filter { $0.dimension == "participants" }.map(\.value) == ["1–5", "6–20", "21+"])
        let small = try #require(a.segments.first { $0.dimension == "participants" && $0.value == "1–5" })
        #expect(small.timeToValue.values == [7, 14])
        let medium = try #require(a.segments.first { $0.dimension == "participants" && $0.value == "6–20" })
        #expect(medium.timeToValue.values == [30] && medium.timeToValue.unfinished == 1)
        #expect(a.onTimeBySide[.internal] == .init(hits: 4, total: 5))
        #expect(a.onTimeBySide[.customer] == .init(hits: 1, total: 5))
    }

    @Test func satisfactionPerPhaseAndTemplate() throws {
        let a = CrossPlanAnalytics(Self.plans)
        #expect(a.satisfaction.map { "\($0.template)/\($0.phase)" } == ["mid-market/Kickoff", "smb/Kickoff", "smb/Setup"])
        let kickoff = try #require(a.satisfaction.first { $0.template == "smb" && $0.phase == "Kickoff" })
        #expect(kickoff.counts == [0, 0, 0, 1, 1] && kickoff.satisfied == .init(hits: 2, total: 2) && kickoff.mean == 4.5)
        #expect(a.satisfaction.first { $0.phase == "Setup" }?.counts == [0, 1, 0, 0, 0])
    }

    @Test func percentilesByNearestRank() {
        let d = Distribution([50, 10, 40, 20, 30])
        #expect(d.values == [10, 20, 30, 40, 50])
        #expect(d.p10 == 10 && d.p50 == 30 && d.p90 == 50 && d.percentile(100) == 50 && d.percentile(0) == 10)
        #expect(Distribution([]).p50 == nil && Distribution([]).histogram.isEmpty)
        #expect(Distribution([0, 6, 7, 13, 14], binWidth: 7).histogram.map(\.count) == [2, 2, 1])
    }

    @Test func generatedPlansAreDeterministicAndFiguresMatchARecount() throws {
        let asOf = CalendarDate(year: 2026, month: 6, day: 1)!
        let first = SyntheticPlans.generate(count: 24, seed: 42, asOf: asOf)
        let again = SyntheticPlans.generate(count: 24, seed: 42, asOf: asOf)
        let facts = SyntheticPlans.facts(of: first, asOf: asOf)
        #expect(facts == SyntheticPlans.facts(of: again, asOf: asOf), "same seed, same plans")
        #expect(facts != SyntheticPlans.facts(of: SyntheticPlans.generate(count: 24, seed: 43, asOf: asOf), asOf: asOf))
        let a = CrossPlanAnalytics(facts)
        #expect(a.planCount == 24)
        // Recount time-to-value straight from the plans.
        var expected: [Int] = []
        for generated in first {
            let tasks = generated.plan.allTasks
            guard tasks.allSatisfy(\.isDone), let start = generated.plan.info?.start else { continue }
            expected.append(start.days(to: tasks.compactMap { $0.completed?.date }.max()!))
        }
        #expect(a.timeToValue.values == expected.sorted())
        #expect(a.timeToValue.count + a.timeToValue.unfinished == 24)
        // Every task instance is counted once in the drop-off table.
        let instances = a.tasks.reduce(0) { $0 + $1.instances }
        #expect(instances == first.reduce(0) { $0 + $1.plan.allTasks.count })
        // Reopenings in the log are found: the generator reopens some tasks.
        let reopened = facts.flatMap(\.tasks).filter { $0.reopenCount > 0 }
        #expect(!reopened.isEmpty)
        for generated in first {
            for task in generated.plan.allTasks where task.isDone {
                let history = History.changes(to: task.id, field: Field.status, in: generated.operations)
                let reopenings = zip(history, history.dropFirst()).filter { $0.value == TaskStatus.done.value && $1.value != TaskStatus.done.value }.count
                let fact = SyntheticPlans.facts(of: [generated], asOf: asOf)[0].tasks.first { $0.title == task.title && $0.phase == (generated.plan.phases.first { $0.id == task.phase }?.title ?? "") }
                #expect(fact?.reopenCount == reopenings)
            }
        }
        // Late completions carry a reason, as the CLI requires.
        for generated in first {
            for task in generated.plan.allTasks where task.isDone {
                if let due = task.due, let done = task.completed?.date, done > due {
                    #expect(generated.plan.lateCompletion(of: task.id) != nil)
                }
            }
        }
    }

    @Test func generatedSegmentsDifferAsTheSeedsSay() {
        let asOf = CalendarDate(year: 2026, month: 6, day: 1)!
        let a = CrossPlanAnalytics(SyntheticPlans.facts(of: SyntheticPlans.generate(count: 150, seed: 7, asOf: asOf), asOf: asOf))
        let low = a.segments.first { $0.dimension == "expertise" && $0.value == "low" }
        let high = a.segments.first { $0.dimension == "expertise" && $0.value == "high" }
        #expect((low?.onTimeCustomer.value ?? 1) < (high?.onTimeCustomer.value ?? 0), "customers with low expertise are late more often")
        let smb = a.segments.first { $0.value == "smb" }?.timeToValue.p50 ?? .max
        let enterprise = a.segments.first { $0.value == "enterprise" }?.timeToValue.p50 ?? 0
        #expect(smb < enterprise, "small plans reach value sooner")
    }
}
