import ArgumentParser
import TandemModel
import TandemReports

/// `tandem analytics --synthetic N --seed S` (hidden, for demos and development):
/// cross-plan analytics over a generated plan set. The server runs the same
/// library over real plans once sync lands.
struct AnalyticsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analytics",
        abstract: "(dev) Cross-plan analytics over a seeded synthetic plan set: drop-off, segments, time-to-value distribution, on-time by side, CSAT.",
        shouldDisplay: false
    )
    @OptionGroup var format: JSONFlag
    @Option(help: "How many synthetic plans to generate.") var synthetic: Int
    @Option(help: "Seed: the same seed gives the same plans.") var seed: UInt64 = 1
    @Option(help: "Open actionable tasks untouched for more than this many days are stalled.") var stalledAfter: Int = 14
    @Option(help: "Histogram bin width in days.") var binDays: Int = 7
    @Option(help: "Rows in the ranked lists.") var top: Int = 10

    func validate() throws {
        guard (1...100_000).contains(synthetic) else { throw ValidationError("--synthetic is 1 to 100000 plans") }
        guard stalledAfter >= 0, binDays >= 1, top >= 1 else { throw ValidationError("--stalled-after ≥ 0, --bin-days ≥ 1, --top ≥ 1") }
    }

    func run() throws {
        let asOf = try CLIContext.current.today()
        let plans = SyntheticPlans.generate(count: synthetic, seed: seed, asOf: asOf)
        let analytics = CrossPlanAnalytics(SyntheticPlans.facts(of: plans, asOf: asOf),
                                           options: .init(stalledAfterDays: stalledAfter, histogramBinDays: binDays))
        if format.json { return Out.json(analytics.json(limit: top)) }
        let colour = Out.colour
        func pct(_ x: Double?) -> String { x.map { "\(Int(($0 * 100).rounded()))%" } ?? "—" }
        func dist(_ d: Distribution) -> String {
            guard let p10 = d.p10, let p50 = d.p50, let p90 = d.p90 else { return "no plan finished yet (\(d.unfinished) unfinished)" }
            return "p10 \(p10)d · p50 \(p50)d · p90 \(p90)d (n=\(d.count), \(d.unfinished) unfinished)"
        }
        Out.line(Table.paint("Analytics over \(analytics.planCount) synthetic plans", .bold, colour) + " (seed \(seed), as of \(asOf))")
        Out.line()
        Out.line(Table.paint("Time to value", .bold, colour) + ": " + dist(analytics.timeToValue))
        let bins = analytics.timeToValue.histogram
        let widest = max(1, bins.map(\.count).max() ?? 1)
        for bin in bins {
            let bar = String(repeating: "█", count: max(bin.count > 0 ? 1 : 0, bin.count * 40 / widest))
            Out.line("  \(String(bin.lower).leftPadded(4))–\(String(bin.upper - 1).leftPadded(4))d  \(bar) \(bin.count)")
        }
        Out.line()
        Out.line(Table.paint("Tasks ranked by drop-off", .bold, colour) + " (stalled > \(stalledAfter) days, then overdue, then reopened)")
        var tasks = Table("TEMPLATE", "PHASE", "TASK", "PLANS", "STALLED", "OVERDUE", "REOPENED")
        for d in analytics.tasks.prefix(top) { tasks.add(d.template, d.phase, d.task ?? "", "\(d.instances)", pct(d.stalledRate), pct(d.overdueRate), pct(d.reopenRate)) }
        Out.table(tasks)
        Out.line()
        var phases = Table("TEMPLATE", "PHASE", "PLANS", "STALLED", "OVERDUE", "REOPENED")
        for d in analytics.phases.prefix(top) { phases.add(d.template, d.phase, "\(d.instances)", pct(d.stalledRate), pct(d.overdueRate), pct(d.reopenRate)) }
        Out.table(phases)
        Out.line()
        Out.line(Table.paint("Segments", .bold, colour))
        var segments = Table("BY", "SEGMENT", "PLANS", "TIME TO VALUE", "ON TIME", "INTERNAL", "CUSTOMER", "STALLED PLANS")
        for s in analytics.segments {
            segments.add(s.dimension, s.value, "\(s.plans)", dist(s.timeToValue), pct(s.onTime.value), pct(s.onTimeInternal.value),
                         pct(s.onTimeCustomer.value), pct(s.stalledPlans.value))
        }
        Out.table(segments)
        Out.line()
        Out.line("On time by side: " + [Side.internal, .customer].map { side in
            let r = analytics.onTimeBySide[side]
            return "\(side.rawValue) \(pct(r?.value)) (\(r?.hits ?? 0)/\(r?.total ?? 0))"
        }.joined(separator: " · "))
        Out.line()
        Out.line(Table.paint("Satisfaction per phase and template", .bold, colour) + " (counts of ratings 1–5)")
        var csat = Table("TEMPLATE", "PHASE", "1", "2", "3", "4", "5", "N", "4–5")
        for s in analytics.satisfaction {
            var cells = [s.template, s.phase]
            cells += s.counts.map(String.init)
            cells += ["\(s.responses)", pct(s.satisfied.value)]
            csat.add(cells.map { Table.Cell($0) })
        }
        Out.table(csat)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
