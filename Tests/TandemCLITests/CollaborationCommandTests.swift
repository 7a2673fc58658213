import Foundation
import Testing
import TandemModel
import TandemStore

@Suite("CLI: goals, check-ins, resources, forms, feedback, comments, internal, history, conflicts, export, import")
struct CollaborationCommandTests {
    @Test func goals() throws {
        let h = CLIHarness.withPlan()
        defer { h.cleanUp() }
        h.ok("goal", "add", "Retire the spreadsheet", "--side", "customer", "--measure", "off by go-live")
        let goal = try h.plan().goals[0].id.description
        h.ok("goal", "edit", goal, "--status", "met")
        let list = try #require(try h.json("goal", "list") as? [[String: Any]])
        #expect(list[0]["status"] as? String == "met")
        #expect(h.run("goal", "edit", goal, "--status", "won").err.contains("[invalid-status]"))
        #expect(h.run("goal", "add", "X", "--side", "both").status == 2)
    }

    @Test func checkInsAndResources() throws {
        let h = CLIHarness.withPlan()
        defer { h.cleanUp() }
        h.ok("checkin", "add", "2026-03-25T15:00Z", "--agenda", "SSO", "--attendee", "Ana Ruiz", "--attendee", "bo@acme.example")
        let checkIns = try #require(try h.json("checkin", "list") as? [[String: Any]])
        #expect((checkIns[0]["attendees"] as? [String])?.count == 2)
        let bad = h.run("checkin", "add", "next tuesday")
        #expect(bad.status == 2 && bad.err.contains("YYYY-MM-DDTHH:MMZ"))
        h.ok("task", "add", "Learn", "--phase", "Setup")
        let t = try h.taskID("Learn")
        h.ok("resource", "add", t, "Intro video", "https://example.com/v", "--kind", "video")
        let resources = try #require(try h.json("resource", "list") as? [[String: Any]])
        #expect(resources.first?["kind"] as? String == "video")
        #expect(h.run("resource", "add", t, "Bad", "ftp://x").err.contains("not a web address"))
        #expect(h.run("resource", "add", t, "Bad", "https://x.example", "--kind", "podcast").status == 2)
    }

    @Test func formsPrefillFillConfirm() throws {
        let h = CLIHarness.withPlan()
        defer { h.cleanUp() }
        h.ok("form", "add", "Billing details")
        let form = try #require(try h.plan().forms().first).description
        h.ok("form", "field", form, "Billing contact", "--required")
        h.ok("form", "field", form, "VAT number")
        let fields = try h.plan().formFields(of: EntityID(form)!)
        let contact = fields[0].id.description, vat = fields[1].id.description
        #expect(h.run("form", "confirm", contact).err.contains("no pre-filled value"))
        h.ok("form", "prefill", contact, "ap@acme.example", "--source", "CRM")
        h.ok("form", "confirm", contact, "--as", "Bo Chen")
        h.ok("form", "fill", vat, "GB123")
        let shown = try #require(try h.json("form", "show", form) as? [[String: Any]])
        let shownFields = try #require(shown.first?["fields"] as? [[String: Any]])
        #expect(shownFields[0]["value"] as? String == "ap@acme.example")
        #expect(shownFields[0]["source"] as? String == "CRM")
        #expect(shownFields.allSatisfy { $0["confirmed"] as? Bool == true })
        #expect(h.ok("form", "show").contains("Billing contact *"))
    }

    @Test func feedbackCommentsAndInternal() throws {
        let h = CLIHarness.withPlan()
        defer { h.cleanUp() }
        h.ok("feedback", "add", "Setup", "4", "Smooth", "--as", "Bo Chen")
        let feedback = try #require(try h.json("feedback", "list") as? [[String: Any]])
        #expect(feedback[0]["side"] as? String == "customer" && feedback[0]["rating"] as? Int == 4)
        #expect(h.run("feedback", "add", "Setup", "7").err.contains("1 to 5"))
        h.ok("task", "add", "SSO", "--phase", "Setup")
        let t = try h.taskID("SSO")
        h.ok("comment", "add", t, "Waiting on IT", "--as", "Bo Chen")
        h.ok("internal", "comment", t, "Their IT is slow")
        h.ok("internal", "note", "Champion leaving", "--severity", "high", "--about", t)
        h.ok("internal", "health", "amber")
        let comments = try #require(try h.json("comment", "list", t) as? [[String: Any]])
        #expect(comments.map { $0["internal"] as? Bool } == [false, true])
        let internalView = try #require(try h.json("internal", "show") as? [String: Any])
        #expect(internalView["health"] as? String == "amber")
        #expect((internalView["risks"] as? [[String: Any]])?.first?["severity"] as? String == "high")
        #expect(h.run("internal", "health", "purple").status == 2)
        #expect(h.run("comment", "add", t, "").err.contains("cannot be empty"))
    }

