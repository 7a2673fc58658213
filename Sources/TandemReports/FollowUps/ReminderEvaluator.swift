import TandemModel

/// Applies a plan's ``ReminderRules`` on a day and returns the follow-ups that
/// are due and not recorded yet. The server runs it (daily, or on every
/// change) and records the result in the plan; running it twice on the same
/// day yields nothing new, because each reminder has a key.
public struct ReminderEvaluator: Sendable {
    public let rules: ReminderRules

    public init(rules: ReminderRules) { self.rules = rules }

    /// - Parameters:
    ///   - schedule: pass one when it is computed already; else it is computed here.
    public func evaluate(_ plan: OnboardingPlan, today: CalendarDate, schedule: Schedule? = nil, sender: EntityID? = nil) -> [FollowUp] {
        let schedule = schedule ?? Schedule(plan: plan, today: today)
        let drafter = FollowUpDrafter(plan: plan, schedule: schedule, today: today, sender: sender)
        let recorded = Set(plan.recordedFollowUps.map(\.key))
        var result: [FollowUp] = []
        func add(_ followUp: FollowUp?) {
            guard let followUp, !recorded.contains(followUp.key) else { return }
            result.append(followUp)
        }
        let tasks = plan.allTasks.filter { !$0.isDone && $0.due != nil }
            .sorted { ($0.due!, $0.title, $0.id) < ($1.due!, $1.title, $1.id) }
        for task in tasks {
            let due = task.due!
            let daysLeft = today.days(to: due)
            if rules.daysBefore > 0, (0...rules.daysBefore).contains(daysLeft) {
                // Once per due date: a moved date earns a new reminder.
                add(drafter.draft(for: task, kind: .dueSoon, key: "due-soon:\(task.id):\(due)"))
            }
            if daysLeft < 0 {
                let overdueDays = -daysLeft
                let key = rules.dailyWhenOverdue ? "overdue:\(task.id):\(today)" : "overdue:\(task.id):\(due)"
                add(drafter.draft(for: task, kind: .overdue, key: key))
                // Escalate to an Accountable member who is not already the one being reminded.
                if let after = rules.escalateAfterDays, overdueDays >= after, let accountable = task.accountable,
                   !task.responsible.isEmpty, !task.responsible.contains(accountable) {
                    add(drafter.draft(for: task, kind: .escalation, key: "escalation:\(task.id):\(due)"))
                }
            }
        }
        if let weekday = rules.digestWeekday, isoWeekday(today) == weekday {
            add(drafter.digest(key: "digest:\(today)"))
        }
        return result
    }
}

/// The reminders due on `today` under the plan's own rules (see ``ReminderEvaluator``).
public func evaluateReminders(_ plan: OnboardingPlan, today: CalendarDate) -> [FollowUp] {
    ReminderEvaluator(rules: plan.reminderRules).evaluate(plan, today: today)
}

/// ISO weekday: 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday).
public func isoWeekday(_ date: CalendarDate) -> Int {
    let days = Int(date.daysSinceEpoch)
    return ((days + 3) % 7 + 7) % 7 + 1
}
