import TandemModel

/// Read-only queries the admin commands need beyond what the server itself
/// uses: the raw log rows (so `verify` can see rows that do not decode or
/// disagree with their columns), every stored snapshot, and the replicas seen.
///
/// A separate protocol rather than new `ServerStore` requirements, so other
/// stores keep conforming to `ServerStore` unchanged.
public protocol ServerAdminStore: ServerStore {
    /// Every row of the plan's log in sequence order, undecoded.
    func logRows(plan: EntityID) async throws -> [LogRow]
    /// Every stored snapshot of the plan, oldest first.
    func snapshots(plan: EntityID) async throws -> [StoredSnapshot]
    /// The replicas that have connected for the plan.
    func replicaRecords(plan: EntityID) async throws -> [ReplicaRecord]
    /// The plan's `head` as recorded beside the log (not derived from it).
    func recordedHead(plan: EntityID) async throws -> UInt64

    // Admin tokens (`tandemd admin token …`, `tandem admin …`). A store keeps
    // only the SHA-256 of a token, like a member's.

    /// Records a new admin token; a name already in use is `ServerStoreError(.conflict)`.
    func createAdminToken(_ record: AdminTokenRecord, tokenHash: [UInt8]) async throws
    /// Every admin token ever created, revoked ones included, oldest first.
    func adminTokens() async throws -> [AdminTokenRecord]
    /// The admin token with this hash, unless revoked.
    func adminToken(tokenHash: [UInt8]) async throws -> AdminTokenRecord?
    /// Revokes the token whose id or name is `key`. - Returns: whether one was revoked.
    func revokeAdminToken(_ key: String, atMilliseconds: Int64) async throws -> Bool

    /// Log pruning (`compact`): deletes the plan's operations with sequence ≤
    /// `through`, in one transaction, and only when a snapshot at exactly
    /// `through` is stored (else `ServerStoreError(.corrupt)`); that snapshot is
    /// kept from then on as the plan's base while it is the oldest one. `head`
    /// is unchanged. - Returns: the number of rows deleted.
    func pruneLog(plan: EntityID, through: UInt64) async throws -> Int
}

/// One row of a plan's log as stored: the columns and the operation's bytes.
public struct LogRow: Hashable, Sendable {
    public var sequence: UInt64
    public var replica: ReplicaID
    public var counter: UInt64
    /// The HLC reading stored in the `time` column.
    public var time: UInt64
    public var bytes: [UInt8]

    public init(sequence: UInt64, replica: ReplicaID, counter: UInt64, time: UInt64, bytes: [UInt8]) {
        self.sequence = sequence
        self.replica = replica
        self.counter = counter
        self.time = time
        self.bytes = bytes
    }
}

/// A replica the server has bound to a member.
public struct ReplicaRecord: Hashable, Sendable {
    public var replica: ReplicaID
    public var member: EntityID
    public var firstSeenMilliseconds: Int64
    public var lastSeenMilliseconds: Int64
    /// How far it has pulled the log, as of its last catch-up or disconnect.
    public var cursor: UInt64

    public init(replica: ReplicaID, member: EntityID, firstSeenMilliseconds: Int64, lastSeenMilliseconds: Int64, cursor: UInt64 = 0) {
        self.replica = replica
        self.member = member
        self.firstSeenMilliseconds = firstSeenMilliseconds
        self.lastSeenMilliseconds = lastSeenMilliseconds
        self.cursor = cursor
    }
}
