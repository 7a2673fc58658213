import Foundation
import Testing
import TandemModel

@Suite("CLI: schedule, what-if, baselines, gates, late reasons, follow-ups, reports, analytics")
struct ReportCommandTests {
    /// The seed's example at the command line: target 30 days after the start,
    /// a 10-day step after a prerequisite. Today is the start (2026-03-01).
    static func seedPlan() throws -> (CLIHarness, String, String) {
        var h = CLIHarness(today: "2026-03-01")
        h.environment["TANDEM_TODAY"] = "2026-03-01"
        h.ok("init", "--as", "Ana Ruiz")
        h.ok("plan", "create", "--customer", "Acme Corp", "--start", "2026-03-01", "--target", "2026-03-31")
        h.ok("member", "edit", "Ana Ruiz", "--email", "ana@vendor.example")
        h.ok("member", "add", "Bo Chen", "--email", "bo@acme.example", "--side", "customer")
        h.ok("phase", "add", "Setup")
        h.ok("goal", "add", "Retire the spreadsheet", "--side", "customer", "--measure", "old tracker off by go-live")
        h.ok("task", "add", "Prepare data", "--phase", "Setup", "--estimate", "12", "--due", "2026-03-13", "--responsible", "Bo Chen", "--accountable", "Ana Ruiz")
        h.ok("task", "add", "Roll out", "--phase", "Setup", "--estimate", "10", "--due", "2026-03-31", "--responsible", "Ana Ruiz")
        let prepare = try h.taskID("Prepare data"), rollout = try h.taskID("Roll out")
        h.ok("dep", "add", rollout, "--on", prepare)
        return (h, prepare, rollout)
    }

    @Test func scheduleAndWhatIfSayTheSeedsArithmetic() throws {
        let (h, prepare, _) = try Self.seedPlan()
        defer { h.cleanUp() }
        let schedule = try #require(try h.json("schedule") as? [String: Any])
        #expect(schedule["goLive"] as? String == "2026-03-23")
        #expect(schedule["slipDays"] as? Int == -8)
        let tasks = try #require(schedule["tasks"] as? [[String: Any]])
        let prep = try #require(tasks.first { $0["title"] as? String == "Prepare data" })
        #expect(prep["latestFinishForTarget"] as? String == "2026-03-21", "must finish within 20 days")
        #expect(prep["critical"] as? Bool == true)
        let text = h.ok("schedule")
        #expect(text.contains("Critical path: Prepare data → Roll out"))
        #expect(text.contains("8 days ahead of the 2026-03-31 target"))
        let whatIf = h.ok("whatif", prepare, "--slip", "10")
        #expect(whatIf.contains("the go-live moves 10 days: 2026-03-23 → 2026-04-02"))
        #expect(whatIf.contains("8 days early now, 2 days late after the slip"))
        let json = try #require(try h.json("whatif", prepare, "--slip", "3") as? [String: Any])
        #expect(json["goLiveMovesDays"] as? Int == 3)
        #expect(h.run("whatif", prepare, "--slip", "-1").status == 2)
    }

    @Test func lateCompletionNeedsAReasonAtTheCommandLine() throws {
        var (h, prepare, _) = try Self.seedPlan()
        defer { h.cleanUp() }
        h.environment["TANDEM_TODAY"] = "2026-03-16"
        let refused = h.run("task", "done", prepare)
        #expect(refused.status == 2)
        #expect(refused.err.contains("was due 2026-03-13 and is 3 days late"))
        #expect(refused.err.contains("--late-reason excusable --note"))
        #expect(try h.plan().task(EntityID(prepare)!).status == .todo, "nothing written")
        #expect(h.run("task", "done", prepare, "--late-reason", "preventable").status == 2, "a reason needs a note")
        let done = h.ok("task", "done", prepare, "--late-reason", "preventable", "--note", "export tool missing")
        #expect(done.contains("late: preventable"))
        #expect(!done.contains("is complete"), "Roll out is still open in Setup")
        h.environment["TANDEM_TODAY"] = "2026-03-20"
        #expect(h.ok("task", "done", try h.taskID("Roll out")).contains("phase 'Setup' is complete: ask both sides how it went"))
        let report = try #require(try h.json("report") as? [String: Any])
        let late = try #require(report["lateCompletions"] as? [String: Any])
        #expect(late["preventable"] as? Int == 1 && late["excusable"] as? Int == 0)
    }

