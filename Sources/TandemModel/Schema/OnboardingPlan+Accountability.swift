// Accountability data: goal links, late-completion reasons, phase gates,
// baselines, reminder rules and recorded follow-ups. Everything is stored with
// the generic mechanisms (entities, LWW fields, add-wins sets), so it merges
// like the rest of the plan and needs no new operation type.

extension EntityKind {
    /// A named snapshot of every task's dates, kept under the plan.
    public static let baseline: EntityKind = "baseline"
    /// A follow-up that was sent (or recorded by the server), kept under the plan.
    public static let followUp: EntityKind = "follow-up"
}

extension Field {
    /// Task → goals it serves (set of references).
    public static let goals = "goals"
    public static let lateReason = "late-reason"
    public static let lateNote = "late-note"
    /// Phase gate: the member whose approval the phase's tasks wait for.
    public static let gateApprover = "gate-approver"
    /// Phase gate: when the approval is expected (optional).
    public static let gateExpected = "gate-expected"
    public static let approvedAt = "approved-at"
    public static let approvedBy = "approved-by"
    /// Baseline: the encoded task dates (see ``BaselineView``).
    public static let dates = "dates"
    public static let goLive = "go-live"
    public static let reminderDaysBefore = "reminder-days-before"
    public static let reminderDailyOverdue = "reminder-daily-overdue"
    public static let reminderEscalateAfter = "reminder-escalate-after"
    public static let reminderDigestWeekday = "reminder-digest-weekday"
    public static let day = "day"
    public static let key = "key"
    public static let recipients = "recipients"
    public static let copied = "copied"
}

extension PlanError.Code {
    public static let lateReasonRequired = PlanError.Code(rawValue: "late-reason-required")
    public static let notApprover = PlanError.Code(rawValue: "not-approver")
    public static let duplicateName = PlanError.Code(rawValue: "duplicate-name")
}

/// Why a task was completed after its due date.
public enum LateReason: String, PlanSymbol {
    /// Outside anyone's control in the plan (e.g. a vendor outage, a legal hold).
    case excusable
    /// Could have been avoided (e.g. forgotten, deprioritised).
    case preventable
    public static let noun = "late reason"
}

/// A late completion as recorded on a task.
public struct LateCompletionView: Hashable, Sendable {
    public let reason: LateReason
    public let note: String?
}

/// A phase's approval gate: its tasks may not start before `approver` approves.
public struct GateView: Hashable, Sendable {
    public let phase: EntityID
    public let approver: EntityID
    public let expected: CalendarDate?
    public let approvedAt: Instant?
    public let approvedBy: EntityID?
    public var isApproved: Bool { approvedAt != nil }
}

/// One task's dates in a baseline.
public struct BaselineEntry: Hashable, Sendable {
    public let task: EntityID
    public let due: CalendarDate?
    public let start: CalendarDate?
    public let finish: CalendarDate?

    public init(task: EntityID, due: CalendarDate?, start: CalendarDate?, finish: CalendarDate?) {
        self.task = task
        self.due = due
        self.start = start
        self.finish = finish
    }
}

/// A saved baseline. The dates are one string field (one line per task:
/// `ID DUE START FINISH`, `-` for none) so a baseline is written, merged and
/// synced atomically: it is a snapshot and never edited.
public struct BaselineView: Hashable, Sendable {
    public let id: EntityID
    public let name: String
    public let savedAt: Instant?
    public let target: CalendarDate?
    public let goLive: CalendarDate?
    public let entries: [BaselineEntry]
}

/// When reminders fire for a plan. Stored as plan fields; unset fields take the defaults.
public struct ReminderRules: Hashable, Sendable {
    /// A reminder this many days before a task's due date (0 = none).
    public var daysBefore: Int
    /// A reminder each day a task is overdue.
    public var dailyWhenOverdue: Bool
    /// Escalate to the Accountable member after this many days overdue (nil = never).
    public var escalateAfterDays: Int?
    /// ISO weekday (1 = Monday … 7 = Sunday) of the weekly digest (nil = none).
    public var digestWeekday: Int?

