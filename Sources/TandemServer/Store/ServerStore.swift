import TandemModel

/// Where the sync server keeps plans, members, tokens and each plan's
/// operation log with its gap-free server sequence.
///
/// The SQLite implementation (``SQLiteServerStore``) is the default; the
/// protocol exists so that another database can stand behind the same server
/// and be checked by the same conformance tests. Every method that writes is
/// one transaction, durable when it returns.
public protocol ServerStore: Sendable {
    /// Records a new plan with the operations that create it (sequence 1…n).
    func createPlan(_ plan: PlanRecord, operations: [Operation]) async throws
    func plans() async throws -> [PlanRecord]
    func plan(_ id: EntityID) async throws -> PlanRecord?

    /// Commits the member's operations (the member entity), the membership and
    /// the token hash in one transaction.
    func addMember(_ member: MemberRecord, tokenHash: [UInt8], operations: [Operation]) async throws
    func members(plan: EntityID) async throws -> [MemberRecord]
    /// The member a token (by its SHA-256) belongs to, unless revoked.
    func member(tokenHash: [UInt8]) async throws -> MemberRecord?
    /// Revokes a member's token (issue 8): from now on `member(tokenHash:)`
    /// and `members(plan:)` leave the member out, and the revocation takes the
    /// next store-wide revocation sequence, which `revocations(after:)` reports.
    /// - Returns: false when the member was already revoked.
    /// - Throws: `not-found` when the plan has no such member.
    func revokeMember(plan: EntityID, member: EntityID, atMilliseconds: Int64) async throws -> Bool
    /// Revocations with a sequence above `after`, oldest first. A running
    /// server polls this (about once a second) to close the connections of
    /// members revoked by another process writing the same storage, so it must
    /// be cheap when nothing changed (an indexed range query).
    func revocations(after sequence: UInt64) async throws -> [Revocation]

    /// Binds a replica id to the member that first used it in a plan.
    /// - Returns: the member the replica is bound to (maybe another one).
    func bindReplica(_ replica: ReplicaID, plan: EntityID, member: EntityID, atMilliseconds: Int64) async throws -> EntityID

    /// Records how far bound replicas have pulled their plans' logs (their
    /// server cursors), in one transaction; a cursor never moves back.
    /// Unknown replicas are ignored.
    func recordCursors(_ cursors: [ReplicaCursor], atMilliseconds: Int64) async throws

    /// Appends operations to a plan's log in one durable transaction.
    func commit(plan: EntityID, operations: [Operation]) async throws -> CommitResult
    /// Queues a commit behind every commit to the same plan queued before it
    /// (in this process) and returns without waiting for it to be durable, so
    /// the caller can prepare the next batch meanwhile. A store that cannot
    /// order its commits up front runs them through ``PlanCommitQueues``.
    func queueCommit(plan: EntityID, operations: [Operation]) -> PendingCommit
    /// Operations with sequence greater than `after`, in order, at most `limit`.
    func operations(plan: EntityID, after: UInt64, limit: Int) async throws -> [SequencedOperation]
    func head(plan: EntityID) async throws -> UInt64

    /// The newest stored snapshot of a plan, if any.
    func latestSnapshot(plan: EntityID) async throws -> StoredSnapshot?
    func saveSnapshot(plan: EntityID, _ snapshot: StoredSnapshot) async throws
}

/// A plan as the server knows it.
public struct PlanRecord: Hashable, Sendable {
    public var id: EntityID
    /// The replica id the server uses for its own edits of this plan.
    public var serverReplica: ReplicaID
    public var title: String
    public var customer: String
    public var createdMilliseconds: Int64

    public init(id: EntityID, serverReplica: ReplicaID, title: String, customer: String, createdMilliseconds: Int64) {
        self.id = id
        self.serverReplica = serverReplica
        self.title = title
        self.customer = customer
        self.createdMilliseconds = createdMilliseconds
    }
}