    @Test func followUpsNameTheGoalAndTheImplication() throws {
        var (h, prepare, _) = try Self.seedPlan()
        defer { h.cleanUp() }
        h.ok("task", "edit", prepare, "--goal", "Retire the spreadsheet")
        #expect(h.run("task", "edit", prepare, "--goal", "No such goal").err.contains("no goal is titled"))
        h.environment["TANDEM_TODAY"] = "2026-03-15"
        let text = h.ok("followups", "--as", "Ana Ruiz")
        #expect(text.contains("To: Bo Chen <bo@acme.example> · Cc: Ana Ruiz <ana@vendor.example>"))
        #expect(text.contains("\u{201C}Prepare data\u{201D} was due on 2026-03-13 and is 2 days overdue."))
        #expect(text.contains("It serves our goal \u{201C}Retire the spreadsheet\u{201D} (old tracker off by go-live)."))
        #expect(text.contains("each day this waits moves the go-live"))
        let drafts = try #require(try h.json("followups") as? [[String: Any]])
        #expect(drafts.count == 1 && drafts[0]["kind"] as? String == "overdue")
        // The rules make it due; recording it makes it "sent" for every side.
        h.ok("reminders", "set", "--escalate-after", "never", "--digest", "off")
        #expect(h.ok("reminders").contains("escalate            never"))
        let due = try #require(try h.json("followups", "--reminders") as? [[String: Any]])
        #expect(due.map { $0["kind"] as? String } == ["overdue"])
        #expect(h.ok("followups", "--reminders", "--record").contains("recorded 1 follow-up(s)"))
        #expect(try h.plan().recordedFollowUps.count == 1)
        #expect(h.ok("followups", "--reminders").contains("No reminders are due today"))
        let status = h.ok("status")
        #expect(status.contains("Follow-ups (0 due today, 1 sent in the last 7 days)"))
        #expect(status.contains("warning: no check-in is scheduled"))
    }

    @Test func checkInNextTakesThePreviousAttendeesAndAgenda() throws {
        let (h, prepare, _) = try Self.seedPlan()
        defer { h.cleanUp() }
        h.ok("checkin", "add", "2026-03-02T15:00Z", "--agenda", "Data prep", "--attendee", "Ana Ruiz", "--attendee", "Bo Chen")
        #expect(h.ok("checkin", "next", "2026-03-09T15:00Z").contains("agenda: Data prep · with "))
        let list = try #require(try h.json("checkin", "list") as? [[String: Any]])
        #expect(list.count == 2 && (list[1]["attendees"] as? [String])?.count == 2 && list[1]["agenda"] as? String == "Data prep")
        #expect(!h.ok("status").contains("no check-in is scheduled"))
        let invite = h.ok("invite", prepare, "--to", "dana@acme.example", "--as", "Bo Chen")
        #expect(invite.contains("Subject: Can you help with \u{201C}Prepare data\u{201D} by 2026-03-13?"))
        #expect(invite.contains("Bo Chen would like your help"))
        #expect(invite.contains("each day this waits moves the go-live"))
    }