    public static let defaults = ReminderRules(daysBefore: 3, dailyWhenOverdue: true, escalateAfterDays: 3, digestWeekday: 1)

    public init(daysBefore: Int, dailyWhenOverdue: Bool, escalateAfterDays: Int?, digestWeekday: Int?) {
        self.daysBefore = daysBefore
        self.dailyWhenOverdue = dailyWhenOverdue
        self.escalateAfterDays = escalateAfterDays
        self.digestWeekday = digestWeekday
    }
}

/// A follow-up recorded in the plan, so every side sees the same list.
public struct FollowUpRecordView: Hashable, Sendable {
    public let id: EntityID
    /// Deduplication key, e.g. `overdue:<task>:<day>`.
    public let key: String
    public let kind: String
    public let subject: EntityID?
    public let day: CalendarDate?
    public let recipients: [EntityID]
    public let copied: [EntityID]
    public let text: String
    public let recordedBy: EntityID?
}

extension OnboardingPlan {
    // MARK: Goal links

    /// Records that a task serves a goal (a task may serve several).
    public mutating func linkGoal(_ task: EntityID, _ goal: EntityID) throws(PlanError) {
        let entity = try require(task, kind: .task)
        try require(goal, kind: .goal)
        if !entity.members(of: Field.goals).contains(.reference(goal)) {
            replica.add(.reference(goal), to: Field.goals, of: task)
        }
    }

    public mutating func unlinkGoal(_ task: EntityID, _ goal: EntityID) throws(PlanError) {
        try require(task, kind: .task)
        replica.remove(.reference(goal), from: Field.goals, of: task)
    }

    /// The visible goals a task serves, in plan order.
    public func goals(of task: EntityID) -> [GoalView] {
        guard let linked = document[task]?.members(of: Field.goals).compactMap(\.reference), !linked.isEmpty else { return [] }
        let wanted = Set(linked)
        return goals.filter { wanted.contains($0.id) }
    }

    // MARK: Late completion

    /// Marks a task done at `time`. When that is after its due date a reason is
    /// required, so lateness is always explained; an on-time completion clears
    /// a reason left from an earlier, reopened completion.
    public mutating func complete(_ task: EntityID, at time: Instant, lateReason: LateReason?, note: String?) throws(PlanError) {
        try require(task, kind: .task)
        let view = self.task(task)
        let late = view.due.map { time.date > $0 } ?? false
        if late, lateReason == nil {
            let days = view.due!.days(to: time.date)
            throw PlanError(.lateReasonRequired, "'\(view.title)' was due \(view.due!) and is done \(days) day\(days == 1 ? "" : "s") late; a late completion needs a reason (excusable or preventable) and a note")
        }
        if let note { try Self.requireText(note, "late note") }
        try setStatus(task, .done, at: time)
        let entity = document[task]!
        if late, let lateReason {
            replica.set(task, Field.lateReason, lateReason.value)
            if let note { replica.set(task, Field.lateNote, .string(note)) } else if entity[Field.lateNote] != .null { replica.set(task, Field.lateNote, .null) }
        } else {
            if entity[Field.lateReason] != .null { replica.set(task, Field.lateReason, .null) }
            if entity[Field.lateNote] != .null { replica.set(task, Field.lateNote, .null) }
        }
    }

    public func lateCompletion(of task: EntityID) -> LateCompletionView? {
        guard let e = document[task], let reason = e[Field.lateReason].symbol.flatMap(LateReason.init(rawValue:)) else { return nil }
        return LateCompletionView(reason: reason, note: e[Field.lateNote].string)
    }

    // MARK: Gates

    /// Requires `approver`'s approval before the phase's tasks start.
    public mutating func setGate(_ phase: EntityID, approver: EntityID, expected: CalendarDate? = nil) throws(PlanError) {
        try require(phase, kind: .phase)
        try requireMember(approver)
        replica.set(phase, Field.gateApprover, .reference(approver))
        replica.set(phase, Field.gateExpected, expected.map { .date($0) } ?? .null)
        // A new approver has not approved anything yet.
        if document[phase]![Field.approvedAt] != .null { replica.set(phase, Field.approvedAt, .null) }
    }

