/// The past of one collaborative text field, rebuilt from the operation log.
///
/// A text's state is a function of the set of its operations (docs/text.md),
/// so the text at any earlier moment is the replay of the operations that
/// moment had, into a fresh ``TextSequence``. Two ways to name a moment:
///
/// - a ``VersionVector`` (a named version stores the plan's vector when it
///   was taken): the operations whose ids it contains. Every replica that has
///   received those operations rebuilds the same text, which is what makes a
///   named version replicated rather than local;
/// - a clock reading: the operations stamped at or before it. Hybrid clocks
///   grow along causality, so that set never holds an insertion without the
///   characters it was typed next to.
///
/// Nothing is stored per version, and replay costs one pass over the field's
/// operations (O(n log n) in its characters).
public struct TextTimeTravel: Sendable {
    public let entity: EntityID
    public let field: String
    /// The field's insertions and deletions, in stamp order (which is causal).
    public let operations: [Operation]

    /// Keeps the text operations on `field` of `entity` among `operations`
    /// (the whole log or any part of it; duplicates are dropped).
    public init(entity: EntityID, field: String, operations: some Sequence<Operation>) {
        self.entity = entity
        self.field = field
        var seen: Set<OperationID> = []
        self.operations = operations.filter { op in
            switch op.action {
            case .insertText(let e, let f, _), .deleteText(let e, let f, _):
                return e == entity && f == field && seen.insert(op.id).inserted
            default:
                return false
            }
        }.sorted { $0.stamp < $1.stamp }
    }

    /// A replayed text.
    public struct Replay: Sendable {
        public var sequence: TextSequence
        /// Insertions that never found their origin characters among the
        /// operations replayed: the log lacks operations the moment had.
        public var unapplied: [OperationID]

        public var text: String { sequence.text }
    }

    /// Replays the operations `include` keeps. Insertions whose origins come
    /// later in the log are held and retried, as ``PlanDocument`` does.
    public func replay(including include: (Operation) -> Bool) -> Replay {
        var sequence = TextSequence()
        var held: [(id: OperationID, insertion: TextInsertion)] = []
        for op in operations where include(op) {
            switch op.action {
            case .insertText(_, _, let insertion):
                guard sequence.canApply(insertion) else {
                    held.append((op.id, insertion))
                    continue
                }
                // An insertion the sequence refuses as invalid changes nothing,
                // exactly as in the live document.
                try? sequence.apply(insertion)
                if !held.isEmpty { Self.release(&held, into: &sequence) }
            case .deleteText(_, _, let deletion):
                sequence.apply(deletion)
            default:
                continue
            }
        }
        Self.release(&held, into: &sequence)
        return Replay(sequence: sequence, unapplied: held.map(\.id))
    }

    private static func release(_ held: inout [(id: OperationID, insertion: TextInsertion)], into sequence: inout TextSequence) {
        var progress = true
        while progress, !held.isEmpty {
            progress = false
            held.removeAll { entry in
                guard sequence.canApply(entry.insertion) else { return false }
                try? sequence.apply(entry.insertion)
                progress = true
                return true
            }
        }
    }

    /// The text when `version` was the plan's version vector.
    public func replay(at version: VersionVector) -> Replay {
        replay { version.contains($0.id) }
    }

    /// The text as of a clock reading: every operation stamped at or before it.
    public func replay(asOf time: HybridTimestamp) -> Replay {
        replay { $0.time <= time }
    }

    /// The text with every operation held.
    public var current: Replay { replay { _ in true } }

    /// How many characters the insertions held name, each counted once. A
    /// sequence rebuilt from a complete log holds exactly this many, deleted
    /// ones included, so comparing it with the live sequence's
    /// `characterIDs.count` checks the log without replaying it.
    public var insertedCharacterCount: Int {
        var seen: Set<CharacterID> = []
        var total = 0
        for op in operations {
            if case .insertText(_, _, let insertion) = op.action, seen.insert(insertion.id).inserted { total += insertion.length }
        }
        return total
    }

