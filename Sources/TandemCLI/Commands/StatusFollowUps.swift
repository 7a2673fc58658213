import TandemModel
import TandemReports

/// The follow-ups part of `tandem status`: reminders the plan's rules make due
/// today (not sent yet) and follow-ups recorded in the plan in the last week.
struct StatusFollowUps {
    let due: [FollowUp]
    let recorded: [FollowUpRecordView]
    let today: CalendarDate

    init(plan: OnboardingPlan, today: CalendarDate) {
        self.today = today
        due = evaluateReminders(plan, today: today)
        let since = today.adding(days: -7)
        recorded = plan.recordedFollowUps.filter { ($0.day ?? since) >= since }
    }

    func print(plan: OnboardingPlan) {
        guard !due.isEmpty || !recorded.isEmpty else { return }
        let label = { (id: EntityID?) in id.map { EntityResolver.label(of: $0, in: plan.document) } ?? "plan" }
        Out.line(Table.paint("Follow-ups", .bold, Out.colour) + " (\(due.count) due today, \(recorded.count) sent in the last 7 days)")
        var table = Table("DAY", "KIND", "ABOUT", "TO", "STATE")
        for f in due.prefix(10) {
            table.add(f.day.description, f.kind.rawValue, f.task == nil ? "weekly digest" : label(f.task), f.to.map { plan.memberName($0) }.joined(separator: ", "), "due")
        }
        for r in recorded.suffix(10) {
            table.add(r.day?.description ?? "—", r.kind, r.subject == nil ? "weekly digest" : label(r.subject), r.recipients.map { plan.memberName($0) }.joined(separator: ", "), "sent")
        }
        Out.table(table)
        if due.count > 10 { Out.line("… and \(due.count - 10) more due today") }
        Out.line("drafts: 'tandem followups' · due reminders: 'tandem followups --reminders [--record]'")
        Out.line()
    }

    func adding(to json: JSONValue) -> JSONValue {
        guard case .object(var members) = json else { return json }
        members["followUpsDue"] = .array(due.map { f in
            .object(["kind": .string(f.kind.rawValue), "key": .string(f.key), "task": JSONViews.id(f.task),
                     "to": .array(f.to.map { JSONViews.id($0) }), "subject": .string(f.subject)])
        })
        members["followUpsSent"] = .array(recorded.map { r in
            .object(["kind": .string(r.kind), "key": .string(r.key), "subject": JSONViews.id(r.subject), "day": JSONViews.date(r.day)])
        })
        members["checkInScheduled"] = .bool(json["nextCheckIn"].map { $0 != .null } ?? false)
        return .object(members)
    }
}
