import CSQLite
import Dispatch
import TandemModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The embedded server store: one SQLite file, `DIR/server.sqlite`, in WAL
/// mode with `synchronous=FULL`, so a commit is on disk when it returns.
///
/// Writes go through one connection on one serial queue and reads through a
/// second connection on another, so a long catch-up read never holds up
/// ingest (WAL lets the reader see the last committed state meanwhile).
/// Blocking SQLite calls stay off NIO's event loops and Swift's cooperative
/// pool.
///
/// `@unchecked Sendable`: each connection is only touched on its own queue,
/// and the plan-key cache is guarded by `lock`.
public final class SQLiteServerStore: ServerStore, @unchecked Sendable {
    public static let databaseFileName = "server.sqlite"

    public let directory: String
    let writer: SQLiteConnection
    private let reader: SQLiteConnection
    let writeQueue = DispatchQueue(label: "tandem.server-store.write")
    /// Concurrent commits share one durable transaction (`GroupCommit.swift`).
    let groupCommit = GroupCommit()
    private let readQueue = DispatchQueue(label: "tandem.server-store.read")
    private let lock = NSLockLite()
    private var planKeys: [EntityID: Int64] = [:]

    /// Opens (creating when missing) the store in `directory`.
    public init(directory: String) throws {
        try Self.makeDirectories(directory)
        self.directory = directory
        let path = directory.hasSuffix("/") ? directory + Self.databaseFileName : directory + "/" + Self.databaseFileName
        let writer = try SQLiteConnection(path: path)
        // WAL lets the reader run beside the writer; FULL makes every commit
        // durable before it returns, which is what an acknowledgement promises.
        try writer.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
        try writer.transaction {
            let version = try writer.integer("PRAGMA user_version") ?? 0
            if version > ServerStoreMigrations.latestVersion {
                throw ServerStoreError(.futureSchema, "\(path) was written by a newer tandemd (schema \(version)); upgrade tandemd")
            }
            for index in Int(version)..<ServerStoreMigrations.all.count {
                try writer.execute(ServerStoreMigrations.all[index])
            }
            try writer.execute("PRAGMA user_version = \(ServerStoreMigrations.latestVersion)")
        }
        self.writer = writer
        reader = try SQLiteConnection(path: path)
        try reader.execute("PRAGMA synchronous = FULL;")
    }

