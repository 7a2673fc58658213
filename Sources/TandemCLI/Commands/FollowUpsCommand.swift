import ArgumentParser
import TandemModel
import TandemReports

/// `tandem followups`: drafts for overdue and soon-due tasks that cite the goal
/// and the timeline implication, and the reminders the plan's rules make due.
struct FollowUpsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "followups",
        abstract: "Follow-up drafts for overdue and soon-due tasks: to the Responsible members, copying the Accountable one, naming the goal and what waiting costs.",
        discussion: """
        Without options: one draft per open task that is overdue or due within the reminder \
        window (the plan's 'days before due', default 3; or --within DAYS).
        --reminders: what the plan's reminder rules make due today and is not recorded yet \
        (due-soon, daily overdue, escalation to the Accountable member, weekly digest); \
        add --record to record them in the plan so every side sees them as sent.
        Rules: 'tandem reminders show|set'.
        """
    )
    @OptionGroup var global: GlobalOptions
    @OptionGroup var format: JSONFlag
    @Option(help: "Days ahead that count as soon-due (default: the plan's reminder rule).") var within: Int?
    @Flag(help: "Show the reminders the plan's rules make due today instead.") var reminders = false
    @Flag(help: "With --reminders: record them in the plan.") var record = false

    func validate() throws {
        if record && !reminders { throw ValidationError("--record goes with --reminders") }
        if let within, within < 0 { throw ValidationError("--within is 0 days or more") }
    }

    func run() throws {
        let session = try Session(global)
        let today = try session.today()
        var followUps: [FollowUp]
        var plan = try session.read()
        _ = try plan.requirePlan()
        let schedule = Schedule(plan: plan, today: today)
        if reminders {
            followUps = ReminderEvaluator(rules: plan.reminderRules).evaluate(plan, today: today, schedule: schedule, sender: plan.replica.author)
            if record, !followUps.isEmpty {
                let toRecord = followUps
                try session.write { writable, _ in
                    for followUp in toRecord { try followUp.record(in: &writable) }
                }
                plan = try session.read()
            }
        } else {
            let drafter = FollowUpDrafter(plan: plan, schedule: schedule, today: today, sender: plan.replica.author)
            followUps = drafter.drafts(withinDays: within ?? max(plan.reminderRules.daysBefore, 1))
        }
        if format.json { return Out.json(.array(followUps.map { Self.json($0, plan: plan) })) }
        if followUps.isEmpty {
            Out.line(reminders ? "No reminders are due today (\(today))." : "Nothing is overdue or due soon: no follow-ups needed.")
            return
        }
        for (index, followUp) in followUps.enumerated() {
            if index > 0 { Out.line() }
            Self.print(followUp, plan: plan)
        }
        if record { Out.line("\nrecorded \(followUps.count) follow-up(s) in the plan") }
    }

    static func addressee(_ id: EntityID, _ plan: OnboardingPlan) -> String {
        let member = plan.document[id]?.kind == .member ? plan.member(id) : nil
        return plan.memberName(id) + (member?.email.map { " <\($0)>" } ?? "")
    }

    static func print(_ followUp: FollowUp, plan: OnboardingPlan) {
        let colour = Out.colour
        let to = followUp.to.isEmpty ? "(nobody is responsible: assign someone with 'tandem task assign')" : followUp.to.map { addressee($0, plan) }.joined(separator: ", ")
        var header = "── \(followUp.kind.rawValue) · To: \(to)"
        if !followUp.cc.isEmpty { header += " · Cc: " + followUp.cc.map { addressee($0, plan) }.joined(separator: ", ") }
        Out.line(Table.paint(header, followUp.kind == .dueSoon ? .yellow : .red, colour))
        Out.line("Subject: \(followUp.subject)")
        Out.line()
        Out.line(followUp.body)
    }

    static func json(_ f: FollowUp, plan: OnboardingPlan) -> JSONValue {
        .object([
            "kind": .string(f.kind.rawValue), "key": .string(f.key), "task": JSONViews.id(f.task), "day": JSONViews.date(f.day),
            "to": .array(f.to.map { JSONViews.id($0) }), "cc": .array(f.cc.map { JSONViews.id($0) }),
            "toNames": .array(f.to.map { .string(plan.memberName($0)) }), "ccNames": .array(f.cc.map { .string(plan.memberName($0)) }),
            "subject": .string(f.subject), "body": .string(f.body), "goals": .array(f.goals.map(JSONValue.string)),
            "implication": .string(f.implication),
        ])
    }
}
