import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import TandemModel
@testable import TandemReports

@Suite("Plan report: figures and formats")
struct ReportTests {
    /// Two phases; on day 12: "Kickoff" done on time, "Questionnaire" done 2 days late (preventable),
    /// "SSO" done 1 day late (excusable), "Migrate, data" overdue, "Train" due later. Feedback 5, 4, 2.
    struct Fixture {
        var t: TestPlan
        let kickoff, questionnaire, sso, migrate, train: EntityID
        let rollout: EntityID
        var today: CalendarDate { t.day(12) }
        var operations: [TandemModel.Operation] { t.plan.replica.outbox }
    }

    static func fixture() throws -> Fixture {
        var t = try TestPlan(targetDays: 30)
        t.plan.replica.author = t.internalMember
        let rollout = try t.plan.addPhase(title: "Rollout")
        let kickoff = try t.task("Kickoff", estimate: 1, due: 2, responsible: t.internalMember, accountable: t.internalMember)
        let questionnaire = try t.task("Questionnaire", estimate: 2, due: 4, after: [kickoff], responsible: t.customerMember, accountable: t.internalMember)
        let sso = try t.task("SSO", estimate: 3, due: 6, after: [kickoff], responsible: t.customerMember)
        let migrate = try t.task("Migrate, \"data\"", estimate: 4, due: 10, after: [questionnaire], in: rollout, responsible: t.internalMember)
        let train = try t.task("Train", estimate: 2, due: 20, after: [migrate], in: rollout, responsible: t.customerMember)
        try t.plan.assign(sso, .consulted, t.internalMember)
        try t.plan.assign(train, .informed, t.internalMember)
        try t.plan.complete(kickoff, at: t.noon(1), lateReason: nil, note: nil)
        t.plan.replica.author = t.customerMember
        try t.plan.complete(questionnaire, at: t.noon(6), lateReason: .preventable, note: "sat in an inbox")
        try t.plan.complete(sso, at: t.noon(7), lateReason: .excusable, note: "IdP outage")
        try t.plan.addFeedback(on: t.phase, by: t.customerMember, rating: 5, text: "clear, owners named")
        try t.plan.addFeedback(on: t.phase, by: t.customerMember, rating: 2, text: "SSO took too long")
        t.plan.replica.author = t.internalMember
        try t.plan.addFeedback(on: t.phase, by: t.internalMember, rating: 4)
        try t.plan.addRiskNote("Champion leaves in Q3", severity: .high)
        return Fixture(t: t, kickoff: kickoff, questionnaire: questionnaire, sso: sso, migrate: migrate, train: train, rollout: rollout)
    }

    @Test func figures() throws {
        let f = try Self.fixture()
        let r = PlanReport(plan: f.t.plan, operations: f.operations, today: f.today)
        #expect(r.phases.map(\.done) == [3, 0] && r.phases.map(\.total) == [3, 2])
        #expect(r.overall.percent == 60)
        #expect(r.sides.map(\.label) == ["internal", "customer"])
        #expect(r.sides.map(\.done) == [1, 2] && r.sides.map(\.total) == [2, 3])
        // Ana: kickoff on time, migrate overdue → 1/2. Bo: questionnaire and SSO late → 0/2.
        let ana = try #require(r.onTimeByMember.first { $0.label == "Ana Ruiz" })
        #expect(ana.onTime == 1 && ana.late == 0 && ana.overdue == 1 && ana.rate == 0.5)
        let bo = try #require(r.onTimeByMember.first { $0.label == "Bo Chen" })
        #expect(bo.onTime == 0 && bo.late == 2 && bo.overdue == 0 && bo.rate == 0)
        #expect(r.onTimeBySide.map(\.rate) == [0.5, 0])
        #expect(r.excusableCount == 1 && r.preventableCount == 1)
        #expect(r.lateCompletions.map(\.daysLate) == [2, 1])
        // Due so far (due < day 12): four tasks, one of them (migrate) open → 25% → at risk.
        let health = try #require(r.health)
        #expect(health.overdue == 1 && health.dueSoFar == 4 && health.status == .atRisk)
        #expect(PlanReport.Health(overdue: 1, dueSoFar: 10).status == .onTrack)
        #expect(PlanReport.Health(overdue: 3, dueSoFar: 10).status == .offTrack)
        #expect(r.raci.first { $0.task == f.kickoff }?.letters == ["R/A", ""])
        #expect(r.raci.first { $0.task == f.sso }?.letters == ["C", "R"])
        #expect(r.raci.first { $0.task == f.sso }?.hasAccountable == false)
        let kickoffFeedback = try #require(r.feedback.first)
        #expect(kickoffFeedback.counts == [0, 1, 0, 1, 1])
        #expect(kickoffFeedback.customerCounts == [0, 1, 0, 0, 1] && kickoffFeedback.internalCounts == [0, 0, 0, 1, 0])
        #expect(kickoffFeedback.mean == 11.0 / 3.0)
        #expect(kickoffFeedback.satisfied == 2.0 / 3.0)
        // Migrate (4 days, overdue) starts today: 12 → 16, then Train → 18.
        #expect(r.goLive == f.t.day(18) && r.slipDays == -12)
        #expect(r.criticalPath == ["Migrate, \"data\"", "Train"])
        #expect(r.engagement.map(\.daysSince) == [12, 12], "every edit was made on day 0 (the fixture's clock)")
        #expect(r.engagement.allSatisfy { $0.recentOperations > 0 })
    }

