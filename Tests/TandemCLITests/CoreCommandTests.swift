import Foundation
import Testing
import TandemModel

@Suite("CLI: init, plan, templates, members, phases, status")
struct CoreCommandTests {
    @Test func initTwiceIsAClearError() {
        let h = CLIHarness()
        defer { h.cleanUp() }
        h.ok("init")
        let again = h.run("init")
        #expect(again.status == 1)
        #expect(again.err.contains("already exists"))
        #expect(again.err.contains("[already-initialized]"))
    }

    @Test func missingStoreFailsWithExitOne() {
        let h = CLIHarness()
        defer { h.cleanUp() }
        let result = h.run("status")
        #expect(result.status == 1)
        #expect(result.err.contains("tandem init"))
    }

    @Test func storeFromEnvironmentAndOption() throws {
        var h = CLIHarness()
        defer { h.cleanUp() }
        h.environment["TANDEM_STORE"] = "elsewhere"
        h.ok("init")
        #expect(FileManager.default.fileExists(atPath: h.directory + "/elsewhere/replica.sqlite"))
        h.ok("plan", "create", "--customer", "Env Co")
        h.environment["TANDEM_STORE"] = nil
        #expect(h.run("plan", "show").status == 1)
        #expect(h.ok("plan", "show", "--store", "elsewhere").contains("Env Co"))
    }

    @Test func usageErrorsExitTwo() {
        let h = CLIHarness()
        defer { h.cleanUp() }
        #expect(h.run("task", "add", "x", "--bogus").status == 2)
        #expect(h.run("frobnicate").status == 2)
        #expect(h.run("--help").status == 0)
        #expect(h.run("--help").out.contains("EXIT CODES"))
    }

    @Test func templatePlanHasPhasesTasksRolesAndDependencies() throws {
        let h = CLIHarness()
        defer { h.cleanUp() }
        h.ok("init", "--as", "ana@vendor.example")
        let out = h.ok("plan", "create", "--customer", "Big Bank", "--template", "enterprise", "--start", "2026-03-02",
                       "--role", "onboarding-manager=Ana Ruiz <ana@vendor.example>", "--role", "customer-champion=Bo Chen <bo@bank.example>")
        #expect(out.contains("5 phases"))
        let plan = try h.plan()
        #expect(plan.info?.target?.description == "2026-05-25")
        #expect(plan.info?.approval == .securityReview)
        #expect(plan.phases.map(\.title).contains("Security review"))
        #expect(plan.members.count == 5)
        #expect(plan.members.filter { $0.name.hasSuffix("(placeholder)") }.count == 3)
        let gate = try #require(plan.allTasks.first { $0.title.hasPrefix("Security review approval") })
        let sso = try #require(plan.allTasks.first { $0.title.hasPrefix("Set up SSO") })
        #expect(plan.dependencies(of: sso.id).map(\.predecessor) == [gate.id])
        #expect(sso.due?.description == "2026-04-11")
        #expect(!plan.resources(of: sso.id).isEmpty)
        // Work done at creation is attributed to the acting member once it exists.
        let ana = try #require(plan.members.first { $0.name == "Ana Ruiz" })
        #expect(plan.document[gate.id]?.creator == ana.id)
    }

    @Test(arguments: ["smb", "mid-market", "enterprise"])
    func everyTemplateInstantiates(name: String) throws {
        let h = CLIHarness()
        defer { h.cleanUp() }
        h.ok("init")
        h.ok("plan", "create", "--customer", "C", "--template", name)
        let plan = try h.plan()
        #expect(plan.allTasks.count == PlanTemplate.named(name)!.allTasks.count)
        #expect(plan.goals.count >= 2)
        #expect(plan.allTasks.allSatisfy { $0.accountable != nil && $0.due != nil })
        #expect(h.ok("template", "show", name).contains("roles:"))
    }

    @Test func templateErrors() {
        let h = CLIHarness()
        defer { h.cleanUp() }
        h.ok("init")
        let unknown = h.run("plan", "create", "--customer", "C", "--template", "gigantic")
        #expect(unknown.status == 2)
        #expect(unknown.err.contains("smb, mid-market, enterprise"))
        let role = h.run("plan", "create", "--customer", "C", "--template", "smb", "--role", "pilot=Someone")
        #expect(role.status == 2)
        #expect(role.err.contains("no role 'pilot'"))
        #expect(h.run("template", "list").out.contains("enterprise"))
        // Nothing half-made: the refused create left no plan.
        #expect(h.run("plan", "show").status == 2)
    }

