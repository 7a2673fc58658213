import ArgumentParser
import TandemModel
import TandemReports
import TandemServer

/// `tandemd analytics`: cross-plan analytics over every plan of a data
/// directory — drop-off by task and phase, segments, time-to-value as a
/// distribution, on-time rate by side, CSAT — with the same library the
/// client's synthetic `tandem analytics` uses.
struct AnalyticsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analytics",
        abstract: "Cross-plan analytics: drop-off, segments, time-to-value distribution, on-time by side, CSAT."
    )

    @OptionGroup var options: AdminCommand.Options
    @Option(help: "Open tasks untouched for more than this many days count as stalled.") var stalledAfter: Int = 14
    @Option(help: "Histogram bin width in days.") var binDays: Int = 7
    @Option(help: "Rows in the ranked lists.") var top: Int = 10
    @Option(help: "The day to compute as of (YYYY-MM-DD, default today, UTC).") var asOf: String?

    func validate() throws {
        guard stalledAfter >= 0, binDays >= 1, top >= 1 else { throw ValidationError("--stalled-after ≥ 0, --bin-days ≥ 1, --top ≥ 1") }
    }

    func run() async throws {
        let day: CalendarDate
        if let asOf {
            guard let parsed = CalendarDate(iso8601: asOf) else { throw ValidationError("--as-of takes YYYY-MM-DD") }
            day = parsed
        } else {
            day = CalendarDate(utcMilliseconds: Int64(SystemWallClock.milliseconds()))
        }
        let facts: [PlanFacts] = try await options.withStore { store in
            var facts: [PlanFacts] = []
            for record in try await store.plans() {
                let inspector = try await PlanInspector(store: store, plan: record.id)
                let plan = OnboardingPlan(replica: PlanReplica(replicaID: ReplicaID(1), document: inspector.document))
                facts.append(PlanFacts(plan: plan, operations: inspector.entries.map(\.operation), asOf: day))
            }
            return facts
        }
        let analytics = CrossPlanAnalytics(facts, options: .init(stalledAfterDays: stalledAfter, histogramBinDays: binDays))
        if options.json { return print(analytics.json(limit: top).rendered(pretty: true)) }

        func percent(_ x: Double?) -> String { x.map { "\(Int(($0 * 100).rounded()))%" } ?? "—" }
        let ttv = analytics.timeToValue
        print("Analytics over \(analytics.planCount) plans (as of \(day))")
        if let p10 = ttv.p10, let p50 = ttv.p50, let p90 = ttv.p90 {
            print("time to value: p10 \(p10)d · p50 \(p50)d · p90 \(p90)d (n=\(ttv.count), \(ttv.unfinished) unfinished)")
        } else {
            print("time to value: no plan finished yet (\(ttv.unfinished) unfinished)")
        }
        var table = TextTable("TEMPLATE", "PHASE", "TASK", "N", "STALLED", "OVERDUE", "REOPENED")
        for d in analytics.tasks.prefix(top) {
            table.append([d.template, d.phase, d.task ?? "", "\(d.instances)", percent(d.stalledRate), percent(d.overdueRate), percent(d.reopenRate)])
        }
        print("\ntasks ranked by drop-off")
        print(table.rendered)
        for side in [Side.internal, .customer] {
            if let rate = analytics.onTimeBySide[side] { print("on time (\(side.rawValue)): \(percent(rate.value)) of \(rate.total)") }
        }
        print("\n'--json' adds segments, phases, the histogram and CSAT per phase and template.")
    }
}