    private static func makeDirectories(_ path: String) throws {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o700) != 0, errno != EEXIST {
                throw ServerStoreError(.io, "cannot create the data directory \(current): \(String(cString: strerror(errno)))")
            }
        }
    }

    // MARK: Queues

    func write<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            writeQueue.async { continuation.resume(with: Result { try body(self.writer) }) }
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            readQueue.async { continuation.resume(with: Result { try body(self.reader) }) }
        }
    }

    func planKey(_ plan: EntityID, _ db: SQLiteConnection) throws -> Int64 {
        if let key = lock.withLock({ planKeys[plan] }) { return key }
        let q = try db.query("SELECT key FROM plans WHERE id = ?")
        defer { q.reset() }
        try q.bind(1, plan.description)
        guard try q.step() else { throw ServerStoreError(.notFound, "no plan \(plan) on this server; list plans with 'tandemd plan list'") }
        let key = q.int64(0)
        lock.withLock { planKeys[plan] = key }
        return key
    }

    // MARK: Plans

    public func createPlan(_ plan: PlanRecord, operations: [Operation]) async throws {
        _ = try await write { db in
            try db.transaction {
                let insert = try db.query("INSERT INTO plans (id, server_replica, title, customer, created_ms) VALUES (?, ?, ?, ?, ?)")
                try insert.bind(1, plan.id.description)
                try insert.bind(2, plan.serverReplica.rawValue)
                try insert.bind(3, plan.title)
                try insert.bind(4, plan.customer)
                try insert.bind(5, plan.createdMilliseconds)
                try insert.run()
                _ = try self.append(plan: plan.id, operations, db)
            }
        }
    }

    public func plans() async throws -> [PlanRecord] {
        try await read { db in
            let q = try db.query("SELECT id, server_replica, title, customer, created_ms FROM plans ORDER BY created_ms, id")
            defer { q.reset() }
            var result: [PlanRecord] = []
            while try q.step() { result.append(try Self.planRecord(q)) }
            return result
        }
    }

    public func plan(_ id: EntityID) async throws -> PlanRecord? {
        try await read { db in
            let q = try db.query("SELECT id, server_replica, title, customer, created_ms FROM plans WHERE id = ?")
            defer { q.reset() }
            try q.bind(1, id.description)
            return try q.step() ? try Self.planRecord(q) : nil
        }
    }

    private static func planRecord(_ q: SQLiteQuery) throws -> PlanRecord {
        guard let id = EntityID(q.string(0) ?? "") else { throw ServerStoreError(.corrupt, "a plan id in the server database is not an entity id") }
        return PlanRecord(id: id, serverReplica: ReplicaID(q.uint64(1)), title: q.string(2) ?? "", customer: q.string(3) ?? "", createdMilliseconds: q.int64(4))
    }

    // MARK: Members

    public func addMember(_ member: MemberRecord, tokenHash: [UInt8], operations: [Operation]) async throws {
        _ = try await write { db in
            try db.transaction {
                let key = try self.planKey(member.plan, db)
                _ = try self.append(plan: member.plan, operations, db)
                let insert = try db.query("INSERT INTO members (plan, member, name, side, role, token_hash, created_ms, access) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                try insert.bind(1, key)
                try insert.bind(2, member.member.description)
                try insert.bind(3, member.name)
                try insert.bind(4, member.side.rawValue)
                try insert.bind(5, member.role)
                try insert.bind(6, tokenHash)
                try insert.bind(7, member.createdMilliseconds)
                try insert.bind(8, member.access.rawValue)
                try insert.run()
            }
        }
    }

    public func members(plan: EntityID) async throws -> [MemberRecord] {
        try await read { db in
            let key = try self.planKey(plan, db)
            let q = try db.query("SELECT member, name, side, role, created_ms, access FROM members WHERE plan = ? AND revoked_ms IS NULL ORDER BY created_ms, member")
            defer { q.reset() }
            try q.bind(1, key)
            var result: [MemberRecord] = []
            while try q.step() { result.append(try Self.memberRecord(q, plan: plan)) }
            return result
        }
    }

    public func member(tokenHash: [UInt8]) async throws -> MemberRecord? {
        try await read { db in
            let q = try db.query("""
                SELECT m.member, m.name, m.side, m.role, m.created_ms, m.access, p.id FROM members m JOIN plans p ON p.key = m.plan
                WHERE m.token_hash = ? AND m.revoked_ms IS NULL
                """)
            defer { q.reset() }
            try q.bind(1, tokenHash)
            guard try q.step() else { return nil }
            guard let plan = EntityID(q.string(6) ?? "") else { throw ServerStoreError(.corrupt, "a plan id in the server database is not an entity id") }
            return try Self.memberRecord(q, plan: plan)
        }
    }

    private static func memberRecord(_ q: SQLiteQuery, plan: EntityID) throws -> MemberRecord {
        guard let member = EntityID(q.string(0) ?? "") else { throw ServerStoreError(.corrupt, "a member id in the server database is not an entity id") }
        let side = Side(rawValue: q.string(2) ?? "") ?? .customer
        // NULL: added before access roles existed, so the default for the side.
        var access: AccessRole?
        if let stored = q.string(5) {
            guard let parsed = AccessRole(rawValue: stored) else { throw ServerStoreError(.corrupt, "member \(member) has an unknown access '\(stored)'") }
            access = parsed
        }
        return MemberRecord(plan: plan, member: member, name: q.string(1) ?? "", side: side, role: q.string(3), access: access, createdMilliseconds: q.int64(4))
    }

    public func bindReplica(_ replica: ReplicaID, plan: EntityID, member: EntityID, atMilliseconds: Int64) async throws -> EntityID {
        try await write { db in
            try db.transaction {
                let key = try self.planKey(plan, db)
                let insert = try db.query("""
                    INSERT INTO replicas (plan, replica, member, first_seen_ms, last_seen_ms) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (plan, replica) DO UPDATE SET last_seen_ms = excluded.last_seen_ms
                    """)
                try insert.bind(1, key)
                try insert.bind(2, replica.rawValue)
                try insert.bind(3, member.description)
                try insert.bind(4, atMilliseconds)
                try insert.bind(5, atMilliseconds)
                try insert.run()
                let q = try db.query("SELECT member FROM replicas WHERE plan = ? AND replica = ?")
                defer { q.reset() }
                try q.bind(1, key)
                try q.bind(2, replica.rawValue)
                guard try q.step(), let bound = EntityID(q.string(0) ?? "") else {
                    throw ServerStoreError(.corrupt, "replica \(replica) vanished while being bound")
                }
                return bound
            }
        }
    }

    public func recordCursors(_ cursors: [ReplicaCursor], atMilliseconds: Int64) async throws {
        guard !cursors.isEmpty else { return }
        try await write { db in
            try db.transaction {
                for entry in cursors {
                    let update = try db.query("""
                        UPDATE replicas SET cursor = max(cursor, ?), last_seen_ms = max(last_seen_ms, ?)
                        WHERE plan = (SELECT key FROM plans WHERE id = ?) AND replica = ?
                        """)
                    try update.bind(1, Int64(bitPattern: entry.cursor))
                    try update.bind(2, atMilliseconds)
                    try update.bind(3, entry.plan.description)
                    try update.bind(4, entry.replica.rawValue)
                    try update.run()
                }
            }
        }
    }

    // MARK: The log

    public func commit(plan: EntityID, operations: [Operation]) async throws -> CommitResult {
        try await queueCommit(plan: plan, operations: operations).result()
    }

    /// Commits are made in the order they are queued (one writer, one queue),
    /// so the order is fixed here, before the commit is durable.
    public func queueCommit(plan: EntityID, operations: [Operation]) -> PendingCommit {
        groupCommit.queue(plan: plan, operations: operations) {
            self.writeQueue.async { self.groupCommit.drain(self.writer) { try self.append(plan: $0, $1, $2) } }
        }
    }

    /// Appends inside the caller's transaction, assigning the next sequences.
    func append(plan: EntityID, _ operations: [Operation], _ db: SQLiteConnection) throws -> CommitResult {
        let key = try planKey(plan, db)
        let headQuery = try db.query("SELECT head FROM plans WHERE key = ?")
        try headQuery.bind(1, key)
        guard try headQuery.step() else { throw ServerStoreError(.notFound, "plan \(plan) vanished") }
        let previous = headQuery.uint64(0)
        headQuery.reset()
        var head = previous
        var outcomes: [CommitResult.Outcome] = []
        outcomes.reserveCapacity(operations.count)
        let insert = try db.query("INSERT OR IGNORE INTO operations (plan, seq, replica, counter, time, bytes) VALUES (?, ?, ?, ?, ?, ?)")
        // One buffer for every operation's encoding (SQLite copies the bound bytes).
        var writer = ByteWriter(capacity: 256)
        for operation in operations {
            writer.removeAll()
            writer.operation(operation)
            let bytes = writer.bytes
            try insert.bind(1, key)
            try insert.bind(2, head + 1)
            try insert.bind(3, operation.id.replica.rawValue)
            try insert.bind(4, operation.id.counter)
            try insert.bind(5, operation.time.rawValue)
            try insert.bind(6, bytes)
            try insert.run()
            if db.changes == 1 {
                head += 1
                outcomes.append(.stored(head))
                continue
            }
            let existing = try db.query("SELECT seq, bytes FROM operations WHERE plan = ? AND replica = ? AND counter = ?")
            try existing.bind(1, key)
            try existing.bind(2, operation.id.replica.rawValue)
            try existing.bind(3, operation.id.counter)
            guard try existing.step() else { throw ServerStoreError(.sqlite, "operation \(operation.id) was neither inserted nor found") }
            outcomes.append(existing.bytes(1) == bytes ? .duplicate(existing.uint64(0)) : .conflicting)
            existing.reset()
        }
        if head != previous {
            let update = try db.query("UPDATE plans SET head = ? WHERE key = ?")
            try update.bind(1, head)
            try update.bind(2, key)
            try update.run()
        }
        return CommitResult(outcomes: outcomes, previousHead: previous, head: head)
    }

    public func operations(plan: EntityID, after: UInt64, limit: Int) async throws -> [SequencedOperation] {
        try await read { db in
            let key = try self.planKey(plan, db)
            let q = try db.query("SELECT seq, bytes FROM operations WHERE plan = ? AND seq > ? ORDER BY seq LIMIT ?")
            defer { q.reset() }
            try q.bind(1, key)
            try q.bind(2, after)
            try q.bind(3, Int64(limit))
            var result: [SequencedOperation] = []
            while try q.step() {
                let sequence = q.uint64(0)
                do {
                    result.append(SequencedOperation(sequence: sequence, operation: try Operation(decoding: q.bytes(1))))
                } catch {
                    throw ServerStoreError(.corrupt, "operation \(sequence) of plan \(plan) does not decode: \(error)")
                }
            }
            return result
        }
    }

    public func head(plan: EntityID) async throws -> UInt64 {
        try await read { db in
            let key = try self.planKey(plan, db)
            let q = try db.query("SELECT head FROM plans WHERE key = ?")
            defer { q.reset() }
            try q.bind(1, key)
            return try q.step() ? q.uint64(0) : 0
        }
    }

    // MARK: Snapshots

    public func latestSnapshot(plan: EntityID) async throws -> StoredSnapshot? {
        try await read { db in
            let key = try self.planKey(plan, db)
            let q = try db.query("SELECT seq, bytes FROM snapshots WHERE plan = ? ORDER BY seq DESC LIMIT 1")
            defer { q.reset() }
            try q.bind(1, key)
            return try q.step() ? StoredSnapshot(sequence: q.uint64(0), bytes: q.bytes(1)) : nil
        }
    }

    public func saveSnapshot(plan: EntityID, _ snapshot: StoredSnapshot) async throws {
        _ = try await write { db in
            try db.transaction {
                let key = try self.planKey(plan, db)
                let insert = try db.query("INSERT OR REPLACE INTO snapshots (plan, seq, bytes) VALUES (?, ?, ?)")
                try insert.bind(1, key)
                try insert.bind(2, snapshot.sequence)
                try insert.bind(3, snapshot.bytes)
                try insert.run()
                // Two are kept: the newest, and one to fall back on; and, once the log
                // was pruned (`pruneLog`), the oldest one, the base the log continues
                // from, so time travel by sequence still reaches back to it (as on PostgreSQL).
                let prune = try db.query("""
                    DELETE FROM snapshots WHERE plan = ?1
                      AND seq NOT IN (SELECT seq FROM snapshots WHERE plan = ?1 ORDER BY seq DESC LIMIT 2)
                      AND NOT (seq = (SELECT min(seq) FROM snapshots WHERE plan = ?1)
                               AND NOT EXISTS (SELECT 1 FROM operations WHERE plan = ?1 AND seq = 1))
                    """)
                try prune.bind(1, key)
                try prune.run()
            }
        }
    }
}
