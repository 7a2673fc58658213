import TandemModel

/// Server-side edits an operator makes (`tandemd plan create`, `tandemd member
/// add`): they become operations of the plan's server replica, authored by no
/// member, and reach clients like any other operation.
public struct PlanAdministration: Sendable {
    public let store: any ServerStore

    public init(store: any ServerStore) { self.store = store }

    /// Creates a plan (from a template when named) with a fresh server replica.
    public func createPlan(_ details: OnboardingPlan.Details, template: PlanTemplate? = nil, start: CalendarDate? = nil) async throws -> PlanRecord {
        let replica = ReplicaID.random()
        var plan = OnboardingPlan(replica: PlanReplica(replicaID: replica))
        let id = try plan.createPlan(details)
        if let template {
            let startDate = start ?? CalendarDate(utcMilliseconds: Int64(SystemWallClock.milliseconds()))
            try template.instantiate(into: &plan, start: startDate)
        }
        let record = PlanRecord(id: id, serverReplica: replica, title: details.title, customer: details.customer,
                                createdMilliseconds: Int64(SystemWallClock.milliseconds()))
        try await store.createPlan(record, operations: plan.replica.takeOutbox())
        return record
    }

    /// Adds a member entity to the plan and issues its invite token.
    /// - Returns: the member and the token, which is shown once and stored only hashed.
    /// - Parameter access: what the member may read and write; by default an editor of their side.
    ///   Owners and internal editors must be on the internal side, customer editors on the customer side.
    public func addMember(plan id: EntityID, name: String, email: String? = nil, side: Side, role: String?,
                          access: AccessRole? = nil) async throws -> (member: MemberRecord, token: String) {
        let access = access ?? AccessRole.defaultAccess(for: side)
        guard access.fits(side) else {
            throw ServerStoreError(.invalidRequest, "a member on the \(side.rawValue) side cannot be \(access.rawValue); \(access == .customerEditor ? "customer editors are on the customer side" : "owners and internal editors are on the internal side")")
        }
        guard let record = try await store.plan(id) else {
            throw ServerStoreError(.notFound, "no plan \(id) on this server; list plans with 'tandemd plan list'")
        }
        let (document, _) = try await store.loadDocument(plan: id)
        var plan = OnboardingPlan(replica: PlanReplica(replicaID: record.serverReplica, document: document))
        let member = try plan.addMember(name: name, email: email, side: side, role: role)
        let token = Tokens.generate()
        let memberRecord = MemberRecord(plan: id, member: member, name: name, side: side, role: role, access: access,
                                        createdMilliseconds: Int64(SystemWallClock.milliseconds()))
        try await store.addMember(memberRecord, tokenHash: Tokens.hash(token), operations: plan.replica.takeOutbox())
        return (memberRecord, token)
    }

    /// Revokes a member's token: refused at its next `HELLO`, and a running
    /// server closes the member's open connections with `revoked` within about
    /// a second (``ServerConfiguration/revocationPollInterval``). The member
    /// stays in the plan's document (history keeps their name).
    /// - Returns: false when the member was already revoked.
    @discardableResult
    public func revokeMember(plan id: EntityID, member: EntityID) async throws -> Bool {
        try await store.revokeMember(plan: id, member: member, atMilliseconds: Int64(SystemWallClock.milliseconds()))
    }
}
