import TandemModel

/// `tandemd admin verify`: rebuilds a plan from its log and checks the log and
/// the stored snapshots against it.
///
/// Checks, each reported with the sequence numbers involved:
/// - the log is gap-free from 1 and ends at the plan's recorded head;
/// - every row decodes, and its `replica`/`counter`/`time` columns match the bytes;
/// - no operation id is stored twice;
/// - each replica's counters and clock readings grow along the log (a replica
///   sends its operations in the order it made them);
/// - no operation names an entity that is created only later in the log, or never;
/// - each operation's author is the member its replica is bound to (none for
///   the server replica);
/// - every snapshot decodes and equals (canonical text and version vector)
///   the log replayed to its sequence, and the state the server loads at
///   start (newest snapshot plus the log after it) equals the full replay.
public struct PlanVerifier: Sendable {
    /// One thing wrong, with a stable code for scripts.
    public struct Problem: Hashable, Sendable, CustomStringConvertible {
        public var code: String
        public var message: String
        public var description: String { "\(code): \(message)" }
    }

    public struct Report: Hashable, Sendable {
        public var plan: EntityID
        public var title: String
        public var operations: Int
        public var head: UInt64
        public var snapshots: [UInt64]
        public var problems: [Problem]
        public var isSound: Bool { problems.isEmpty }
    }

