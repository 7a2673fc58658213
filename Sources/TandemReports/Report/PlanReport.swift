import TandemModel

/// Everything `tandem report` shows, as data: progress by phase and side,
/// on-time rates per person and side, late completions by reason, health,
/// engagement, the RACI matrix, the timeline and feedback per phase. The
/// renderers (JSON, CSV, Markdown, HTML) only format it.
public struct PlanReport: Sendable {
    /// Who the report is for. A customer report holds only what customer
    /// replicas receive: no internal-only section, no health rating.
    public enum Audience: String, Sendable { case `internal`, customer }

    public struct Progress: Hashable, Sendable {
        public let label: String
        public let id: EntityID?
        public let done: Int
        public let total: Int
        public var percent: Int { total == 0 ? 0 : done * 100 / total }
    }

    /// On-time record over tasks "due so far": done ones with a due date, and open ones past due.
    public struct OnTime: Hashable, Sendable {
        public let label: String
        public let member: EntityID?
        public let side: Side?
        public let onTime: Int
        public let late: Int
        public let overdue: Int
        public var counted: Int { onTime + late + overdue }
        /// onTime / counted; nil when nothing was due yet.
        public var rate: Double? { counted == 0 ? nil : Double(onTime) / Double(counted) }
    }

    public struct LateCompletion: Hashable, Sendable {
        public let task: EntityID
        public let title: String
        public let due: CalendarDate
        public let completed: CalendarDate
        public var daysLate: Int { due.days(to: completed) }
        /// nil for completions recorded before reasons were asked for.
        public let reason: LateReason?
        public let note: String?
    }

    public enum HealthStatus: String, Sendable { case onTrack = "on track", atRisk = "at risk", offTrack = "off track" }

    /// Health from the share of overdue tasks among tasks due so far (see ``thresholds``).
    public struct Health: Hashable, Sendable {
        public let overdue: Int
        public let dueSoFar: Int
        public var share: Double { dueSoFar == 0 ? 0 : Double(overdue) / Double(dueSoFar) }
        public var status: HealthStatus {
            share <= PlanReport.thresholds.onTrack ? .onTrack : share <= PlanReport.thresholds.atRisk ? .atRisk : .offTrack
        }
    }

    /// Up to 10% overdue is on track, up to 25% at risk, more is off track.
    public static let thresholds = (onTrack: 0.10, atRisk: 0.25)

    public struct Engagement: Hashable, Sendable {
        public let side: Side
        public let lastActivity: CalendarDate?
        public let daysSince: Int?
        /// Operations by members of this side in the last 14 days.
        public let recentOperations: Int
    }

    public struct RACIRow: Hashable, Sendable {
        public let task: EntityID
        public let title: String
        /// One entry per ``PlanReport/members`` column: "", "R", "A", "C", "I" or combinations like "R/A".
        public let letters: [String]
        public var hasAccountable: Bool { letters.contains { $0.contains("A") } }
    }

    public struct TimelineRow: Hashable, Sendable {
        public let task: EntityID
        public let title: String
        public let phase: String
        public let isSubtask: Bool
        public let status: TaskStatus
        public let start: CalendarDate
        public let finish: CalendarDate
        public let due: CalendarDate?
        public let completed: CalendarDate?
        public let floatDays: Int
        public let critical: Bool
        public let owners: [String]
        public let side: Side?
        public let baselineFinishDelta: Int?
        public let baselineDueDelta: Int?
    }

    /// Ratings of one phase: the distribution, not only the mean.
    public struct FeedbackSummary: Hashable, Sendable {
        public let phase: EntityID
        public let title: String
        /// counts[0] is the number of 1s … counts[4] the number of 5s.
        public let counts: [Int]
        public let internalCounts: [Int]
        public let customerCounts: [Int]
        public let comments: [String]
        public var responses: Int { counts.reduce(0, +) }
        public var mean: Double? { responses == 0 ? nil : Double(zip(1..., counts).map { $0 * $1 }.reduce(0, +)) / Double(responses) }
        /// Share of 4s and 5s (the usual CSAT).
        public var satisfied: Double? { responses == 0 ? nil : Double(counts[3] + counts[4]) / Double(responses) }
    }

    public struct Blocker: Hashable, Sendable {
        public let phase: EntityID
        public let title: String
        public let approver: String
        public let opens: CalendarDate
        public let critical: Bool
    }

    public let audience: Audience
    public let today: CalendarDate
    public let title: String
    public let customer: String
    public let start: CalendarDate?
    public let target: CalendarDate?
    public let template: String?
    public let schedule: Schedule
    public let goLive: CalendarDate?
    public let slipDays: Int?
    public let criticalPath: [String]
    public let cycles: [[String]]
    public let blockers: [Blocker]
    public let phases: [Progress]
    public let sides: [Progress]
    public let overall: Progress
    public let onTimeByMember: [OnTime]
    public let onTimeBySide: [OnTime]
    public let lateCompletions: [LateCompletion]
    /// nil in a customer report.
    public let health: Health?
    public let engagement: [Engagement]
    public let members: [MemberView]
    public let raci: [RACIRow]
    public let timeline: [TimelineRow]
    public let feedback: [FeedbackSummary]
    public let baselineName: String?
    public let baselineGoLiveDelta: Int?

    public var excusableCount: Int { lateCompletions.filter { $0.reason == .excusable }.count }
    public var preventableCount: Int { lateCompletions.filter { $0.reason == .preventable }.count }
}
