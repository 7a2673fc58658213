import TandemModel

/// What one NOTIFY on ``PostgresServerStore/notificationChannel`` says: a
/// plan's head moved to `head`. Text, "plan-id head", well under PostgreSQL's
/// 8000-byte payload limit.
public struct PlanHeadNotice: Hashable, Sendable {
    public var plan: EntityID
    public var head: UInt64

    public init(plan: EntityID, head: UInt64) {
        self.plan = plan
        self.head = head
    }

    public var payload: String { "\(plan) \(head)" }

    /// Nil for anything else on the channel (another program may NOTIFY it too).
    public init?(payload: String) {
        let parts = payload.split(separator: " ")
        guard payload.utf8.count <= 128, parts.count == 2, let plan = EntityID(String(parts[0])), let head = UInt64(parts[1]) else { return nil }
        self.init(plan: plan, head: head)
    }
}
