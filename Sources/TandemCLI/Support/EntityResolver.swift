import TandemModel

/// Turns what a user typed into entity ids: full ids, short prefixes (like
/// git's short hashes), and for members also an exact name or email.
struct EntityResolver {
    let plan: OnboardingPlan

    var document: PlanDocument { plan.document }

    /// Resolves an id prefix to one entity of one of `kinds` (any kind when empty).
    func entity(_ text: String, kinds: [EntityKind] = [], includeDeleted: Bool = false) throws -> EntityID {
        let what = kinds.isEmpty ? "entity" : kinds.map(\.name).joined(separator: " or ")
        let prefix = text.lowercased()
        guard !prefix.isEmpty, prefix.allSatisfy(\.isHexDigit), prefix.count <= 32 else {
            throw CLIError("invalid-id", "'\(text)' is not an id; ids are hex digits like 3f9a0c1d (list them with 'tandem tasks' or 'tandem export --json')")
        }
        var matching: [EntityID] = []
        var otherKinds: [EntityID] = []
        for (id, entity) in document.entities where id.description.hasPrefix(prefix) {
            guard includeDeleted || document.isVisible(id) else { continue }
            if kinds.isEmpty || kinds.contains(entity.kind) { matching.append(id) } else { otherKinds.append(id) }
        }
        if matching.count == 1 { return matching[0] }
        if matching.count > 1 {
            throw CLIError("ambiguous-id", "'\(text)' matches \(matching.count) \(what) entities; type more digits:\n" + candidates(matching))
        }
        if !otherKinds.isEmpty {
            throw CLIError("wrong-kind", "'\(text)' is not a \(what); it matches:\n" + candidates(otherKinds))
        }
        let hint = includeDeleted ? "" : " (or it is deleted: 'tandem restore ID')"
        throw CLIError("unknown-id", "no \(what) has an id starting with '\(text)'\(hint); list ids with 'tandem tasks', 'tandem member list' or 'tandem export --json'")
    }

    /// A member by exact name or email (case-insensitive), or by id prefix.
    func member(_ text: String) throws -> EntityID {
        let needle = text.lowercased()
        let byName = plan.members.filter { $0.name.lowercased() == needle || $0.email?.lowercased() == needle }
        if byName.count == 1 { return byName[0].id }
        if byName.count > 1 {
            throw CLIError("ambiguous-member", "\(byName.count) members are called '\(text)'; use an email or id:\n" + candidates(byName.map(\.id)))
        }
        do {
            return try entity(text, kinds: [.member])
        } catch let error as CLIError where error.code == "unknown-id" || error.code == "invalid-id" {
            let names = plan.members.map { "  \($0.id.short())  \($0.name)" + ($0.email.map { " <\($0)>" } ?? "") }
            let list = names.isEmpty ? " (the plan has no members yet; add one with 'tandem member add')" : ":\n" + names.joined(separator: "\n")
            throw CLIError("unknown-member", "no member is named '\(text)'; members are" + list)
        }
    }

    func task(_ text: String, includeDeleted: Bool = false) throws -> EntityID {
        try entity(text, kinds: [.task], includeDeleted: includeDeleted)
    }

    /// A phase by exact title (case-insensitive) or id prefix.
    func phase(_ text: String) throws -> EntityID {
        let byTitle = plan.phases.filter { $0.title.lowercased() == text.lowercased() }
        if byTitle.count == 1 { return byTitle[0].id }
        return try entity(text, kinds: [.phase])
    }

    /// "  3f9a0c1d  task      Configure SSO" lines, at most ten.
    func candidates(_ ids: [EntityID]) -> String {
        let sorted = ids.sorted { $0.description < $1.description }
        var lines = sorted.prefix(10).map { id in
            let kind = document[id]?.kind.name ?? "?"
            return "  \(id.short(12))  \(kind.padding(16))\(Self.label(of: id, in: document))"
        }
        if sorted.count > 10 { lines.append("  … and \(sorted.count - 10) more") }
        return lines.joined(separator: "\n")
    }

    /// A human label for any entity: its title, name, label or text.
    static func label(of id: EntityID, in document: PlanDocument) -> String {
        guard let e = document[id] else { return "" }
        for field in [Field.title, Field.name, Field.label, Field.text, Field.agenda] {
            if let text = e[field].string { return text }
        }
        // Comments keep their text in a text field; its first line labels them.
        if let text = e.textField(Field.text) { return String(text.prefix { !$0.isNewline }) }
        return ""
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
