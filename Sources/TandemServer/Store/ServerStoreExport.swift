import TandemModel

/// Everything a store holds about one plan, as stored: what `tandemd
/// migrate-store` copies from one store to another. Beyond what
/// ``ServerAdminStore`` reads, it carries the members' token hashes and
/// revocations, which only a whole-store copy may see.
public struct ExportedPlan: Hashable, Sendable {
    public var record: PlanRecord
    /// The head recorded beside the log.
    public var head: UInt64
    public var members: [ExportedMember]
    public var replicas: [ReplicaRecord]
    public var log: [LogRow]
    public var snapshots: [StoredSnapshot]

    public init(record: PlanRecord, head: UInt64, members: [ExportedMember], replicas: [ReplicaRecord], log: [LogRow], snapshots: [StoredSnapshot]) {
        self.record = record
        self.head = head
        self.members = members
        self.replicas = replicas
        self.log = log
        self.snapshots = snapshots
    }
}

/// A member as stored, revoked ones included.
public struct ExportedMember: Hashable, Sendable {
    public var record: MemberRecord
    public var tokenHash: [UInt8]
    public var revokedMilliseconds: Int64?
    /// The revocation's place in the store-wide order (`revocations(after:)`).
    public var revocationSequence: UInt64?

    public init(record: MemberRecord, tokenHash: [UInt8], revokedMilliseconds: Int64?, revocationSequence: UInt64?) {
        self.record = record
        self.tokenHash = tokenHash
        self.revokedMilliseconds = revokedMilliseconds
        self.revocationSequence = revocationSequence
    }
}

/// A server-wide admin token as stored: its record and hash.
public struct ExportedAdminToken: Hashable, Sendable {
    public var record: AdminTokenRecord
    public var tokenHash: [UInt8]

    public init(record: AdminTokenRecord, tokenHash: [UInt8]) {
        self.record = record
        self.tokenHash = tokenHash
    }
}

/// A store that can hand out whole plans as stored.
public protocol ServerStoreExporting: ServerAdminStore {
    func exportPlan(_ plan: EntityID) async throws -> ExportedPlan
    /// Every admin token, revoked ones included, oldest first.
    func exportAdminTokens() async throws -> [ExportedAdminToken]
}

/// A store that can take whole plans in, sequences and all.
public protocol ServerStoreImporting: ServerAdminStore {
    /// Writes the plan in one transaction; a plan with the same id is `ServerStoreError(.invalidRequest)`.
    func importPlan(_ plan: ExportedPlan) async throws
    /// Writes the admin tokens the store lacks (by id); identical ones are left alone.
    func importAdminTokens(_ tokens: [ExportedAdminToken]) async throws
}

extension SQLiteServerStore: ServerStoreExporting {
    public func exportPlan(_ plan: EntityID) async throws -> ExportedPlan {
        guard let record = try await self.plan(plan) else { throw ServerStoreError(.notFound, "no plan \(plan) on this server") }
        let members = try await read { db in
            let q = try db.query("""
                SELECT m.member, m.name, m.side, m.role, m.created_ms, m.token_hash, m.revoked_ms, m.access, m.revoked_seq
                FROM members m JOIN plans p ON p.key = m.plan WHERE p.id = ? ORDER BY m.created_ms, m.member
                """)
            defer { q.reset() }
            try q.bind(1, plan.description)
            var result: [ExportedMember] = []
            while try q.step() {
                guard let member = EntityID(q.string(0) ?? "") else { throw ServerStoreError(.corrupt, "a member id in the server database is not an entity id") }
                let access = try q.string(7).map { stored in
                    guard let access = AccessRole(rawValue: stored) else { throw ServerStoreError(.corrupt, "member \(member) has an unknown access '\(stored)'") }
                    return access
                }
                let record = MemberRecord(plan: plan, member: member, name: q.string(1) ?? "", side: Side(rawValue: q.string(2) ?? "") ?? .customer,
                                          role: q.string(3), access: access, createdMilliseconds: q.int64(4))
                result.append(ExportedMember(record: record, tokenHash: q.bytes(5), revokedMilliseconds: q.isNull(6) ? nil : q.int64(6),
                                             revocationSequence: q.isNull(8) ? nil : q.uint64(8)))
            }
            return result
        }
        return ExportedPlan(record: record, head: try await recordedHead(plan: plan), members: members, replicas: try await replicaRecords(plan: plan),
                            log: try await logRows(plan: plan), snapshots: try await snapshots(plan: plan))
    }

    public func exportAdminTokens() async throws -> [ExportedAdminToken] {
        try await read { db in
            let q = try db.query("SELECT id, name, created_ms, revoked_ms, token_hash FROM admin_tokens ORDER BY created_ms, id")
            defer { q.reset() }
            var result: [ExportedAdminToken] = []
            while try q.step() {
                let record = AdminTokenRecord(id: q.string(0) ?? "", name: q.string(1) ?? "", createdMilliseconds: q.int64(2),
                                              revokedMilliseconds: q.isNull(3) ? nil : q.int64(3))
                result.append(ExportedAdminToken(record: record, tokenHash: q.bytes(4)))
            }
            return result
        }
    }
}
