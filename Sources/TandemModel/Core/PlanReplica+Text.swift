extension PlanReplica {
    /// Inserts `text` at a position (in Unicode scalars) of a text field.
    public mutating func insertText(_ text: String, at position: Int, in field: String, of entity: EntityID) {
        guard !text.isEmpty, let insertion = document.editText(entity, field, { sequence -> TextInsertion? in
            let position = min(max(0, position), sequence.count)
            return sequence.insert(text, at: position, by: replicaID)
        }) ?? nil else { return }
        make(.insertText(entity: entity, field: field, insertion: insertion))
    }

    /// Deletes a range (in Unicode scalars) of a text field.
    public mutating func deleteText(_ range: Range<Int>, in field: String, of entity: EntityID) {
        guard let deletion = document.editText(entity, field, { sequence -> TextDeletion? in
            let clamped = max(0, range.lowerBound)..<min(range.upperBound, sequence.count)
            return clamped.isEmpty ? nil : sequence.delete(range: clamped)
        }) ?? nil, !deletion.isEmpty else { return }
        make(.deleteText(entity: entity, field: field, deletion: deletion))
    }

    /// Replaces a text field's whole content by `newText`, as the minimal
    /// insertions and deletions of a diff — so two people editing different
    /// sentences of one paragraph offline both keep their edits.
    public mutating func replaceText(in field: String, of entity: EntityID, with newText: String) {
        guard let (insertions, deletions) = document.editText(entity, field, { $0.replaceAll(with: newText, by: replicaID) }) else { return }
        for deletion in deletions where !deletion.isEmpty { make(.deleteText(entity: entity, field: field, deletion: deletion)) }
        for insertion in insertions { make(.insertText(entity: entity, field: field, insertion: insertion)) }
    }
}
