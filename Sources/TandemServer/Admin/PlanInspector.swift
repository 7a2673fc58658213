import TandemModel
import TandemWire

/// One plan's stored log, decoded once, with the queries behind `tandemd
/// admin`: summary, history of an entity, resolved conflicts, time travel and
/// replicas. Every query is a function of the stored rows, so two runs over
/// the same data directory print the same thing.
public struct PlanInspector: Sendable {
    public let plan: PlanRecord
    /// Every row, in sequence order, decoded when it decodes.
    public let entries: [SequencedOperation]
    public let rows: [LogRow]
    public let snapshots: [StoredSnapshot]
    public let members: [MemberRecord]
    public let replicaRecords: [ReplicaRecord]
    /// The plan's document after the whole log.
    public let document: PlanDocument
    /// When `compact` pruned the log: the snapshot the retained log continues
    /// from (the oldest stored snapshot at or after the pruned point).
    public let base: (sequence: UInt64, document: PlanDocument)?
    /// The last sequence pruned from the log (0 when nothing was).
    public let prunedThrough: UInt64

    /// Reads everything the queries need for one plan.
    public init(store: any ServerAdminStore, plan id: EntityID) async throws {
        guard let plan = try await store.plan(id) else {
            throw ServerStoreError(.notFound, "no plan \(id) on this server; list plans with 'tandemd admin plans'")
        }
        self.plan = plan
        rows = try await store.logRows(plan: id)
        snapshots = try await store.snapshots(plan: id)
        members = try await store.members(plan: id)
        replicaRecords = try await store.replicaRecords(plan: id)
        entries = rows.compactMap { row in (try? Operation(decoding: row.bytes)).map { SequencedOperation(sequence: row.sequence, operation: $0) } }
        // A log that does not start at 1 was pruned by `compact` (with no rows
        // left, through the newest snapshot); it continues from a snapshot.
        let pruned = rows.first.map { $0.sequence - 1 } ?? (snapshots.last?.sequence ?? 0)
        prunedThrough = pruned
        let baseSnapshot = pruned > 0 ? snapshots.first { $0.sequence >= pruned } : nil
        base = baseSnapshot.flatMap { snapshot in (try? PlanDocument(snapshot: snapshot.bytes)).map { (snapshot.sequence, $0) } }
        var document = base?.document ?? PlanDocument()
        for entry in entries where entry.sequence > (base?.sequence ?? 0) { document.apply(entry.operation) }
        self.document = document
    }

    /// Resolves a plan id given in full or as a unique prefix of at least 4 digits.
    public static func resolvePlan(_ text: String, store: any ServerStore) async throws -> EntityID {
        if let id = EntityID(text) { return id }
        let matches = try await store.plans().filter { $0.id.description.hasPrefix(text.lowercased()) }
        guard text.count >= 4, matches.count == 1 else {
            throw ServerStoreError(.notFound, matches.count > 1 ? "'\(text)' names \(matches.count) plans; give more digits"
                                                                : "no plan '\(text)' on this server; list plans with 'tandemd admin plans'")
        }
        return matches[0].id
    }

    /// Resolves an entity id given in full or as a unique prefix of at least 4 digits.
    public func resolveEntity(_ text: String) throws -> EntityID {
        if let id = EntityID(text) { return id }
        let prefix = text.lowercased()
        var ids = Set(document.entities.keys.filter { $0.description.hasPrefix(prefix) })
        for entry in entries {
            if case .create = entry.operation.action {
                let id = EntityID(entry.operation.id)
                if id.description.hasPrefix(prefix) { ids.insert(id) }
            }
        }
        guard text.count >= 4, ids.count == 1 else {
            throw ServerStoreError(.notFound, ids.count > 1 ? "'\(text)' names \(ids.count) entities; give more digits"
                                                            : "no entity '\(text)' in plan \(plan.id)")
        }
        return ids.first!
    }

    // MARK: Names

    /// A member's name: the server's record, else the member entity's name field.
    public func name(of member: EntityID?) -> String {
        guard let member else { return "server" }
        if let record = members.first(where: { $0.member == member }) { return record.name }
        if let name = document[member]?.fields["name"]?.value.string { return name }
        return member.short()
    }

    /// `kind "title"` for tables.
    public func label(of entity: EntityID) -> String {
        guard let state = document[entity] else { return entity.short() }
        let title = state.fields["title"]?.value.string ?? state.fields["name"]?.value.string
        return title.map { "\(state.kind) \"\($0)\"" } ?? "\(state.kind)"
    }