    public mutating func removeGate(_ phase: EntityID) throws(PlanError) {
        try require(phase, kind: .phase)
        replica.set(phase, Field.gateApprover, .null)
        replica.set(phase, Field.approvedAt, .null)
    }

    /// Approves a gate; only its named approver may.
    public mutating func approveGate(_ phase: EntityID, by member: EntityID?, at time: Instant) throws(PlanError) {
        try require(phase, kind: .phase)
        guard let gate = gate(of: phase) else {
            throw PlanError(.invalidValue, "phase \(phase.short()) has no approval gate")
        }
        guard let member, member == gate.approver else {
            throw PlanError(.notApprover, "only \(memberName(gate.approver)) can approve this gate (acting as \(member.map { memberName($0) } ?? "nobody"))")
        }
        replica.set(phase, Field.approvedAt, .instant(time))
        replica.set(phase, Field.approvedBy, .reference(member))
    }

    public func gate(of phase: EntityID) -> GateView? {
        guard let e = document[phase], let approver = e[Field.gateApprover].reference else { return nil }
        return GateView(phase: phase, approver: approver, expected: e[Field.gateExpected].date,
                        approvedAt: e[Field.approvedAt].instant, approvedBy: e[Field.approvedBy].reference)
    }

    // MARK: Baselines

    /// Saves a baseline; names are unique among visible baselines.
    @discardableResult
    public mutating func saveBaseline(name: String, at time: Instant, target: CalendarDate?, goLive: CalendarDate?,
                                      entries: [BaselineEntry]) throws(PlanError) -> EntityID {
        let plan = try requirePlan()
        try Self.requireText(name, "baseline name")
        guard !name.contains(where: \.isNewline) else { throw PlanError(.invalidValue, "a baseline name is one line") }
        if baselines.contains(where: { $0.name == name }) {
            throw PlanError(.duplicateName, "a baseline named '\(name)' exists already; choose another name")
        }
        let id = replica.create(.baseline, under: plan)
        replica.set(id, Field.name, .string(name))
        replica.set(id, Field.at, .instant(time))
        if let target { replica.set(id, Field.target, .date(target)) }
        if let goLive { replica.set(id, Field.goLive, .date(goLive)) }
        func text(_ date: CalendarDate?) -> String { date?.description ?? "-" }
        let lines = entries.map { "\($0.task) \(text($0.due)) \(text($0.start)) \(text($0.finish))" }
        replica.set(id, Field.dates, .string(lines.joined(separator: "\n")))
        return id
    }

    /// Visible baselines, oldest first.
    public var baselines: [BaselineView] {
        guard let plan = planID else { return [] }
        return visibleChildren(of: plan, kind: .baseline).map { id in
            let e = document[id]!
            var entries: [BaselineEntry] = []
            for line in (e[Field.dates].string ?? "").split(separator: "\n") {
                let parts = line.split(separator: " ")
                guard parts.count == 4, let task = EntityID(parts[0]) else { continue }
                entries.append(BaselineEntry(task: task, due: CalendarDate(iso8601: parts[1]),
                                             start: CalendarDate(iso8601: parts[2]), finish: CalendarDate(iso8601: parts[3])))
            }
            return BaselineView(id: id, name: e[Field.name].string ?? "", savedAt: e[Field.at].instant,
                                target: e[Field.target].date, goLive: e[Field.goLive].date, entries: entries)
        }.sorted { ($0.savedAt?.milliseconds ?? 0, $0.id) < ($1.savedAt?.milliseconds ?? 0, $1.id) }
    }

    /// The latest-saved visible baseline with this name (two replicas may save one each).
    public func baseline(named name: String) -> BaselineView? {
        baselines.last { $0.name == name }
    }