    @Test func jsonParsesBack() throws {
        let f = try Self.fixture()
        let text = PlanReport(plan: f.t.plan, operations: f.operations, today: f.today).json.rendered(pretty: true)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect((object["plan"] as? [String: Any])?["customer"] as? String == "Acme")
        #expect((object["health"] as? [String: Any])?["status"] as? String == "at risk")
        let late = try #require(object["lateCompletions"] as? [String: Any])
        #expect(late["excusable"] as? Int == 1 && late["preventable"] as? Int == 1 && late["unexplained"] as? Int == 0)
        let timeline = try #require(object["timeline"] as? [[String: Any]])
        #expect(timeline.count == 5)
        #expect(timeline.first { $0["title"] as? String == "Train" }?["finish"] as? String == "2026-03-19")
        let feedback = try #require(object["feedback"] as? [[String: Any]])
        #expect(feedback.first?["counts"] as? [Int] == [0, 1, 0, 1, 1])
    }

    @Test func csvParsesBackWithQuoting() throws {
        let f = try Self.fixture()
        let text = PlanReport(plan: f.t.plan, operations: f.operations, today: f.today).csv
        let rows = parseCSV(text)
        #expect(rows.first == ["section", "subject", "id", "metric", "value"])
        #expect(rows.allSatisfy { $0.count == 5 }, "every row has five fields")
        #expect(rows.contains(["timeline", "Migrate, \"data\"", f.migrate.description, "finish", "2026-03-17"]))
        #expect(rows.contains(["late-completion", "SSO", f.sso.description, "reason", "excusable"]))
        #expect(rows.contains(["health", "Acme onboarding", "", "status", "at risk"]))
        #expect(rows.contains(["feedback", "Setup", f.t.phase.description, "rating-2", "1"]))
        #expect(text.contains("\"Migrate, \"\"data\"\"\""), "quotes doubled, field quoted")
    }

    @Test func markdownTablesHaveAConsistentShape() throws {
        let f = try Self.fixture()
        let text = PlanReport(plan: f.t.plan, operations: f.operations, today: f.today).markdown
        #expect(text.hasPrefix("# Acme onboarding — Acme\n"))
        for heading in ["## Progress", "## Health", "## On-time rate", "## Late completions", "## Engagement", "## RACI matrix", "## Timeline", "## Feedback per phase"] {
            #expect(text.contains("\n\(heading)\n"), "\(heading)")
        }
        // Every table: a header, a |---| separator with as many columns, and rows of the same width.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var tables = 0
        var index = 0
        while index < lines.count {
            guard lines[index].hasPrefix("| ") else { index += 1; continue }
            let columns = cells(lines[index]).count
            let separator: String = "|" + Array(repeating: "---", count: columns).joined(separator: "|") + "|"
            #expect(lines[index + 1] == separator)
            index += 2
            while index < lines.count, lines[index].hasPrefix("| ") {
                let row: String = lines[index]
                #expect(cells(row).count == columns, "row: \(row)")
                index += 1
            }
            tables += 1
        }
        #expect(tables >= 9)
        #expect(text.contains("| Migrate, \"data\" | Rollout | todo | 2026-03-13 | 2026-03-17 |"))
    }

