import Testing
import TandemModel
@testable import TandemReports

@Suite("Follow-ups: goal, implication, recipients, reminder rules")
struct FollowUpTests {
    /// A plan on day 10: "Connect CRM" (critical) is 2 days overdue, "Invite users" (5 days float) is due in 2 days.
    func fixture() throws -> (TestPlan, EntityID, EntityID, EntityID) {
        var t = try TestPlan(targetDays: 30)
        let goal = try t.plan.addGoal(title: "Replace the spreadsheet", side: .customer, measure: "old tracker retired by go-live")
        _ = try t.plan.addGoal(title: "Expansion-ready account", side: .internal)
        let crm = try t.task("Connect CRM", estimate: 5, due: 8, responsible: t.customerMember, accountable: t.internalMember)
        let invite = try t.task("Invite users", estimate: 2, due: 12, responsible: t.customerMember)
        _ = try t.task("Go live", estimate: 10, after: [crm])
        try t.plan.linkGoal(crm, goal)
        try t.plan.addResource(to: crm, title: "CRM guide", url: "https://docs.example.com/crm", kind: .article)
        return (t, crm, invite, goal)
    }

    @Test func overdueCriticalDraftNamesGoalAndDayForDayImplication() throws {
        let (t, crm, _, _) = try fixture()
        let today = t.day(10)
        let drafter = FollowUpDrafter(plan: t.plan, schedule: Schedule(plan: t.plan, today: today), today: today, sender: t.internalMember)
        let draft = drafter.draft(for: t.plan.task(crm), kind: .overdue)
        #expect(draft.to == [t.customerMember])
        #expect(draft.cc == [t.internalMember], "copies the Accountable member")
        #expect(draft.goals == ["Replace the spreadsheet"])
        #expect(draft.body.contains("Hi Bo,"))
        #expect(draft.body.contains("was due on 2026-03-09 and is 2 days overdue"))
        #expect(draft.body.contains("It serves our goal \u{201C}Replace the spreadsheet\u{201D} (old tracker retired by go-live)."))
        #expect(draft.body.contains("each day this waits moves the go-live (now projected for 2026-03-26) by one day"))
        #expect(draft.body.contains("To keep the 2026-03-31 target it must be done by 2026-03-21."))
        #expect(draft.body.contains("CRM guide: https://docs.example.com/crm"))
        #expect(draft.body.contains("— Ana Ruiz"))
        #expect(!draft.body.lowercased().contains("just following up"))
    }

    @Test func nonCriticalDraftStatesTheSlackLeft() throws {
        let (t, _, invite, _) = try fixture()
        let today = t.day(10)
        let drafter = FollowUpDrafter(plan: t.plan, schedule: Schedule(plan: t.plan, today: today), today: today)
        let drafts = drafter.drafts(withinDays: 3)
        #expect(drafts.map(\.kind) == [.overdue, .dueSoon])
        let soon = try #require(drafts.last)
        #expect(soon.task == invite)
        #expect(soon.cc.isEmpty)
        #expect(soon.implication.hasPrefix("It has 13 days of slack: done by 2026-03-26 it keeps the projected go-live (2026-03-26)"))
        // Not linked to a goal: it cites the plan's outward goals rather than nagging without context.
        #expect(soon.goals == ["Replace the spreadsheet"])
        #expect(soon.body.contains("is due on 2026-03-13 (in 2 days)"))
    }