    /// The member a replica belongs to: its binding, else the author of its operations.
    public func member(of replica: ReplicaID) -> EntityID? {
        if let record = replicaRecords.first(where: { $0.replica == replica }) { return record.member }
        return entries.first(where: { $0.operation.id.replica == replica })?.operation.author
    }

    public var head: UInt64 { rows.last?.sequence ?? prunedThrough }

    // MARK: Summary

    /// One line of `admin plans`.
    public struct Summary: Hashable, Sendable {
        public var plan: PlanRecord
        public var operations: Int
        public var head: UInt64
        public var rawBytes: Int
        public var compressedBytes: Int
        public var snapshotBytes: Int
        public var members: Int
        public var replicas: Int
        /// The newest of: the last operation's clock, a replica last seen, the plan's creation.
        public var lastActivityMilliseconds: Int64
    }

    public var summary: Summary {
        let logBytes = rows.flatMap(\.bytes)
        let snapshotBytes = snapshots.reduce(0) { $0 + $1.bytes.count }
        let compressed = Deflate.compress(logBytes).count + snapshots.reduce(0) { $0 + Deflate.compress($1.bytes).count }
        let lastOperation = entries.map { Int64($0.operation.time.milliseconds) }.max() ?? 0
        let lastSeen = replicaRecords.map(\.lastSeenMilliseconds).max() ?? 0
        return Summary(plan: plan, operations: rows.count, head: head, rawBytes: logBytes.count + snapshotBytes,
                       compressedBytes: compressed, snapshotBytes: snapshotBytes, members: members.count,
                       replicas: Set(replicaRecords.map(\.replica)).count,
                       lastActivityMilliseconds: max(lastOperation, lastSeen, plan.createdMilliseconds))
    }

    // MARK: History

    /// One operation that touched an entity, with where it sits in the log.
    public struct HistoryEntry: Hashable, Sendable {
        public var sequence: UInt64
        public var change: FieldChange
        public var authorName: String
        public var replica: ReplicaID
    }

    /// Every operation that touched `entity`, in server sequence order.
    public func history(of entity: EntityID) -> [HistoryEntry] {
        let sequences = Dictionary(entries.map { ($0.operation.id, $0.sequence) }, uniquingKeysWith: { a, _ in a })
        return History.changes(to: entity, in: entries.map(\.operation))
            .map { HistoryEntry(sequence: sequences[$0.operation] ?? 0, change: $0, authorName: name(of: $0.author), replica: $0.operation.replica) }
            .sorted { $0.sequence < $1.sequence }
    }

    // MARK: Conflicts

    /// Which conflicts to show: all given filters must match.
    public struct ConflictFilter: Sendable {
        public var entity: EntityID?
        /// A member id prefix or name (case-insensitive); either write's author.
        public var member: String?
        /// Either write at or after this instant (ms).
        public var since: Int64?
        /// Either write at or before this instant (ms).
        public var until: Int64?

        public init(entity: EntityID? = nil, member: String? = nil, since: Int64? = nil, until: Int64? = nil) {
            self.entity = entity
            self.member = member
            self.since = since
            self.until = until
        }
    }

    /// A resolved conflict with sequences and author names for display.
    public struct ConflictEntry: Hashable, Sendable {
        public var conflict: Conflict
        public var winnerSequence: UInt64
        public var loserSequence: UInt64
        public var winnerAuthor: String
        public var loserAuthor: String
    }

    public func conflicts(_ filter: ConflictFilter = ConflictFilter()) -> [ConflictEntry] {
        let sequences = Dictionary(entries.map { ($0.operation.id, $0.sequence) }, uniquingKeysWith: { a, _ in a })
        return History.conflicts(in: entries.map(\.operation)).filter { conflict in
            if let entity = filter.entity, conflict.entity != entity { return false }
            let writes = [conflict.winner, conflict.loser]
            if let wanted = filter.member?.lowercased() {
                let matches = writes.contains { write in
                    name(of: write.author).lowercased() == wanted || (write.author?.description.hasPrefix(wanted) ?? (wanted == "server"))
                }
                if !matches { return false }
            }
            if let since = filter.since, !writes.contains(where: { Int64($0.time.milliseconds) >= since }) { return false }
            if let until = filter.until, !writes.contains(where: { Int64($0.time.milliseconds) <= until }) { return false }
            return true
        }.map { conflict in
            ConflictEntry(conflict: conflict, winnerSequence: sequences[conflict.winner.operation] ?? 0,
                          loserSequence: sequences[conflict.loser.operation] ?? 0,
                          winnerAuthor: name(of: conflict.winner.author), loserAuthor: name(of: conflict.loser.author))
        }
    }