    @Test func historyShowsWhoWhenAndFromWhat() throws {
        let h = CLIHarness.withPlan()
        defer { h.cleanUp() }
        h.ok("task", "add", "SSO", "--phase", "Setup", "--due", "2026-03-20")
        let t = try h.taskID("SSO")
        h.ok("task", "edit", t, "--due", "2026-03-27", "--as", "Bo Chen")
        h.ok("task", "edit", t, "--due", "2026-04-03")
        let rows = try #require(try h.json("history", t, "due") as? [[String: Any]])
        #expect(rows.count == 3)
        #expect(rows.map { $0["authorName"] as? String } == ["Ana Ruiz", "Bo Chen", "Ana Ruiz"])
        #expect((rows[1]["previous"] as? [String: String])?["$date"] == "2026-03-20")
        #expect((rows[2]["value"] as? [String: String])?["$date"] == "2026-04-03")
        let text = h.ok("history", String(t.prefix(8)))
        #expect(text.contains("create"))
        let boLine = text.split(separator: "\n").first { $0.contains("Bo Chen") } ?? ""
        #expect(boLine.contains("set due") && boLine.contains("2026-03-20  2026-03-27"))
        #expect(h.ok("history", t, "nonsense").contains("no changes to 'nonsense'"))
        // History reaches deleted entities too.
        h.ok("task", "delete", t)
        #expect(h.ok("history", t).contains("delete"))
    }

    @Test func conflictsReportConcurrentOverwrites() throws {
        let h = CLIHarness.withPlan()
        defer { h.cleanUp() }
        #expect(h.ok("conflicts").contains("no conflicts"))
        h.ok("task", "add", "SSO", "--phase", "Setup", "--due", "2026-03-20")
        let task = EntityID(try h.taskID("SSO"))!
        // Another replica that saw the same state moves the date concurrently.
        let store = try ReplicaStore(at: h.store)
        var other = OnboardingPlan(replica: PlanReplica(replicaID: ReplicaID(42), document: try store.load().document))
        try other.editTask(task, due: CalendarDate(iso8601: "2026-04-01"))
        h.ok("task", "edit", task.description, "--due", "2026-03-25")
        #expect(try store.receive(other.replica.takeOutbox()) == 1)
        let conflicts = try #require(try h.json("conflicts") as? [[String: Any]])
        #expect(conflicts.count == 1)
        #expect(conflicts[0]["field"] as? String == "due")
        #expect(h.ok("conflicts").contains("OVERWRITTEN"))
    }

    @Test func exportIsCanonicalJSON() throws {
        let h = CLIHarness.withPlan()
        defer { h.cleanUp() }
        let out = h.ok("export", "--json")
        #expect(out == (try h.plan().document.canonicalText()) + "\n")
        let pretty = h.ok("export", "--json", "--pretty")
        #expect(pretty.contains("\n  \"format\": \"tandem-plan/1\""))
    }

    @Test func importBuildsAPlanAllOrNothing() throws {
        let h = CLIHarness()
        defer { h.cleanUp() }
        h.ok("init", "--as", "ana")
        let file = h.directory + "/plan.json"
        try """
        {"plan": {"customer": "Imported Co", "start": "2026-03-01", "target": "2026-04-30"},
         "members": [{"key": "ana", "name": "Ana Ruiz", "side": "internal"}, {"key": "bo", "name": "Bo Chen", "side": "customer"}],
         "goals": [{"title": "Live by May", "side": "shared"}],
         "phases": [{"title": "Setup", "tasks": [
            {"key": "kick", "title": "Kickoff", "due": "2026-03-05", "responsible": ["ana", "bo"], "accountable": "ana", "status": "done",
             "checklist": ["Agenda", {"title": "Notes", "owner": "bo"}]},
            {"key": "sso", "title": "SSO", "after": ["kick"], "estimate": 3, "subtasks": [{"title": "Keys", "responsible": "bo"}]}]}]}
        """.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(h.ok("import", "plan.json").contains("2 members, 1 goals, 1 phases, 3 tasks, 1 dependencies"))
        let plan = try h.plan()
        let kickoff = try #require(plan.allTasks.first { $0.title == "Kickoff" })
        #expect(kickoff.status == .done && kickoff.responsible.count == 2)
        #expect(plan.checklist(of: kickoff.id).count == 2)
        #expect(plan.allTasks.count == 3)
        let before = try ReplicaStore(at: h.store).statistics().operations
        try """
        {"phases": [{"title": "More", "tasks": [{"title": "Fine"}, {"title": "Broken", "due": "2026-13-01"}]}]}
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let bad = h.run("import", "plan.json")
        #expect(bad.status == 2)
        #expect(bad.err.contains("phases[0].tasks[1].due"))
        #expect(try ReplicaStore(at: h.store).statistics().operations == before, "a refused import writes nothing")
        try "not json".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(h.run("import", "plan.json").err.contains("not valid JSON"))
        #expect(h.run("import", "missing.json").status == 1)
    }

    @Test func configSetsTheDefaultMember() throws {
        let h = CLIHarness.withPlan()
        defer { h.cleanUp() }
        h.ok("config", "set", "member", "Bo Chen")
        #expect(h.ok("config").contains("Bo Chen"))
        h.ok("goal", "add", "By Bo")
        let goal = try h.plan().goals[0].id
        #expect(try h.plan().memberName(h.plan().document[goal]?.creator) == "Bo Chen")
        #expect(h.run("config", "set", "member", "Nobody").status == 2)
        #expect(h.run("config", "set", "colour", "x").status == 2)
        #expect(h.run("goal", "add", "X", "--as", "Nobody").err.contains("no member is named 'Nobody'"))
    }
}
