import Foundation
import Testing
import TandemModel

@Suite("CLI: tasks, ids, RACI, dependencies, checklists")
struct TaskCommandTests {
    @Test func taskLifecycle() throws {
        let h = CLIHarness.withPlan()
        defer { h.cleanUp() }
        h.ok("task", "add", "Set up SSO", "--phase", "Setup", "--due", "2026-03-25", "--estimate", "3", "--responsible", "bo@acme.example")
        let sso = try h.taskID("Set up SSO")
        h.ok("task", "add", "Create the app", "--parent", String(sso.prefix(8)))
        let sub = try h.plan().allTasks.first { $0.title == "Create the app" }
        #expect(sub?.parentTask?.description == sso)
        h.ok("task", "edit", sso, "--title", "Set up single sign-on", "--due", "2026-03-28", "--description", "Okta")
        h.ok("task", "start", sso)
        #expect(try h.plan().task(EntityID(sso)!).status == .inProgress)
        h.ok("task", "block", sso)
        h.ok("task", "done", sso)
        let done = try h.plan().task(EntityID(sso)!)
        #expect(done.status == .done && done.completed != nil)
        h.ok("task", "reopen", sso)
        #expect(try h.plan().task(EntityID(sso)!).completed == nil)
        let shown = try #require(try h.json("task", "show", sso) as? [String: Any])
        #expect(shown["title"] as? String == "Set up single sign-on")
        #expect(shown["due"] as? String == "2026-03-28")
        #expect(h.ok("task", "show", sso).contains("subtask      [todo] Create the app"))
        h.ok("task", "delete", sso)
        #expect(try h.plan().allTasks.isEmpty, "subtasks go with their parent")
        #expect(h.run("task", "show", sso).status == 2)
        h.ok("task", "restore", sso)
        #expect(try h.plan().allTasks.count == 2)
    }

    @Test func taskMoveAndAssign() throws {
        let h = CLIHarness.withPlan()
        defer { h.cleanUp() }
        h.ok("phase", "add", "Go-live")
        h.ok("task", "add", "A", "--phase", "Setup")
        h.ok("task", "add", "B", "--phase", "Setup")
        let a = try h.taskID("A"), b = try h.taskID("B")
        h.ok("task", "move", a, "--to", "Setup", "--after", b)
        #expect(try h.plan().allTasks.map(\.title) == ["B", "A"])
        h.ok("task", "move", a, "--to", "Go-live")
        #expect(try h.plan().task(EntityID(a)!).phase == h.plan().phases.last?.id)
        h.ok("task", "assign", a, "Bo Chen")
        h.ok("task", "assign", a, "Ana Ruiz", "--role", "accountable")
        h.ok("task", "assign", a, "Ana Ruiz", "--role", "informed")
        var task = try h.plan().task(EntityID(a)!)
        #expect(task.responsible.count == 1 && task.accountable != nil && task.informed.count == 1)
        h.ok("task", "unassign", a, "Bo Chen")
        task = try h.plan().task(EntityID(a)!)
        #expect(task.responsible.isEmpty)
        #expect(h.run("task", "assign", a, "Bo Chen", "--role", "boss").err.contains("not a valid RACI role"))
        let under = h.run("task", "move", a, "--to", a)
        #expect(under.status == 2)
    }

    @Test func badInputIsAClearUsageError() throws {
        let h = CLIHarness.withPlan()
        defer { h.cleanUp() }
        let date = h.run("task", "add", "X", "--phase", "Setup", "--due", "31/03/2026")
        #expect(date.status == 2)
        #expect(date.err.contains("'31/03/2026' is not a valid due date; use YYYY-MM-DD"))
        #expect(date.err.contains("[invalid-date]"))
        let status = h.run("tasks", "--status", "finished")
        #expect(status.status == 2)
        #expect(status.err.contains("[invalid-status]"))
        #expect(status.err.contains("todo, in-progress, blocked, done"))
        let estimate = h.run("task", "add", "X", "--phase", "Setup", "--estimate", "9999")
        #expect(estimate.status == 2 && estimate.err.contains("estimate"))
        let both = h.run("task", "add", "X")
        #expect(both.status == 2 && both.err.contains("--phase"))
        let empty = h.run("task", "add", "  ", "--phase", "Setup")
        #expect(empty.status == 2 && empty.err.contains("cannot be empty"))
        let phase = h.run("task", "add", "X", "--phase", "Nope")
        #expect(phase.status == 2)
        #expect(try h.plan().allTasks.isEmpty, "refused commands write nothing")
    }

    @Test func shortPrefixesUnknownAndAmbiguousIds() throws {
        let h = CLIHarness.withPlan()
        defer { h.cleanUp() }
        for index in 0..<40 { h.ok("task", "add", "Task \(index)", "--phase", "Setup") }
        let ids = try h.plan().allTasks.map(\.id.description)
        // Two tasks sharing a first digit must exist among 40.
        let first = Dictionary(grouping: ids, by: { $0.prefix(1) }).first { $0.value.count > 1 }!
        let ambiguous = h.run("task", "show", String(first.key))
        #expect(ambiguous.status == 2)
        #expect(ambiguous.err.contains("[ambiguous-id]"))
        #expect(ambiguous.err.contains(String(first.value[0].prefix(12))))
        #expect(ambiguous.err.contains("Task "))
        let unique = ids.first { id in ids.filter { $0.hasPrefix(id.prefix(6)) }.count == 1 }!
        #expect(h.run("task", "show", String(unique.prefix(6))).status == 0)
        let unknown = h.run("task", "done", "0000000000")
        #expect(unknown.status == 2 && unknown.err.contains("[unknown-id]"))
        let notHex = h.run("task", "done", "xyz")
        #expect(notHex.status == 2 && notHex.err.contains("is not an id"))
        let member = try h.plan().members[0].id.description
        let wrongKind = h.run("task", "done", member)
        #expect(wrongKind.status == 2 && wrongKind.err.contains("[wrong-kind]") && wrongKind.err.contains("member"))
    }