    // MARK: Time travel

    /// Where to stop replaying the log.
    public enum Point: Hashable, Sendable {
        case head
        /// Operations with server sequence ≤ N.
        case sequence(UInt64)
        /// Operations whose clock (milliseconds) is ≤ this instant.
        case time(Int64)
    }

    /// The document replayed from the log up to `point`. On a pruned log,
    /// replay starts from the base snapshot: see ``reachable(_:)``.
    public func document(at point: Point) -> PlanDocument {
        var document = base?.document ?? PlanDocument()
        for entry in entries where entry.sequence > (base?.sequence ?? 0) {
            switch point {
            case .head: break
            case .sequence(let limit): if entry.sequence > limit { return document }
            case .time(let limit): if Int64(entry.operation.time.milliseconds) > limit { continue }
            }
            document.apply(entry.operation)
        }
        return document
    }

    /// Why time travel cannot reach `point`, or nil when it can. After pruning
    /// it reaches back to the base snapshot by sequence; by time it is refused,
    /// because the snapshot no longer says when each of its operations was made.
    public func unreachable(_ point: Point) -> String? {
        guard let base else {
            return prunedThrough > 0 ? "the log of plan \(plan.id.short()) was pruned through \(prunedThrough) and no snapshot holds the state there" : nil
        }
        switch point {
        case .head: return nil
        case .sequence(let n) where n >= base.sequence: return nil
        case .sequence:
            return "compaction pruned the log of plan \(plan.id.short()) through sequence \(prunedThrough); time travel reaches back to sequence \(base.sequence) (the oldest retained snapshot)"
        case .time:
            return "compaction pruned the log of plan \(plan.id.short()) through sequence \(prunedThrough); travel by --seq N (N ≥ \(base.sequence)) instead of --at"
        }
    }

    // MARK: Replicas

    /// What the server knows of one replica.
    public struct ReplicaEntry: Hashable, Sendable {
        public var replica: ReplicaID
        public var member: EntityID?
        public var memberName: String
        /// The counters of the operations it has sent (ranges; gaps are refused operations).
        public var sent: [ClosedRange<UInt64>]
        public var operations: Int
        public var lastSequence: UInt64?
        public var firstSeenMilliseconds: Int64?
        public var lastSeenMilliseconds: Int64?
        /// How far it has pulled the log (its server cursor), as of its last
        /// catch-up, delivery or disconnect; nil when it never subscribed.
        public var cursor: UInt64?
        /// Operations it lacks: the head minus its cursor; for a replica that
        /// never pulled, those stored after its last push (a lower bound).
        public var behind: UInt64
        public var isServer: Bool
    }

    public var replicas: [ReplicaEntry] {
        var sent: [ReplicaID: VersionVector] = [:]
        var counts: [ReplicaID: Int] = [:]
        var last: [ReplicaID: UInt64] = [:]
        for entry in entries {
            let replica = entry.operation.id.replica
            sent[replica, default: VersionVector()].insert(entry.operation.id)
            counts[replica, default: 0] += 1
            last[replica] = entry.sequence
        }
        let known = Set(replicaRecords.map(\.replica)).union(sent.keys)
        return known.sorted().map { replica in
            let record = replicaRecords.first { $0.replica == replica }
            let member = member(of: replica)
            let isServer = replica == plan.serverReplica
            let cursor = record.flatMap { $0.cursor > 0 ? $0.cursor : nil }
            return ReplicaEntry(replica: replica, member: member, memberName: isServer ? "server" : name(of: member),
                                sent: sent[replica]?.ranges[replica] ?? [], operations: counts[replica] ?? 0,
                                lastSequence: last[replica], firstSeenMilliseconds: record?.firstSeenMilliseconds,
                                lastSeenMilliseconds: record?.lastSeenMilliseconds, cursor: cursor,
                                behind: head - min(head, cursor ?? last[replica] ?? 0), isServer: isServer)
        }
    }
}
