extension EntityState {
    /// A collaborative text field's content; for plans written before the
    /// field became text (task descriptions and comments were plain strings),
    /// the string it held then. Nil when neither is there.
    public func textField(_ field: String) -> String? {
        if let sequence = texts[field] { return sequence.text }
        return self[field].string
    }
}

extension OnboardingPlan {
    /// Makes a text field read `newText`, as the minimal insertions and
    /// deletions of a diff (``PlanReplica/replaceText(in:of:with:)``), so
    /// concurrent edits to other parts of it survive.
    mutating func setText(_ field: String, of entity: EntityID, to newText: String) {
        migrateLegacyString(field, of: entity)
        replica.replaceText(in: field, of: entity, with: newText)
    }

    /// Turns a plain string left in `field` by the earlier schema into the
    /// start of the text field, and clears the string.
    ///
    /// The characters are given ids derived from the write that set the
    /// string (its replica, sequences from 1), not from this replica: two
    /// people who edit the same old description offline both migrate it,
    /// and their identical insertions merge into one copy instead of two.
    func legacyInsertion(_ field: String, of entity: EntityID) -> TextInsertion? {
        guard let state = document[entity], state.texts[field] == nil,
              let register = state.fields[field], case .string(let legacy) = register.value, !legacy.isEmpty
        else { return nil }
        return TextInsertion(id: CharacterID(replica: register.operation.replica, sequence: 1), leftOrigin: nil, rightOrigin: nil, text: legacy)
    }

    private mutating func migrateLegacyString(_ field: String, of entity: EntityID) {
        guard let insertion = legacyInsertion(field, of: entity) else { return }
        replica.make(.insertText(entity: entity, field: field, insertion: insertion))
        replica.set(entity, field, .null)
    }
}
