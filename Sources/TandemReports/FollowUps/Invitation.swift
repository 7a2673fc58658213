import TandemModel

/// An invitation for someone to take on (or help with) a task: what it is,
/// why it matters and by when, so the point person can loop in the right
/// colleague without having to explain it all (seed strategy 10).
public struct Invitation: Hashable, Sendable {
    public let subject: String
    public let body: String

    /// - Parameters:
    ///   - invitee: a name or an email address, as the user typed it.
    ///   - sender: who is asking.
    public init(task id: EntityID, invitee: String, plan: OnboardingPlan, schedule: Schedule, sender: EntityID?) {
        let task = plan.task(id)
        let drafter = FollowUpDrafter(plan: plan, schedule: schedule, today: schedule.today, sender: sender)
        let goals = drafter.goalContext(of: id)
        let info = plan.info
        let from = sender.map { plan.memberName($0) }
        let greeting = invitee.contains("@") ? "Hello," : "Hi \(invitee.split(separator: " ").first.map(String.init) ?? invitee),"
        var lines = [greeting, ""]
        let who = from.map { "\($0) would like" } ?? "We would like"
        lines.append("\(who) your help with one step of the \(info?.customer ?? "") onboarding plan: \u{201C}\(task.title)\u{201D}.")
        if let description = task.description { lines += ["", "What it is: \(description)"] }
        let steps = plan.subtasks(of: id).filter { !$0.isDone }.map(\.title) + plan.checklist(of: id).filter { !$0.done }.map(\.title)
        if !steps.isEmpty {
            lines += ["", "What it involves:"]
            lines += steps.prefix(8).map { "  - \($0)" }
        }
        if let estimate = task.estimateDays, estimate > 0 {
            lines.append("It usually takes about \(estimate) day\(estimate == 1 ? "" : "s").")
        }
        lines += ["", "Why it matters: " + goals.sentence.replacingFirst("It ", with: "This step ")]
        if let due = task.due { lines.append("It is due on \(due).") }
        lines.append(TimelineImplication(task: id, schedule: schedule).sentence.replacingFirst("It ", with: "This step "))
        let resources = plan.resources(of: id)
        if !resources.isEmpty {
            lines += ["", "To get started:"]
            lines += resources.prefix(5).map { "  - \($0.title) (\($0.kind?.rawValue ?? "link")): \($0.url)" }
        }
        let owners = task.responsible.map { plan.memberName($0) }
        let accountable = task.accountable.map { plan.memberName($0) }
        if !owners.isEmpty || accountable != nil {
            lines.append("")
            var people: [String] = []
            if !owners.isEmpty { people.append("\(list(owners)) \(owners.count == 1 ? "is" : "are") responsible") }
            if let accountable { people.append("\(accountable) is accountable for it") }
            lines.append("Who is involved: " + people.joined(separator: "; ") + ".")
        }
        lines += ["", "Could you reply to say whether you can take this on by \(task.due.map(\.description) ?? "the date above")? Questions are welcome."]
        if let from { lines += ["", "Thank you,", from] }
        subject = "Can you help with \u{201C}\(task.title)\u{201D}\(task.due.map { " by \($0)" } ?? "")?"
        body = lines.joined(separator: "\n")
    }

    public var text: String { "Subject: " + subject + "\n\n" + body }
}

extension String {
    func replacingFirst(_ prefix: String, with replacement: String) -> String {
        hasPrefix(prefix) ? replacement + dropFirst(prefix.count) : self
    }
}
