extension OnboardingPlan {
    /// Adds a member on either side; members live directly under the plan.
    @discardableResult
    public mutating func addMember(name: String, email: String? = nil, side: Side, role: String? = nil) throws(PlanError) -> EntityID {
        let plan = try requirePlan()
        try Self.requireText(name, "member name")
        if let email { try Self.validateEmail(email) }
        let member = replica.create(.member, under: plan)
        replica.set(member, Field.name, .string(name))
        replica.set(member, Field.side, side.value)
        if let email { replica.set(member, Field.email, .string(email)) }
        if let role { replica.set(member, Field.role, .string(role)) }
        return member
    }

    public mutating func editMember(_ id: EntityID, name: String? = nil, email: String? = nil, side: Side? = nil, role: String? = nil) throws(PlanError) {
        try requireMember(id)
        if let name { try Self.requireText(name, "member name"); replica.set(id, Field.name, .string(name)) }
        if let email { try Self.validateEmail(email); replica.set(id, Field.email, .string(email)) }
        if let side { replica.set(id, Field.side, side.value) }
        if let role { replica.set(id, Field.role, .string(role)) }
    }

    static func validateEmail(_ email: String) throws(PlanError) {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !email.contains(where: \.isWhitespace) else {
            throw PlanError(.invalidValue, "'\(email)' is not an email address")
        }
    }

    /// Adds a goal (an outcome) for one side or both, with how success is measured.
    @discardableResult
    public mutating func addGoal(title: String, side: GoalSide, measure: String? = nil) throws(PlanError) -> EntityID {
        let plan = try requirePlan()
        try Self.requireText(title, "goal title")
        let goal = replica.create(.goal, under: plan)
        replica.set(goal, Field.title, .string(title))
        replica.set(goal, Field.side, side.value)
        replica.set(goal, Field.status, GoalStatus.open.value)
        if let measure { replica.set(goal, Field.measure, .string(measure)) }
        return goal
    }

    public mutating func editGoal(_ id: EntityID, title: String? = nil, side: GoalSide? = nil, measure: String? = nil, status: GoalStatus? = nil) throws(PlanError) {
        try require(id, kind: .goal)
        if let title { try Self.requireText(title, "goal title"); replica.set(id, Field.title, .string(title)) }
        if let side { replica.set(id, Field.side, side.value) }
        if let measure { replica.set(id, Field.measure, .string(measure)) }
        if let status { replica.set(id, Field.status, status.value) }
    }

    /// Schedules a check-in (the next call), with attendees and agenda.
    @discardableResult
    public mutating func addCheckIn(at time: Instant, agenda: String? = nil, attendees: [EntityID] = []) throws(PlanError) -> EntityID {
        let plan = try requirePlan()
        for attendee in attendees { try requireMember(attendee) }
        let checkIn = replica.create(.checkIn, under: plan)
        replica.set(checkIn, Field.at, .instant(time))
        if let agenda { replica.set(checkIn, Field.agenda, .string(agenda)) }
        for attendee in Set(attendees).sorted() { replica.add(.reference(attendee), to: Field.attendees, of: checkIn) }
        return checkIn
    }
}
