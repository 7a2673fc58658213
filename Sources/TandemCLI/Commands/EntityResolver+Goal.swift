import TandemModel

extension EntityResolver {
    /// A goal by exact title (case-insensitive) or id prefix.
    func goal(_ text: String) throws -> EntityID {
        let byTitle = plan.goals.filter { $0.title.lowercased() == text.lowercased() }
        if byTitle.count == 1 { return byTitle[0].id }
        do {
            return try entity(text, kinds: [.goal])
        } catch let error as CLIError where error.code == "unknown-id" || error.code == "invalid-id" {
            let titles = plan.goals.map { "  \($0.id.short())  \($0.title)" }
            throw CLIError("unknown-goal", "no goal is titled '\(text)'; goals are" + (titles.isEmpty ? " (none yet; add one with 'tandem goal add')" : ":\n" + titles.joined(separator: "\n")))
        }
    }
}