    @Test func gatesHoldTheScheduleUntilTheApproverApproves() throws {
        let (h, _, rollout) = try Self.seedPlan()
        defer { h.cleanUp() }
        h.ok("phase", "add", "Launch")
        h.ok("task", "move", rollout, "--to", "Launch")
        h.ok("phase", "gate", "Launch", "--approver", "Bo Chen", "--expected", "2026-03-20")
        var schedule = try #require(try h.json("schedule") as? [String: Any])
        #expect(schedule["goLive"] as? String == "2026-03-30", "Roll out waits for the approval on the 20th")
        #expect(h.ok("schedule").contains("Blocker: phase 'Launch' waits for approval by Bo Chen"))
        let wrong = h.run("phase", "approve", "Launch", "--as", "Ana Ruiz")
        #expect(wrong.status == 2 && wrong.err.contains("only Bo Chen can approve"))
        h.ok("phase", "approve", "Launch", "--as", "Bo Chen")
        schedule = try #require(try h.json("schedule") as? [String: Any])
        #expect(schedule["goLive"] as? String == "2026-03-23")
        #expect((schedule["gates"] as? [[String: Any]])?.first?["approved"] as? Bool == true)
    }

    @Test func baselinesShowHowDatesMoved() throws {
        let (h, prepare, rollout) = try Self.seedPlan()
        defer { h.cleanUp() }
        h.ok("baseline", "save", "plan-v1")
        #expect(h.run("baseline", "save", "plan-v1").status == 2)
        h.ok("task", "edit", prepare, "--estimate", "15", "--due", "2026-03-16")
        let show = try #require(try h.json("baseline", "show", "plan-v1") as? [String: Any])
        #expect(show["goLiveDelta"] as? Int == 3)
        let rows = try #require(show["tasks"] as? [[String: Any]])
        #expect(rows.first { $0["id"] as? String == prepare }?["dueDelta"] as? Int == 3)
        #expect(rows.first { $0["id"] as? String == rollout }?["finishDelta"] as? Int == 3)
        #expect(h.ok("schedule", "--baseline", "plan-v1").contains("Since baseline 'plan-v1': go-live 3 days later"))
        #expect(h.run("schedule", "--baseline", "nope").err.contains("no baseline is named 'nope'"))
    }

    @Test func reportFormats() throws {
        let (h, _, _) = try Self.seedPlan()
        defer { h.cleanUp() }
        h.ok("internal", "note", "Budget review in April", "--severity", "low")
        let json = try #require(try h.json("report") as? [String: Any])
        #expect((json["health"] as? [String: Any])?["status"] as? String == "on track")
        let customer = try #require(try h.json("report", "--as-customer") as? [String: Any])
        #expect(customer["health"] == nil && customer["audience"] as? String == "customer")
        let csv = h.ok("report", "--csv")
        #expect(csv.hasPrefix("section,subject,id,metric,value\r\n"))
        #expect(csv.contains("schedule,Acme Corp onboarding,,go-live,2026-03-23"))
        let markdown = h.ok("report", "--markdown")
        #expect(markdown.contains("## RACI matrix") && markdown.contains("| Task | Ana Ruiz | Bo Chen |"))
        h.ok("report", "--html", "--output", "out/report.html")
        let html = try String(contentsOfFile: h.directory + "/out/report.html", encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.contains("<svg"))
        let terminal = h.ok("report")
        #expect(terminal.contains("health: on track") && terminal.contains("critical path: Prepare data → Roll out"))
        #expect(h.run("report", "--json", "--csv").status == 2)
    }

    @Test func syntheticAnalytics() throws {
        let h = CLIHarness(today: "2026-06-01")
        defer { h.cleanUp() }
        let json = try #require(try h.json("analytics", "--synthetic", "30", "--seed", "5") as? [String: Any])
        #expect(json["plans"] as? Int == 30)
        let ttv = try #require(json["timeToValue"] as? [String: Any])
        #expect(ttv["p50"] != nil && ttv["histogram"] is [Any])
        #expect(((json["tasksByDropOff"] as? [Any])?.count ?? 0) > 0)
        let text = h.ok("analytics", "--synthetic", "30", "--seed", "5")
        #expect(text.contains("Time to value: p10"))
        #expect(text.contains("Tasks ranked by drop-off"))
        #expect(!h.ok("--help").contains("analytics"), "a hidden developer command")
    }
}