    @Test func remindersFollowTheRulesOnceEach() throws {
        var (t, crm, invite, _) = try fixture()
        try t.plan.setReminderRules(ReminderRules(daysBefore: 2, dailyWhenOverdue: true, escalateAfterDays: 2, digestWeekday: nil))
        let today = t.day(10)   // 2026-03-11, a Wednesday
        let due = evaluateReminders(t.plan, today: today)
        #expect(due.map(\.kind) == [.overdue, .escalation, .dueSoon])
        let escalation = due[1]
        #expect(escalation.task == crm && escalation.to == [t.internalMember] && escalation.cc == [t.customerMember])
        #expect(escalation.body.contains("Bo Chen is responsible for it"))
        #expect(due[2].task == invite)
        // No escalation when the Accountable member is the one already reminded.
        let own = try t.task("Own task", estimate: 1, due: 5, responsible: t.internalMember, accountable: t.internalMember)
        #expect(!evaluateReminders(t.plan, today: today).contains { $0.task == own && $0.kind == .escalation })
        #expect(evaluateReminders(t.plan, today: today).contains { $0.task == own && $0.kind == .overdue })
        try t.plan.delete(own)
        // Recorded, they are not due again the same day…
        for f in due { try f.record(in: &t.plan) }
        #expect(evaluateReminders(t.plan, today: today).isEmpty)
        // …but the daily overdue reminder comes back the next day; escalation and due-soon do not.
        let tomorrow = evaluateReminders(t.plan, today: t.day(11))
        #expect(tomorrow.map(\.kind) == [.overdue])
        #expect(tomorrow[0].key == "overdue:\(crm):2026-03-12")
    }

    @Test func weeklyDigestOnItsDay() throws {
        var (t, _, _, _) = try fixture()
        try t.plan.setReminderRules(ReminderRules(daysBefore: 0, dailyWhenOverdue: false, escalateAfterDays: nil, digestWeekday: 3))
        #expect(isoWeekday(t.day(10)) == 3)
        let due = evaluateReminders(t.plan, today: t.day(10))
        let digest = try #require(due.first { $0.kind == .digest })
        #expect(digest.body.contains("Overdue (1):"))
        #expect(digest.body.contains("Connect CRM (due 2026-03-09; Bo Chen) — critical: each day moves go-live"))
        #expect(digest.body.contains("Due in the next 7 days (1):"))
        #expect(digest.implication.contains("go-live projected for 2026-03-26"))
        #expect(evaluateReminders(t.plan, today: t.day(11)).allSatisfy { $0.kind != .digest })
        #expect(isoWeekday(CalendarDate(year: 1970, month: 1, day: 1)!) == 4)
    }

    @Test func invitationExplainsWhatAndWhy() throws {
        var (t, crm, _, _) = try fixture()
        try t.plan.editTask(crm, description: "Connect the CRM so that deals sync both ways")
        try t.plan.addChecklistItem(to: crm, title: "Create an API key")
        let invitation = Invitation(task: crm, invitee: "Dana Lee", plan: t.plan, schedule: t.schedule(today: 5), sender: t.customerMember)
        #expect(invitation.subject == "Can you help with \u{201C}Connect CRM\u{201D} by 2026-03-09?")
        #expect(invitation.body.hasPrefix("Hi Dana,"))
        #expect(invitation.body.contains("What it is: Connect the CRM so that deals sync both ways"))
        #expect(invitation.body.contains("  - Create an API key"))
        #expect(invitation.body.contains("Why it matters: This step serves our goal \u{201C}Replace the spreadsheet\u{201D}"))
        #expect(invitation.body.contains("each day this waits moves the go-live"))
        #expect(invitation.body.contains("Bo Chen is responsible; Ana Ruiz is accountable for it."))
    }

    @Test func lateCompletionNeedsAReason() throws {
        var t = try TestPlan()
        let a = try t.task("A", estimate: 1, due: 3)
        #expect(throws: PlanError.self) { try t.plan.complete(a, at: t.noon(5), lateReason: nil, note: nil) }
        try t.plan.complete(a, at: t.noon(5), lateReason: .preventable, note: "forgot")
        #expect(t.plan.lateCompletion(of: a)?.reason == .preventable && t.plan.lateCompletion(of: a)?.note == "forgot")
        try t.plan.setStatus(a, .todo, at: t.noon(5))
        try t.plan.editTask(a, due: t.day(9))
        try t.plan.complete(a, at: t.noon(6), lateReason: nil, note: nil)
        #expect(t.plan.lateCompletion(of: a) == nil, "an on-time completion clears the old reason")
    }
}