    public static func verify(_ inspector: PlanInspector, recordedHead: UInt64) -> Report {
        var problems: [Problem] = []
        func report(_ code: String, _ message: String) { problems.append(Problem(code: code, message: message)) }

        // Sequence: 1, 2, 3, … head (after a pruning compaction: from the pruned point on).
        let pruned = inspector.prunedThrough
        if pruned > 0, inspector.base == nil {
            report("pruned-without-snapshot", "the log starts after sequence \(pruned) but no decodable snapshot at or after \(pruned) holds the state it continues from")
        }
        var expected: UInt64 = pruned + 1
        for row in inspector.rows {
            if row.sequence > expected {
                report("sequence-gap", row.sequence - 1 == expected
                       ? "sequence \(expected) is missing from the log"
                       : "sequences \(expected)…\(row.sequence - 1) are missing from the log (\(row.sequence - expected) operations)")
            }
            expected = row.sequence + 1
        }
        let lastSequence = inspector.rows.last?.sequence ?? pruned
        if lastSequence != recordedHead {
            report("head-mismatch", "the plan's recorded head is \(recordedHead) but the log ends at \(lastSequence)")
        }

        // Rows: decode, columns, duplicates, per-replica order.
        var seen: [OperationID: UInt64] = [:]
        let boundMember = Dictionary(inspector.replicaRecords.map { ($0.replica, $0.member) }, uniquingKeysWith: { a, _ in a })
        var lastOfReplica: [ReplicaID: (counter: UInt64, time: HybridTimestamp, sequence: UInt64)] = [:]
        var createdAt: [EntityID: UInt64] = [:]
        var decoded: [(UInt64, Operation)] = []
        for row in inspector.rows {
            guard let operation = try? Operation(decoding: row.bytes) else {
                report("undecodable", "operation at sequence \(row.sequence) does not decode (\(row.bytes.count) bytes)")
                continue
            }
            if operation.id.replica != row.replica || operation.id.counter != row.counter || operation.time.rawValue != row.time {
                report("column-mismatch", "sequence \(row.sequence): columns say \(row.counter)@\(row.replica) at \(HybridTimestamp(rawValue: row.time)), bytes say \(operation.id) at \(operation.time)")
            }
            if let first = seen[operation.id] {
                report("duplicate-operation", "operation \(operation.id) is stored twice, at sequences \(first) and \(row.sequence)")
                continue
            }
            seen[operation.id] = row.sequence
            // The server stamps nothing itself: it only accepts a member's operations
            // from that member's bound replica, and its own as authorless.
            if operation.id.replica == inspector.plan.serverReplica {
                if let author = operation.author {
                    report("author-mismatch", "operation \(operation.id) at sequence \(row.sequence) comes from the server replica but names author \(author.short())")
                }
            } else if let bound = boundMember[operation.id.replica], operation.author != bound {
                report("author-mismatch", "operation \(operation.id) at sequence \(row.sequence) names author \(operation.author?.short() ?? "none") but replica \(operation.id.replica) is bound to member \(bound.short())")
            }
            if let previous = lastOfReplica[operation.id.replica] {
                if operation.id.counter <= previous.counter {
                    report("counter-order", "replica \(operation.id.replica): counter \(operation.id.counter) at sequence \(row.sequence) comes after counter \(previous.counter) at sequence \(previous.sequence)")
                }
                if operation.time <= previous.time {
                    report("clock-order", "replica \(operation.id.replica): operation \(operation.id) at sequence \(row.sequence) has clock \(operation.time), not after \(previous.time) of sequence \(previous.sequence)")
                }
            }
            lastOfReplica[operation.id.replica] = (operation.id.counter, operation.time, row.sequence)
            if case .create = operation.action { createdAt[EntityID(operation.id)] = createdAt[EntityID(operation.id)] ?? row.sequence }
            decoded.append((row.sequence, operation))
        }

        // Causality: replay in sequence order; anything held names an entity not yet created.
        // A pruned log replays from its base snapshot, which is checked by what follows it.
        let baseSequence = inspector.base?.sequence ?? 0
        var document = inspector.base?.document ?? PlanDocument()
        var replayed: [UInt64: PlanDocument] = [:]
        let snapshotSequences = Set(inspector.snapshots.map(\.sequence))
        if snapshotSequences.contains(baseSequence) { replayed[baseSequence] = document }
        var next = 0
        while next < decoded.count, decoded[next].0 <= baseSequence { next += 1 }
        let rowSequences = inspector.rows.map(\.sequence).filter { $0 > baseSequence }
        for sequence in rowSequences {
            if next < decoded.count, decoded[next].0 == sequence {
                let operation = decoded[next].1
                next += 1
                switch document.apply(operation) {
                case .waiting(let missing):
                    if let created = createdAt[missing] {
                        report("causality", "operation \(operation.id) at sequence \(sequence) names entity \(missing.short()) created later, at sequence \(created)")
                    } else {
                        report("causality", "operation \(operation.id) at sequence \(sequence) names entity \(missing.short()), which the log never creates")
                    }
                case .waitingForText(let entity, let field):
                    report("causality", "text insertion \(operation.id) at sequence \(sequence) into \(entity.short()).\(field) comes before the characters it was typed next to")
                case .applied, .duplicate: break
                }
            }
            if snapshotSequences.contains(sequence) { replayed[sequence] = document }
        }

        // Snapshots against the replay.
        for snapshot in inspector.snapshots where snapshot.sequence >= baseSequence {
            guard let stored = try? PlanDocument(snapshot: snapshot.bytes) else {
                report("snapshot-undecodable", "the snapshot at sequence \(snapshot.sequence) does not decode (\(snapshot.bytes.count) bytes)")
                continue
            }
            guard let expected = replayed[snapshot.sequence] else {
                report("snapshot-beyond-log", "the snapshot at sequence \(snapshot.sequence) names a sequence the log does not hold (log ends at \(lastSequence))")
                continue
            }
            let storedText = stored.canonicalText(), expectedText = expected.canonicalText()
            if storedText != expectedText {
                report("snapshot-mismatch", "the snapshot at sequence \(snapshot.sequence) differs from the log replayed to \(snapshot.sequence): \(Self.firstDifference(storedText, expectedText))")
            } else if stored.version != expected.version {
                report("snapshot-mismatch", "the snapshot at sequence \(snapshot.sequence) holds \(stored.version.count) operations, the log replayed to it \(expected.version.count)")
            }
        }
        if let newest = inspector.snapshots.last, let base = try? PlanDocument(snapshot: newest.bytes) {
            var loaded = base
            for (sequence, operation) in decoded where sequence > newest.sequence { loaded.apply(operation) }
            if loaded.canonicalText() != document.canonicalText() {
                report("loaded-state-mismatch", "the state the server loads (snapshot \(newest.sequence) + log) differs from the full replay: \(Self.firstDifference(loaded.canonicalText(), document.canonicalText()))")
            }
        }

        return Report(plan: inspector.plan.id, title: inspector.plan.title, operations: inspector.rows.count, head: recordedHead,
                      snapshots: inspector.snapshots.map(\.sequence), problems: problems)
    }

    /// Where two canonical texts part, with a little context.
    static func firstDifference(_ a: String, _ b: String) -> String {
        let x = Array(a.utf8), y = Array(b.utf8)
        var index = 0
        while index < x.count, index < y.count, x[index] == y[index] { index += 1 }
        func excerpt(_ bytes: [UInt8]) -> String {
            let lower = max(0, index - 20), upper = min(bytes.count, index + 40)
            return String(decoding: bytes[lower..<upper], as: UTF8.self)
        }
        return "canonical JSON differs at byte \(index): stored …\(excerpt(x))… vs replayed …\(excerpt(y))…"
    }
}
