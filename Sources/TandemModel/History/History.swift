/// Queries over an operation log: field history and resolved conflicts.
///
/// They are functions of the set of operations (not of their order), so every
/// replica holding the same operations reports the same history and conflicts.
public enum History {
    /// Every operation that touched `entity` (optionally one `field`), in stamp order.
    public static func changes(
        to entity: EntityID, field: String? = nil, in operations: some Sequence<Operation>
    ) -> [FieldChange] {
        var relevant: [Operation] = []
        var values: [OperationID: Value] = [:]
        for op in operations {
            if case .set(_, _, let value, _) = op.action { values[op.id] = value }
            let touches: Bool
            if case .create = op.action { touches = EntityID(op.id) == entity && field == nil } else {
                touches = op.action.target == entity && (field == nil || op.action.field == field)
            }
            if touches { relevant.append(op) }
        }
        relevant.sort { $0.stamp < $1.stamp }
        return relevant.map { op in
            var value: Value? = nil
            var previous: OperationID? = nil
            switch op.action {
            case .set(_, _, let v, let p): value = v; previous = p
            case .addToSet(_, _, let v), .removeFromSet(_, _, let v, _): value = v
            case .create(let kind, _, _): value = .symbol(kind.name)
            case .move(_, let parent, _): value = .reference(parent)
            case .delete: value = .bool(true)
            case .restore: value = .bool(false)
            case .insertText(_, _, let insertion): value = .string(insertion.text)
            case .deleteText(_, _, let deletion): value = .int(Int64(deletion.count))
            }
            return FieldChange(
                operation: op.id, time: op.time, author: op.author,
                entity: op.action.target ?? EntityID(op.id), verb: op.action.verb, field: op.action.field,
                value: value, previousValue: previous.flatMap { values[$0] } ?? (previous == nil && op.action.verb == "set" ? .null : nil),
                previousOperation: previous
            )
        }
    }

    /// Concurrent overwrites: writes to the same field that overwrote the same
    /// previous write (or both found the field unset). Within each such group
    /// the write with the greatest stamp won; each other write is one conflict.
    public static func conflicts(in operations: some Sequence<Operation>) -> [Conflict] {
        var groups: [ConflictKey: [Operation]] = [:]
        for op in operations {
            guard case .set(let entity, let field, _, let previous) = op.action else { continue }
            groups[ConflictKey(entity: entity, field: field, previous: previous), default: []].append(op)
        }
        var result: [Conflict] = []
        for (key, writes) in groups where writes.count > 1 {
            let unique = Dictionary(writes.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }).values
            guard unique.count > 1 else { continue }
            let winner = unique.max { $0.stamp < $1.stamp }!
            for loser in unique where loser.id != winner.id {
                result.append(Conflict(entity: key.entity, field: key.field, winner: write(winner), loser: write(loser)))
            }
        }
        return result.sorted { ($0.loser.time, $0.loser.operation) < ($1.loser.time, $1.loser.operation) }
    }

    private struct ConflictKey: Hashable {
        let entity: EntityID
        let field: String
        let previous: OperationID?
    }

    private static func write(_ op: Operation) -> Conflict.Write {
        guard case .set(_, _, let value, _) = op.action else { preconditionFailure("conflicts are between writes") }
        return Conflict.Write(operation: op.id, value: value, author: op.author, time: op.time)
    }
}
