extension OnboardingPlan {
    // MARK: Checklists

    @discardableResult
    public mutating func addChecklistItem(to task: EntityID, title: String, owner: EntityID? = nil) throws(PlanError) -> EntityID {
        try require(task, kind: .task)
        try Self.requireText(title, "checklist item")
        if let owner { try requireMember(owner) }
        let item = replica.create(.checklistItem, under: task)
        replica.set(item, Field.title, .string(title))
        replica.set(item, Field.done, .bool(false))
        if let owner { replica.set(item, Field.owner, .reference(owner)) }
        return item
    }

    public mutating func setChecked(_ item: EntityID, _ done: Bool) throws(PlanError) {
        try require(item, kind: .checklistItem)
        replica.set(item, Field.done, .bool(done))
    }

    public mutating func setChecklistOwner(_ item: EntityID, _ owner: EntityID?) throws(PlanError) {
        try require(item, kind: .checklistItem)
        if let owner { try requireMember(owner) }
        replica.set(item, Field.owner, owner.map { .reference($0) } ?? .null)
    }

    // MARK: Resources

    @discardableResult
    public mutating func addResource(to task: EntityID, title: String, url: String, kind: ResourceKind) throws(PlanError) -> EntityID {
        try require(task, kind: .task)
        try Self.requireText(title, "resource title")
        guard url.hasPrefix("https://") || url.hasPrefix("http://"), url.count > 8, !url.contains(where: \.isWhitespace) else {
            throw PlanError(.invalidValue, "'\(url)' is not a web address; use https://…")
        }
        let resource = replica.create(.resource, under: task)
        replica.set(resource, Field.title, .string(title))
        replica.set(resource, Field.url, .string(url))
        replica.set(resource, Field.kind, kind.value)
        return resource
    }

    // MARK: Forms

    /// A form on a task (or on the plan when `task` is nil).
    @discardableResult
    public mutating func addForm(title: String, on task: EntityID? = nil) throws(PlanError) -> EntityID {
        let parent: EntityID
        if let task {
            try require(task, kind: .task)
            parent = task
        } else {
            parent = try requirePlan()
        }
        try Self.requireText(title, "form title")
        let form = replica.create(.form, under: parent)
        replica.set(form, Field.title, .string(title))
        return form
    }

    @discardableResult
    public mutating func addFormField(to form: EntityID, label: String, required: Bool = false) throws(PlanError) -> EntityID {
        try require(form, kind: .form)
        try Self.requireText(label, "field label")
        let field = replica.create(.formField, under: form)
        replica.set(field, Field.label, .string(label))
        replica.set(field, Field.required, .bool(required))
        replica.set(field, Field.confirmed, .bool(false))
        return field
    }

    /// Pre-fills a field from what is already known, naming where it came from,
    /// so the customer confirms instead of typing it again.
    public mutating func prefill(_ field: EntityID, with value: String, source: String) throws(PlanError) {
        try require(field, kind: .formField)
        try Self.requireText(source, "pre-fill source")
        replica.set(field, Field.prefill, .string(value))
        replica.set(field, Field.source, .string(source))
    }

    /// The customer's own answer (which also counts as confirmed).
    public mutating func fill(_ field: EntityID, with value: String) throws(PlanError) {
        try require(field, kind: .formField)
        replica.set(field, Field.value, .string(value))
        replica.set(field, Field.confirmed, .bool(true))
    }

    /// Confirms the pre-filled value as the answer.
    public mutating func confirm(_ field: EntityID) throws(PlanError) {
        let entity = try require(field, kind: .formField)
        guard case .string(let prefilled) = entity[Field.prefill] else {
            throw PlanError(.invalidValue, "field \(field.short()) has no pre-filled value to confirm; fill it instead")
        }
        replica.set(field, Field.value, .string(prefilled))
        replica.set(field, Field.confirmed, .bool(true))
    }

    // MARK: Feedback and comments

    /// Feedback on a phase from one side: a 1–5 rating and a text.
    @discardableResult
    public mutating func addFeedback(on phase: EntityID, by member: EntityID, rating: Int, text: String? = nil) throws(PlanError) -> EntityID {
        try require(phase, kind: .phase)
        try requireMember(member)
        guard (1...5).contains(rating) else { throw PlanError(.invalidValue, "a rating is 1 to 5, not \(rating)") }
        let side = document[member]![Field.side]
        let feedback = replica.create(.feedback, under: phase)
        replica.set(feedback, Field.by, .reference(member))
        replica.set(feedback, Field.side, side)
        replica.set(feedback, Field.rating, .int(Int64(rating)))
        if let text { replica.set(feedback, Field.text, .string(text)) }
        return feedback
    }

    /// A comment on any visible entity, kept under it so it moves with it.
    /// Its text is a text field, so later edits merge character by character.
    @discardableResult
    public mutating func addComment(on subject: EntityID, text: String) throws(PlanError) -> EntityID {
        let entity = try require(subject)
        guard !entity.kind.isInternalOnly else {
            throw PlanError(.wrongKind, "use an internal comment for internal-only entries")
        }
        try Self.requireText(text, "comment")
        let comment = replica.create(.comment, under: subject)
        setText(Field.text, of: comment, to: text)
        return comment
    }

    /// Changes a comment's (or internal comment's) text; returns whether it changed.
    @discardableResult
    public mutating func editComment(_ id: EntityID, text: String) throws(PlanError) -> Bool {
        let entity = try require(id)
        guard entity.kind == .comment || entity.kind == .internalComment else {
            throw PlanError(.wrongKind, "\(id.short()) is a \(entity.kind), not a comment")
        }
        try Self.requireText(text, "comment")
        guard entity.textField(Field.text) != text else { return false }
        setText(Field.text, of: id, to: text)
        return true
    }

    // MARK: Internal-only

    @discardableResult
    public mutating func addRiskNote(_ text: String, severity: Severity, about subject: EntityID? = nil) throws(PlanError) -> EntityID {
        guard let section = internalSectionID else { throw PlanError(.noPlan, "this replica has no internal section (customer replicas never do)") }
        try Self.requireText(text, "risk note")
        if let subject { try require(subject) }
        let note = replica.create(.riskNote, under: section)
        replica.set(note, Field.text, .string(text))
        replica.set(note, Field.severity, severity.value)
        if let subject { replica.set(note, Field.subject, .reference(subject)) }
        return note
    }

    @discardableResult
    public mutating func addInternalComment(on subject: EntityID, text: String) throws(PlanError) -> EntityID {
        guard let section = internalSectionID else { throw PlanError(.noPlan, "this replica has no internal section (customer replicas never do)") }
        try require(subject)
        try Self.requireText(text, "internal comment")
        let comment = replica.create(.internalComment, under: section)
        setText(Field.text, of: comment, to: text)
        replica.set(comment, Field.subject, .reference(subject))
        return comment
    }

    public mutating func setHealth(_ health: Health) throws(PlanError) {
        guard let section = internalSectionID else { throw PlanError(.noPlan, "this replica has no internal section (customer replicas never do)") }
        replica.set(section, Field.health, health.value)
    }
}