    @Test func planShowEditAndBadDates() throws {
        let h = CLIHarness.withPlan()
        defer { h.cleanUp() }
        h.ok("plan", "edit", "--title", "Acme rollout", "--participants", "40", "--approval", "executive")
        let info = try #require(try h.json("plan", "show") as? [String: Any])
        #expect(info["title"] as? String == "Acme rollout")
        #expect(info["approval"] as? String == "executive")
        let bad = h.run("plan", "edit", "--target", "2026-02-30")
        #expect(bad.status == 2)
        #expect(bad.err.contains("'2026-02-30' is not a valid target date; use YYYY-MM-DD"))
        let backwards = h.run("plan", "edit", "--target", "2026-01-01")
        #expect(backwards.status == 2)
        #expect(backwards.err.contains("before the start"))
        #expect(h.run("plan", "create", "--customer", "Again").err.contains("already holds a plan"))
    }

    @Test func membersByNameEmailAndPrefix() throws {
        let h = CLIHarness.withPlan()
        defer { h.cleanUp() }
        let members = try #require(try h.json("member", "list") as? [[String: Any]])
        #expect(members.count == 2)
        let bo = try #require(members.first { $0["name"] as? String == "Bo Chen" }?["id"] as? String)
        h.ok("member", "edit", "bo@acme.example", "--role", "IT lead")
        h.ok("member", "edit", String(bo.prefix(6)), "--name", "Bo Chen-Li")
        let plan = try h.plan()
        #expect(plan.members.first { $0.id.description == bo }?.name == "Bo Chen-Li")
        let unknown = h.run("member", "edit", "Zed", "--role", "x")
        #expect(unknown.status == 2)
        #expect(unknown.err.contains("no member is named 'Zed'"))
        #expect(unknown.err.contains("Ana Ruiz"))
        #expect(h.run("member", "add", "X", "--side", "vendor").err.contains("use one of: internal, customer"))
        #expect(h.run("member", "add", "X", "--side", "customer", "--email", "not-an-email").status == 2)
    }

    @Test func phasesAddListRenameMove() throws {
        let h = CLIHarness.withPlan()
        defer { h.cleanUp() }
        h.ok("phase", "add", "Kickoff")
        h.ok("phase", "move", "Kickoff", "--first")
        h.ok("phase", "add", "Go-live", "--after", "Setup")
        h.ok("phase", "rename", "Setup", "Technical setup")
        #expect(try h.plan().phases.map(\.title) == ["Kickoff", "Technical setup", "Go-live"])
        #expect(h.run("phase", "move", "Kickoff").status == 2)
        let list = try #require(try h.json("phase", "list") as? [[String: Any]])
        #expect(list.count == 3)
    }

    @Test func statusShowsProgressOverdueDueSoonCheckInAndNextForMe() throws {
        let h = CLIHarness.withPlan()
        defer { h.cleanUp() }
        h.ok("task", "add", "Late one", "--phase", "Setup", "--due", "2026-03-10", "--responsible", "Bo Chen", "--accountable", "Bo Chen")
        h.ok("task", "add", "Soon one", "--phase", "Setup", "--due", "2026-03-24", "--responsible", "Ana Ruiz")
        h.ok("task", "add", "Done one", "--phase", "Setup", "--due", "2026-03-01", "--responsible", "Ana Ruiz")
        h.ok("task", "done", try h.taskID("Done one"), "--late-reason", "excusable", "--note", "the kickoff moved")
        h.ok("checkin", "add", "2026-03-22T15:00Z", "--agenda", "Weekly", "--attendee", "Bo Chen")
        let status = try #require(try h.json("status", "--as", "Bo Chen") as? [String: Any])
        let progress = try #require(status["progress"] as? [String: Any])
        #expect(progress["done"] as? Int == 1 && progress["total"] as? Int == 3)
        #expect((status["overdue"] as? [[String: Any]])?.map { $0["title"] as? String } == ["Late one"])
        #expect((status["dueSoon"] as? [[String: Any]])?.map { $0["title"] as? String } == ["Soon one"])
        #expect((status["next"] as? [[String: Any]])?.map { $0["title"] as? String } == ["Late one"])
        #expect((status["nextCheckIn"] as? [String: Any])?["agenda"] as? String == "Weekly")
        let sides = try #require(status["sides"] as? [[String: Any]])
        #expect(sides.first { $0["label"] as? String == "internal" }?["total"] as? Int == 2)
        let text = h.ok("status")
        #expect(text.contains("What's next for Ana Ruiz"))
        #expect(text.contains("Overdue (1)"))
        #expect(!text.contains("\u{1B}["), "no colour when not a terminal")
    }

    @Test func demoRunsEndToEnd() {
        let h = CLIHarness()
        defer { h.cleanUp() }
        let result = h.run("demo")
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.contains("$ tandem history"))
        #expect(result.out.contains("What's next for Bo Chen"))
        #expect(result.out.contains("set due"))
    }
}