    // MARK: Reminder rules

    public var reminderRules: ReminderRules {
        var rules = ReminderRules.defaults
        guard let plan = planID, let e = document[plan] else { return rules }
        if let days = e[Field.reminderDaysBefore].int { rules.daysBefore = Int(days) }
        if let daily = e[Field.reminderDailyOverdue].bool { rules.dailyWhenOverdue = daily }
        switch e[Field.reminderEscalateAfter] {
        case .int(let days): rules.escalateAfterDays = days < 0 ? nil : Int(days)
        default: break
        }
        switch e[Field.reminderDigestWeekday] {
        case .int(let day): rules.digestWeekday = (1...7).contains(day) ? Int(day) : nil
        default: break
        }
        return rules
    }

    /// Stores reminder rules (all four, so replicas agree on one rule set per write).
    public mutating func setReminderRules(_ rules: ReminderRules) throws(PlanError) {
        let plan = try requirePlan()
        guard (0...90).contains(rules.daysBefore) else { throw PlanError(.invalidValue, "days before due is 0 to 90, not \(rules.daysBefore)") }
        if let days = rules.escalateAfterDays, !(0...365).contains(days) {
            throw PlanError(.invalidValue, "escalation is after 0 to 365 days overdue, not \(days)")
        }
        if let day = rules.digestWeekday, !(1...7).contains(day) {
            throw PlanError(.invalidValue, "the digest weekday is 1 (Monday) to 7 (Sunday), not \(day)")
        }
        replica.set(plan, Field.reminderDaysBefore, .int(Int64(rules.daysBefore)))
        replica.set(plan, Field.reminderDailyOverdue, .bool(rules.dailyWhenOverdue))
        // -1 / 0 mean "never": explicit values, so "off" overrides the default.
        replica.set(plan, Field.reminderEscalateAfter, .int(Int64(rules.escalateAfterDays ?? -1)))
        replica.set(plan, Field.reminderDigestWeekday, .int(Int64(rules.digestWeekday ?? 0)))
    }

    // MARK: Recorded follow-ups

    /// Records a follow-up in the plan. `key` deduplicates: recording the same
    /// key twice is a no-op, so the server can re-run its evaluator safely.
    @discardableResult
    public mutating func recordFollowUp(key: String, kind: String, subject: EntityID?, day: CalendarDate,
                                        recipients: [EntityID], copied: [EntityID], text: String) throws(PlanError) -> EntityID? {
        let plan = try requirePlan()
        try Self.requireText(key, "follow-up key")
        if recordedFollowUps.contains(where: { $0.key == key }) { return nil }
        let id = replica.create(.followUp, under: plan)
        replica.set(id, Field.key, .string(key))
        replica.set(id, Field.kind, .symbol(kind))
        if let subject { replica.set(id, Field.subject, .reference(subject)) }
        replica.set(id, Field.day, .date(day))
        for member in Set(recipients).sorted() { replica.add(.reference(member), to: Field.recipients, of: id) }
        for member in Set(copied).sorted() { replica.add(.reference(member), to: Field.copied, of: id) }
        replica.set(id, Field.text, .string(text))
        return id
    }

    /// Recorded follow-ups, by day then key.
    public var recordedFollowUps: [FollowUpRecordView] {
        guard let plan = planID else { return [] }
        return visibleChildren(of: plan, kind: .followUp).map { id in
            let e = document[id]!
            return FollowUpRecordView(id: id, key: e[Field.key].string ?? "", kind: e[Field.kind].symbol ?? "",
                                      subject: e[Field.subject].reference, day: e[Field.day].date,
                                      recipients: e.members(of: Field.recipients).compactMap(\.reference),
                                      copied: e.members(of: Field.copied).compactMap(\.reference),
                                      text: e[Field.text].string ?? "", recordedBy: e.creator)
        }.sorted { ($0.day?.daysSinceEpoch ?? 0, $0.key) < ($1.day?.daysSinceEpoch ?? 0, $1.key) }
    }
}
