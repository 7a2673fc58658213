extension PlanDocument {
    /// The visible state as a JSON tree: every placed, non-deleted entity under
    /// its parent in sibling order, with its fields and sets. Deleted subtrees,
    /// clocks and authorship are left out, so two replicas that converged
    /// render identical bytes whatever path their operations took.
    public func canonicalJSON(excluding hidden: (EntityState) -> Bool = { _ in false }) -> JSONValue {
        .object([
            "format": .string("tandem-plan/1"),
            "roots": .array(roots.filter { isShown($0, hidden) }.map { node($0, hidden) }),
        ])
    }

    /// `canonicalJSON()` rendered compactly: the text to hash or compare.
    public func canonicalText(excluding hidden: (EntityState) -> Bool = { _ in false }) -> String {
        canonicalJSON(excluding: hidden).rendered()
    }

    private func isShown(_ id: EntityID, _ hidden: (EntityState) -> Bool) -> Bool {
        guard let entity = entities[id], !entity.isDeleted else { return false }
        return !hidden(entity)
    }

    private func node(_ id: EntityID, _ hidden: (EntityState) -> Bool) -> JSONValue {
        let entity = entities[id]!
        var members: [String: JSONValue] = [
            "id": .string(id.description),
            "kind": .string(entity.kind.name),
        ]
        var fields: [String: JSONValue] = [:]
        for (name, register) in entity.fields where !register.value.isNull {
            fields[name] = register.value.json
        }
        if !fields.isEmpty { members["fields"] = .object(fields) }
        var sets: [String: JSONValue] = [:]
        for (name, set) in entity.sets {
            let present = set.members
            if !present.isEmpty { sets[name] = .array(present.map(\.json)) }
        }
        if !sets.isEmpty { members["sets"] = .object(sets) }
        var texts: [String: JSONValue] = [:]
        for (name, sequence) in entity.texts where !sequence.isEmpty { texts[name] = .string(sequence.text) }
        if !texts.isEmpty { members["texts"] = .object(texts) }
        let shown = allChildren(of: id).filter { isShown($0, hidden) }
        if !shown.isEmpty { members["children"] = .array(shown.map { node($0, hidden) }) }
        return .object(members)
    }
}