    @Test func tasksFilters() throws {
        let h = CLIHarness.withPlan()
        defer { h.cleanUp() }
        h.ok("phase", "add", "Later")
        h.ok("task", "add", "Customer late", "--phase", "Setup", "--due", "2026-03-01", "--responsible", "Bo Chen")
        h.ok("task", "add", "Vendor soon", "--phase", "Setup", "--due", "2026-04-01", "--responsible", "Ana Ruiz")
        h.ok("task", "add", "Later task", "--phase", "Later", "--accountable", "Ana Ruiz")
        func titles(_ args: String...) throws -> [String] {
            let rows = try #require(try h.json(["tasks"] + args) as? [[String: Any]])
            return rows.compactMap { $0["title"] as? String }
        }
        #expect(try titles("--mine") == ["Vendor soon", "Later task"])
        #expect(try titles("--mine", "--as", "Bo Chen") == ["Customer late"])
        #expect(try titles("--side", "customer") == ["Customer late"])
        #expect(try titles("--overdue") == ["Customer late"])
        #expect(try titles("--phase", "Later") == ["Later task"])
        #expect(try titles("--status", "todo").count == 3)
        #expect(h.ok("tasks").contains("3 task(s)"))
    }

    @Test func raciSetAndMatrix() throws {
        let h = CLIHarness.withPlan()
        defer { h.cleanUp() }
        h.ok("task", "add", "Kickoff", "--phase", "Setup")
        let t = try h.taskID("Kickoff")
        h.ok("raci", "set", t, "--responsible", "Bo Chen", "--responsible", "Ana Ruiz", "--accountable", "Ana Ruiz", "--consulted", "Bo Chen")
        let matrix = try #require(try h.json("raci") as? [String: Any])
        let row = try #require((matrix["tasks"] as? [[String: Any]])?.first)
        let letters = Set(((row["roles"] as? [String: String]) ?? [:]).values)
        #expect(letters == ["RA", "RC"])
        let text = h.ok("raci")
        #expect(text.contains("Ana Ruiz") && text.contains("RA"))
        let two = h.run("raci", "set", t, "--accountable", "Ana Ruiz", "--accountable", "Bo Chen")
        #expect(two.status == 2)
        #expect(two.err.contains("[duplicate-accountable]"))
        #expect(h.run("raci", "set", t).status == 2)
    }

    @Test func dependenciesAndCycles() throws {
        let h = CLIHarness.withPlan()
        defer { h.cleanUp() }
        for name in ["A", "B", "C"] { h.ok("task", "add", name, "--phase", "Setup") }
        let a = try h.taskID("A"), b = try h.taskID("B"), c = try h.taskID("C")
        h.ok("dep", "add", b, "--on", a, "--lag", "2")
        h.ok("dep", "add", c, "--on", b)
        let cycle = h.run("dep", "add", a, "--on", c)
        #expect(cycle.status == 2)
        #expect(cycle.err.contains("[dependency-cycle]"))
        #expect(cycle.err.contains("A → "))
        let list = try #require(try h.json("dep", "list") as? [[String: Any]])
        #expect(list.count == 2)
        #expect(list.contains { $0["lagDays"] as? Int == 2 })
        h.ok("dep", "remove", c, "--on", b)
        #expect(try h.plan().dependencies(of: EntityID(c)!).isEmpty)
        #expect(h.run("dep", "remove", c, "--on", b).status == 2)
        #expect(h.run("dep", "add", a, "--on", a).status == 2)
    }

    @Test func checklists() throws {
        let h = CLIHarness.withPlan()
        defer { h.cleanUp() }
        h.ok("task", "add", "Security", "--phase", "Setup")
        let t = try h.taskID("Security")
        h.ok("checklist", "add", t, "Sign the DPA", "--owner", "Bo Chen")
        h.ok("checklist", "add", t, "Approve SSO")
        let items = try #require(try h.json("checklist", "list", t) as? [[String: Any]])
        #expect(items.count == 2)
        let first = try #require(items[0]["id"] as? String), second = try #require(items[1]["id"] as? String)
        h.ok("checklist", "check", first)
        h.ok("checklist", "assign", second, "Ana Ruiz")
        var plan = try h.plan()
        #expect(plan.checklist(of: EntityID(t)!)[0].done)
        #expect(plan.checklist(of: EntityID(t)!)[1].owner != nil)
        h.ok("checklist", "uncheck", first)
        plan = try h.plan()
        #expect(!plan.checklist(of: EntityID(t)!)[0].done)
        #expect(h.run("checklist", "check", t).err.contains("[wrong-kind]"))
    }

    @Test func genericDeleteAndRestore() throws {
        let h = CLIHarness.withPlan()
        defer { h.cleanUp() }
        h.ok("goal", "add", "Go live", "--side", "shared", "--measure", "by May")
        let goal = try h.plan().goals[0].id.description
        h.ok("delete", goal)
        #expect(try h.plan().goals.isEmpty)
        #expect(h.run("delete", goal).status == 2)
        h.ok("restore", goal)
        #expect(try h.plan().goals.count == 1)
        #expect(h.run("restore", goal).err.contains("not deleted"))
        #expect(h.run("delete", try h.plan().planID!.description).status == 2)
    }
}
