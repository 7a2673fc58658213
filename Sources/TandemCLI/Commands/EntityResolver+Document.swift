import TandemModel

extension EntityResolver {
    /// A document by exact title (case-insensitive) or id prefix.
    func document(_ text: String) throws -> EntityID {
        let documents = plan.documents
        let byTitle = documents.filter { $0.title.lowercased() == text.lowercased() }
        if byTitle.count == 1 { return byTitle[0].id }
        if byTitle.count > 1 {
            throw CLIError("ambiguous-document", "\(byTitle.count) documents are titled '\(text)'; use an id:\n" + candidates(byTitle.map(\.id)))
        }
        do {
            return try entity(text, kinds: [.document])
        } catch let error as CLIError where error.code == "unknown-id" || error.code == "invalid-id" {
            let titles = documents.map { "  \($0.id.short())  \($0.title)" }
            throw CLIError("unknown-document", "no document is titled '\(text)' or has an id starting with it; documents are"
                + (titles.isEmpty ? " (none yet; add one with 'tandem doc new TITLE')" : ":\n" + titles.joined(separator: "\n")))
        }
    }
}