/// A member of a plan with a token.
public struct MemberRecord: Hashable, Sendable {
    public var plan: EntityID
    /// The member entity in the plan: the author of the member's operations.
    public var member: EntityID
    public var name: String
    public var side: Side
    /// A job title ("CSM"), free text, shown to people.
    public var role: String?
    /// What the member may read and write (issue 8); stores keep it with the token.
    public var access: AccessRole
    public var createdMilliseconds: Int64

    /// `access` defaults to an editor of the member's side.
    public init(plan: EntityID, member: EntityID, name: String, side: Side, role: String?, access: AccessRole? = nil, createdMilliseconds: Int64) {
        self.plan = plan
        self.member = member
        self.name = name
        self.side = side
        self.role = role
        self.access = access ?? AccessRole.defaultAccess(for: side)
        self.createdMilliseconds = createdMilliseconds
    }
}

/// A member's token revoked, with its place in the store-wide order of revocations.
public struct Revocation: Hashable, Sendable {
    /// 1, 2, 3, … across every plan of the store, in the order revocations committed.
    public var sequence: UInt64
    public var plan: EntityID
    public var member: EntityID
    public var atMilliseconds: Int64

    public init(sequence: UInt64, plan: EntityID, member: EntityID, atMilliseconds: Int64) {
        self.sequence = sequence
        self.plan = plan
        self.member = member
        self.atMilliseconds = atMilliseconds
    }
}

/// How far one replica has pulled one plan's log.
public struct ReplicaCursor: Hashable, Sendable {
    public var plan: EntityID
    public var replica: ReplicaID
    public var cursor: UInt64

    public init(plan: EntityID, replica: ReplicaID, cursor: UInt64) {
        self.plan = plan
        self.replica = replica
        self.cursor = cursor
    }
}

/// An operation with its place in the plan's log.
public struct SequencedOperation: Hashable, Sendable {
    public var sequence: UInt64
    public var operation: Operation

    public init(sequence: UInt64, operation: Operation) {
        self.sequence = sequence
        self.operation = operation
    }
}

/// What a commit did with each operation, in batch order.
public struct CommitResult: Hashable, Sendable {
    public enum Outcome: Hashable, Sendable {
        /// Newly stored at this sequence.
        case stored(UInt64)
        /// Already stored, with identical bytes, at this sequence.
        case duplicate(UInt64)
        /// The id was stored before with different content.
        case conflicting
    }

    public var outcomes: [Outcome]
    /// The plan's sequence before the commit: greater than the caller's idea of
    /// the head when someone else (an admin command) wrote meanwhile.
    public var previousHead: UInt64
    public var head: UInt64

    public init(outcomes: [Outcome], previousHead: UInt64, head: UInt64) {
        self.outcomes = outcomes
        self.previousHead = previousHead
        self.head = head
    }
}

/// A plan's document state at a sequence.
public struct StoredSnapshot: Hashable, Sendable {
    public var sequence: UInt64
    public var bytes: [UInt8]

    public init(sequence: UInt64, bytes: [UInt8]) {
        self.sequence = sequence
        self.bytes = bytes
    }
}

extension ServerStore {
    /// The plan's document at its head: the newest snapshot plus the log after it.
    public func loadDocument(plan: EntityID) async throws -> (document: PlanDocument, head: UInt64) {
        var document = PlanDocument()
        var position: UInt64 = 0
        if let snapshot = try await latestSnapshot(plan: plan) {
            do {
                document = try PlanDocument(snapshot: snapshot.bytes)
            } catch {
                throw ServerStoreError(.corrupt, "the snapshot of plan \(plan) at \(snapshot.sequence) does not decode: \(error)")
            }
            position = snapshot.sequence
        }
        while true {
            let chunk = try await operations(plan: plan, after: position, limit: 10_000)
            guard let last = chunk.last else { break }
            for entry in chunk { document.apply(entry.operation) }
            position = last.sequence
        }
        return (document, position)
    }
}