    @Test func htmlIsSelfContainedAndWellFormed() throws {
        let f = try Self.fixture()
        var plan = f.t.plan
        try plan.renamePhase(f.rollout, to: "Roll <out> & \"go\"")
        let html = PlanReport(plan: plan, operations: f.operations, today: f.today).html
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<svg") && html.contains("class=\"gantt\""))
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("href="), "no script, no external asset")
        #expect(html.contains("Roll &lt;out&gt; &amp; &quot;go&quot;"))
        let parser = XMLParser(data: Data(html.utf8))
        let delegate = ElementCounter()
        parser.delegate = delegate
        #expect(parser.parse(), "well-formed: \(parser.parserError.map { "\($0)" } ?? "")")
        #expect(delegate.counts["rect", default: 0] >= 5, "one bar per task at least")
        #expect(delegate.counts["table", default: 0] >= 8)
    }

    @Test func customerViewIsExactlyWhatACustomerReplicaShows() throws {
        let f = try Self.fixture()
        let internalReport = PlanReport(plan: f.t.plan, operations: f.operations, today: f.today)
        let asCustomer = PlanReport(plan: f.t.plan, operations: f.operations, today: f.today, audience: .customer)
        #expect(internalReport.health != nil && asCustomer.health == nil)
        // A customer's replica: only the operations the customer side receives.
        let shared = CustomerView.operations(f.operations, in: f.t.plan.document)
        #expect(shared.count < f.operations.count)
        var replica = PlanReplica(replicaID: ReplicaID(77), wallClock: { 1_772_323_200_000 })
        for op in shared { replica.receive(op) }
        let customerPlan = OnboardingPlan(replica: replica)
        #expect(customerPlan.internalSectionID == nil && customerPlan.riskNotes.isEmpty)
        let fromCustomerReplica = PlanReport(plan: customerPlan, operations: shared, today: f.today)
        #expect(fromCustomerReplica.audience == .customer)
        #expect(fromCustomerReplica.json == asCustomer.json)
        #expect(fromCustomerReplica.html == asCustomer.html)
        #expect(!asCustomer.html.contains("Champion leaves"))
    }

    @Test func baselineDeviations() throws {
        var f = try Self.fixture()
        let before = f.t.schedule(today: 12)
        try f.t.plan.saveBaseline(name: "v1", at: f.t.noon(12), target: before.target, goLive: before.goLiveDate,
                                  entries: BaselineComparison.entries(of: before))
        #expect(throws: PlanError.self) { try f.t.plan.saveBaseline(name: "v1", at: f.t.noon(12), target: nil, goLive: nil, entries: []) }
        try f.t.plan.editTask(f.migrate, due: f.t.day(13), estimateDays: 7)
        let extra = try f.t.task("Extra", estimate: 1)
        let after = f.t.schedule(today: 12)
        let baseline = try #require(f.t.plan.baseline(named: "v1"))
        #expect(baseline.entries.count == 5)
        let c = BaselineComparison(baseline: baseline, schedule: after)
        let migrate = try #require(c.rows.first { $0.task == f.migrate })
        #expect(migrate.dueDelta == 3 && migrate.finishDelta == 3 && migrate.startDelta == 0)
        #expect(c.rows.first { $0.task == f.train }?.finishDelta == 3)
        #expect(c.rows.first { $0.task == f.kickoff }?.finishDelta == 0)
        #expect(c.rows.first { $0.task == extra }?.isNew == true)
        #expect(c.goLiveDelta == 3)
        let report = PlanReport(plan: f.t.plan, today: f.t.day(12), baseline: baseline)
        #expect(report.baselineGoLiveDelta == 3)
        #expect(report.markdown.contains("+3 days since baseline v1"))
    }
}

/// RFC 4180 parsing, for checking the CSV output.
func parseCSV(_ text: String) -> [[String]] {
    var rows: [[String]] = [], row: [String] = [], field = ""
    var quoted = false
    var chars = Array(text)
    var i = 0
    while i < chars.count {
        let c = chars[i]
        if quoted {
            if c == "\"" {
                if i + 1 < chars.count, chars[i + 1] == "\"" { field.append("\""); i += 1 } else { quoted = false }
            } else { field.append(c) }
        } else if c == "\"" { quoted = true }
        else if c == "," { row.append(field); field = "" }
        else if c == "\r\n" || c == "\n" { row.append(field); rows.append(row); row = []; field = "" }
        else { field.append(c) }
        i += 1
    }
    if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
    chars.removeAll()
    return rows
}

/// Cells of a Markdown table row, honouring escaped pipes.
func cells(_ line: String) -> [String] {
    var result: [String] = [], current = ""
    var escaped = false
    for c in line.dropFirst().dropLast() {
        if escaped { current.append(c); escaped = false } else if c == "\\" { escaped = true; current.append(c) }
        else if c == "|" { result.append(current); current = "" } else { current.append(c) }
    }
    result.append(current)
    return result
}

final class ElementCounter: NSObject, XMLParserDelegate {
    var counts: [String: Int] = [:]
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        counts[name, default: 0] += 1
    }
}