    // MARK: Who edited when

    /// One text operation, summarised for a log.
    public struct Edit: Hashable, Sendable {
        public let operation: OperationID
        public let time: HybridTimestamp
        public let author: EntityID?
        /// Characters (Unicode scalars) inserted, or named for deletion.
        public let inserted: Int
        public let deleted: Int
    }

    /// Consecutive edits by one author from one replica, each within `gap`
    /// of the one before: roughly, one sitting.
    public struct Session: Hashable, Sendable {
        public let author: EntityID?
        public let replica: ReplicaID
        public internal(set) var edits: [Edit]

        public var start: HybridTimestamp { edits[0].time }
        public var end: HybridTimestamp { edits[edits.count - 1].time }
        public var inserted: Int { edits.reduce(0) { $0 + $1.inserted } }
        public var deleted: Int { edits.reduce(0) { $0 + $1.deleted } }
    }

    /// Every operation as an edit, in stamp order.
    public var edits: [Edit] {
        operations.map { op in
            switch op.action {
            case .insertText(_, _, let insertion):
                return Edit(operation: op.id, time: op.time, author: op.author, inserted: insertion.length, deleted: 0)
            case .deleteText(_, _, let deletion):
                return Edit(operation: op.id, time: op.time, author: op.author, inserted: 0, deleted: deletion.count)
            default:
                return Edit(operation: op.id, time: op.time, author: op.author, inserted: 0, deleted: 0)
            }
        }
    }

    /// The edits grouped into sessions; a pause longer than `gapMilliseconds`
    /// (default ten minutes), another author or another replica starts a new one.
    public func sessions(gapMilliseconds: UInt64 = 10 * 60 * 1000) -> [Session] {
        var sessions: [Session] = []
        for edit in edits {
            if var last = sessions.last, last.author == edit.author, last.replica == edit.operation.replica,
               edit.time.milliseconds <= last.end.milliseconds &+ gapMilliseconds {
                last.edits.append(edit)
                sessions[sessions.count - 1] = last
            } else {
                sessions.append(Session(author: edit.author, replica: edit.operation.replica, edits: [edit]))
            }
        }
        return sessions
    }

    // MARK: Naming a moment

    /// Parses a moment for `--at`: `YYYY-MM-DDTHH:MM[:SS[.mmm]]Z`, optionally
    /// followed by `+N` (the logical part), exactly as ``HybridTimestamp``
    /// prints it, so a time copied from a log names that very operation; or a
    /// bare date, meaning the end of that day (UTC).
    public static func parseMoment(_ text: String) throws(PlanError) -> HybridTimestamp {
        var clock = Substring(text)
        var logical: UInt16?
        if let plus = clock.lastIndex(of: "+"), clock[..<plus].hasSuffix("Z") {
            guard let value = UInt16(clock[clock.index(after: plus)...]) else { throw momentError(text) }
            logical = value
            clock = clock[..<plus]
        }
        if let date = CalendarDate(iso8601: clock) {
            guard logical == nil else { throw momentError(text) }
            return HybridTimestamp(milliseconds: UInt64(max(0, Int64(date.daysSinceEpoch) + 1)) * 86_400_000 - 1, logical: .max)
        }
        guard let instant = Instant(iso8601: String(clock)), instant.milliseconds >= 0, instant.milliseconds < 1 << 48 else {
            throw momentError(text)
        }
        return HybridTimestamp(milliseconds: UInt64(instant.milliseconds), logical: logical ?? 0)
    }

    private static func momentError(_ text: String) -> PlanError {
        PlanError(.invalidDate, "'\(text)' is not a moment; use YYYY-MM-DDTHH:MM[:SS[.mmm]]Z (UTC) as 'tandem doc log' prints it, or a date YYYY-MM-DD for the end of that day")
    }
}
