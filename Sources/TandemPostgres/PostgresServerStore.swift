import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import PostgresNIO
import ServiceLifecycle
import TandemModel
import TandemServer

/// The shared server store: every `tandemd` instance pointed at the same
/// PostgreSQL database serves the same plans.
///
/// - Sequences: a commit locks the plan's row (`SELECT … FOR UPDATE`) for its
///   transaction, so commits to one plan from any instance are serialised by
///   the database and the log stays gap-free and totally ordered; commits to
///   different plans run in parallel.
/// - Durability: a method returns only after `COMMIT` succeeded, so the
///   server acknowledges what PostgreSQL has made durable.
/// - The bus: a commit that moves a plan's head sends `NOTIFY tandem_plan_heads`
///   with "plan-id head" inside its transaction (PostgreSQL delivers it on
///   COMMIT, never for a rolled-back one); ``PlanChangeFollower`` listens.
///
/// A `Service`: `run()` runs the connection pool, which must be running for any
/// query; ``ServerStoreLocation/withStore(logger:mode:_:)`` does that for
/// commands. Call ``prepare(mode:)`` once the pool runs.
public final class PostgresServerStore: ServerAdminStore, Service, @unchecked Sendable {
    // @unchecked: the plan-key cache is guarded by `lock`; PostgresClient is Sendable.
    public let url: PostgresStoreURL
    let client: PostgresClient
    let logger: Logger
    private let lock = NIOLockedValueBox<[EntityID: Int64]>([:])
    /// Pipelined commits, in order per plan (``queueCommit(plan:operations:)``).
    private let commitQueues = PlanCommitQueues()

    /// The NOTIFY channel carrying "plan-id new-head".
    public static let notificationChannel = "tandem_plan_heads"

    public init(url: PostgresStoreURL, logger: Logger, maximumConnections: Int = 8) {
        self.url = url
        self.logger = logger
        // The pool warns about normal start-up races; its real failures reach the caller as errors.
        var background = logger
        background.logLevel = max(logger.logLevel, .error)
        client = PostgresClient(configuration: url.clientConfiguration(maximumConnections: maximumConnections), backgroundLogger: background)
    }

    /// Runs the connection pool until cancelled.
    public func run() async {
        await client.run()
    }

    public enum PrepareMode: Sendable {
        /// Create or upgrade the schema (serve, plan create, migrate-store).
        case migrate
        /// Require the schema as it is (admin commands never create it).
        case existing
    }

    /// Migrates (or checks) the schema. Needs `run()` to be running.
    public func prepare(mode: PrepareMode) async throws {
        try await mapErrors("reach the server") { try await probe() }
        try await mapErrors("open the PostgreSQL store") {
            try await client.withConnection { connection in
                switch mode {
                case .migrate:
                    try await PostgresSchema.migrate(connection, logger: logger)
                case .existing:
                    guard let version = try await PostgresSchema.version(connection, logger: logger), version > 0 else {
                        throw ServerStoreError(.notFound, "\(url.redacted) holds no Tandem data (no tandem_schema table); create a plan or run 'tandemd serve --store' first")
                    }
                    if version > PostgresSchema.latestVersion {
                        throw ServerStoreError(.futureSchema, "\(url.redacted) was written by a newer tandemd (schema \(version)); upgrade tandemd")
                    }
                    if version < PostgresSchema.latestVersion {
                        throw ServerStoreError(.futureSchema, "\(url.redacted) has schema \(version), older than this tandemd's \(PostgresSchema.latestVersion); run 'tandemd serve' once to migrate")
                    }
                }
            }
        }
    }

    /// One direct connection first: the pool retries a failing server for about
    /// a minute before giving up with a generic error, while a single attempt
    /// fails at once with the server's own reason (no such database, password
    /// refused, connection refused).
    private func probe() async throws {
        let tls: PostgresConnection.Configuration.TLS
        switch url.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var configuration = PostgresConnection.Configuration(host: url.host, port: url.port, username: url.user, password: url.password,
                                                             database: url.database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        try await connection.close()
    }

    // MARK: Helpers

    /// Runs `body` with PostgreSQL errors turned into a `ServerStoreError` the operator can read.
    func mapErrors<T>(_ what: String, isolation: isolated (any Actor)? = #isolation,
                      _ body: () async throws -> sending T) async throws -> sending T {
        do {
            return try await body()
        } catch let error as ServerStoreError {
            throw error
        } catch let error as PSQLError {
            throw ServerStoreError(.postgres, "cannot \(what) on \(url.redacted): \(Self.describe(error))")
        } catch let error as PostgresTransactionError {
            throw ServerStoreError(.postgres, "cannot \(what) on \(url.redacted): \(String(reflecting: error))")
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // The pool's own errors (a server down for a while): say which store.
            throw ServerStoreError(.postgres, "cannot \(what) on \(url.redacted): \(error)")
        }
    }

    static func describe(_ error: PSQLError) -> String {
        if let message = error.serverInfo?[.message] {
            let state = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            return message + state
        }
        if let underlying = error.underlying { return "\(error.code): \(underlying)" }
        return "\(error.code)"
    }

    /// One transaction on one pooled connection.
    func transaction<T>(_ what: String, isolation: isolated (any Actor)? = #isolation,
                        _ body: (PostgresConnection) async throws -> sending T) async throws -> sending T {
        try await mapErrors(what) {
            try await client.withConnection { connection in
                try await PostgresTransaction.run(connection, logger: logger, body)
            }
        }
    }

    func planKey(_ plan: EntityID, _ connection: PostgresConnection) async throws -> Int64 {
        if let key = lock.withLockedValue({ $0[plan] }) { return key }
        let rows = try await connection.query("SELECT key FROM plans WHERE id = \(plan.description)", logger: logger)
        var found: Int64?
        for try await key in rows.decode(Int64.self) { found = key }
        guard let found else { throw ServerStoreError(.notFound, "no plan \(plan) on this server; list plans with 'tandemd plan list'") }
        lock.withLockedValue { $0[plan] = found }
        return found
    }

    static func bytes(_ buffer: ByteBuffer) -> [UInt8] { Array(buffer.readableBytesView) }
    static func buffer(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }

    // MARK: Plans

    public func createPlan(_ plan: PlanRecord, operations: [Operation]) async throws {
        try await transaction("create plan \(plan.id)") { connection in
            try await connection.query("""
                INSERT INTO plans (id, server_replica, title, customer, created_ms)
                VALUES (\(plan.id.description), \(Int64(bitPattern: plan.serverReplica.rawValue)), \(plan.title), \(plan.customer), \(plan.createdMilliseconds))
                """, logger: logger)
            _ = try await append(plan: plan.id, operations, connection)
        }
    }

    public func plans() async throws -> [PlanRecord] {
        try await mapErrors("list plans") {
            let rows = try await client.query("SELECT id, server_replica, title, customer, created_ms FROM plans ORDER BY created_ms, id", logger: logger)
            var result: [PlanRecord] = []
            for try await row in rows.decode((String, Int64, String, String, Int64).self) { result.append(try Self.planRecord(row)) }
            return result
        }
    }

    public func plan(_ id: EntityID) async throws -> PlanRecord? {
        try await mapErrors("read plan \(id)") {
            let rows = try await client.query("SELECT id, server_replica, title, customer, created_ms FROM plans WHERE id = \(id.description)", logger: logger)
            var result: PlanRecord?
            for try await row in rows.decode((String, Int64, String, String, Int64).self) { result = try Self.planRecord(row) }
            return result
        }
    }

    private static func planRecord(_ row: (String, Int64, String, String, Int64)) throws -> PlanRecord {
        guard let id = EntityID(row.0) else { throw ServerStoreError(.corrupt, "a plan id in the server database is not an entity id") }
        return PlanRecord(id: id, serverReplica: ReplicaID(UInt64(bitPattern: row.1)), title: row.2, customer: row.3, createdMilliseconds: row.4)
    }

    // MARK: Members

    public func addMember(_ member: MemberRecord, tokenHash: [UInt8], operations: [Operation]) async throws {
        try await transaction("add a member to plan \(member.plan)") { connection in
            let key = try await planKey(member.plan, connection)
            _ = try await append(plan: member.plan, operations, connection)
            try await connection.query("""
                INSERT INTO members (plan, member, name, side, role, token_hash, created_ms, access)
                VALUES (\(key), \(member.member.description), \(member.name), \(member.side.rawValue), \(member.role), \(Self.buffer(tokenHash)),
                        \(member.createdMilliseconds), \(member.access.rawValue))
                """, logger: logger)
        }
    }

    public func members(plan: EntityID) async throws -> [MemberRecord] {
        try await mapErrors("list the members of plan \(plan)") {
            try await client.withConnection { connection in
                let key = try await planKey(plan, connection)
                let rows = try await connection.query("""
                    SELECT member, name, side, role, created_ms, access FROM members WHERE plan = \(key) AND revoked_ms IS NULL ORDER BY created_ms, member
                    """, logger: logger)
                var result: [MemberRecord] = []
                for try await row in rows.decode(MemberRow.self) { result.append(try Self.memberRecord(row, plan: plan)) }
                return result
            }
        }
    }

    public func member(tokenHash: [UInt8]) async throws -> MemberRecord? {
        try await mapErrors("look up a token") {
            let rows = try await client.query("""
                SELECT m.member, m.name, m.side, m.role, m.created_ms, m.access, p.id FROM members m JOIN plans p ON p.key = m.plan
                WHERE m.token_hash = \(Self.buffer(tokenHash)) AND m.revoked_ms IS NULL
                """, logger: logger)
            var result: MemberRecord?
            for try await row in rows.decode((String, String, String, String?, Int64, String?, String).self) {
                guard let plan = EntityID(row.6) else { throw ServerStoreError(.corrupt, "a plan id in the server database is not an entity id") }
                result = try Self.memberRecord((row.0, row.1, row.2, row.3, row.4, row.5), plan: plan)
            }
            return result
        }
    }

    /// member, name, side, role, created_ms, access.
    typealias MemberRow = (String, String, String, String?, Int64, String?)

    static func memberRecord(_ row: MemberRow, plan: EntityID) throws -> MemberRecord {
        guard let member = EntityID(row.0) else { throw ServerStoreError(.corrupt, "a member id in the server database is not an entity id") }
        // NULL access: the default for the member's side.
        var access: AccessRole?
        if let stored = row.5 {
            guard let parsed = AccessRole(rawValue: stored) else { throw ServerStoreError(.corrupt, "member \(member) has an unknown access '\(stored)'") }
            access = parsed
        }
        return MemberRecord(plan: plan, member: member, name: row.1, side: Side(rawValue: row.2) ?? .customer, role: row.3, access: access,
                            createdMilliseconds: row.4)
    }

    public func bindReplica(_ replica: ReplicaID, plan: EntityID, member: EntityID, atMilliseconds: Int64) async throws -> EntityID {
        try await mapErrors("bind replica \(replica)") {
            try await client.withConnection { connection in
                let key = try await planKey(plan, connection)
                // One statement: the first member to bind wins, across instances too.
                let rows = try await connection.query("""
                    INSERT INTO replicas (plan, replica, member, first_seen_ms, last_seen_ms)
                    VALUES (\(key), \(Int64(bitPattern: replica.rawValue)), \(member.description), \(atMilliseconds), \(atMilliseconds))
                    ON CONFLICT (plan, replica) DO UPDATE SET last_seen_ms = excluded.last_seen_ms
                    RETURNING member
                    """, logger: logger)
                var bound: EntityID?
                for try await text in rows.decode(String.self) { bound = EntityID(text) }
                guard let bound else { throw ServerStoreError(.corrupt, "replica \(replica) vanished while being bound") }
                return bound
            }
        }
    }

    public func recordCursors(_ cursors: [ReplicaCursor], atMilliseconds: Int64) async throws {
        guard !cursors.isEmpty else { return }
        try await mapErrors("record the cursors of \(cursors.count) replicas") {
            try await client.withConnection { connection in
                try await connection.query("""
                    UPDATE replicas r SET cursor = GREATEST(r.cursor, c.cursor), last_seen_ms = GREATEST(r.last_seen_ms, \(atMilliseconds))
                    FROM unnest(\(cursors.map(\.plan.description)), \(cursors.map { Int64(bitPattern: $0.replica.rawValue) }),
                                \(cursors.map { Int64(bitPattern: $0.cursor) })) AS c(plan_id, replica, cursor), plans p
                    WHERE p.id = c.plan_id AND r.plan = p.key AND r.replica = c.replica
                    """, logger: logger)
            }
        }
    }

    // MARK: The log

    public func commit(plan: EntityID, operations: [Operation]) async throws -> CommitResult {
        try await transaction("commit to plan \(plan)") { connection in
            try await append(plan: plan, operations, connection)
        }
    }

    /// Commits to one plan from this instance run in the order they are queued;
    /// other instances' commits may land between them (the results say so).
    public func queueCommit(plan: EntityID, operations: [Operation]) -> PendingCommit {
        commitQueues.enqueue(plan: plan) { try await self.commit(plan: plan, operations: operations) }
    }

    /// Appends inside the caller's transaction, assigning the next sequences
    /// under the plan row's lock: no other transaction can append to the plan
    /// until this one ends, so reading the existing ids first is race-free.
    private func append(plan: EntityID, _ operations: [Operation], _ connection: PostgresConnection) async throws -> CommitResult {
        let locked = try await connection.query("SELECT key, head FROM plans WHERE id = \(plan.description) FOR UPDATE", logger: logger)
        var row: (Int64, Int64)?
        for try await found in locked.decode((Int64, Int64).self) { row = found }
        guard let (key, storedHead) = row else { throw ServerStoreError(.notFound, "no plan \(plan) on this server; list plans with 'tandemd plan list'") }
        let previous = UInt64(bitPattern: storedHead)
        guard !operations.isEmpty else { return CommitResult(outcomes: [], previousHead: previous, head: previous) }

        var known: [OperationID: (sequence: UInt64, bytes: [UInt8])] = [:]
        let existing = try await connection.query("""
            SELECT o.replica, o.counter, o.seq, o.bytes FROM operations o
            JOIN unnest(\(operations.map { Int64(bitPattern: $0.id.replica.rawValue) }), \(operations.map { Int64(bitPattern: $0.id.counter) }))
              AS wanted (replica, counter) ON o.replica = wanted.replica AND o.counter = wanted.counter
            WHERE o.plan = \(key)
            """, logger: logger)
        for try await (replica, counter, sequence, bytes) in existing.decode((Int64, Int64, Int64, ByteBuffer).self) {
            let id = OperationID(replica: ReplicaID(UInt64(bitPattern: replica)), counter: UInt64(bitPattern: counter))
            known[id] = (UInt64(bitPattern: sequence), Self.bytes(bytes))
        }

        var head = previous
        var outcomes: [CommitResult.Outcome] = []
        outcomes.reserveCapacity(operations.count)
        var sequences: [Int64] = [], replicas: [Int64] = [], counters: [Int64] = [], times: [Int64] = [], blobs: [ByteBuffer] = []
        for operation in operations {
            let bytes = operation.encoded
            // Same outcomes as SQLite's INSERT OR IGNORE, including an id repeated inside the batch.
            if let stored = known[operation.id] {
                outcomes.append(stored.bytes == bytes ? .duplicate(stored.sequence) : .conflicting)
                continue
            }
            head += 1
            known[operation.id] = (head, bytes)
            outcomes.append(.stored(head))
            sequences.append(Int64(bitPattern: head))
            replicas.append(Int64(bitPattern: operation.id.replica.rawValue))
            counters.append(Int64(bitPattern: operation.id.counter))
            times.append(Int64(bitPattern: operation.time.rawValue))
            blobs.append(Self.buffer(bytes))
        }
        if head != previous {
            try await connection.query("""
                INSERT INTO operations (plan, seq, replica, counter, time, bytes)
                SELECT \(key), * FROM unnest(\(sequences), \(replicas), \(counters), \(times), \(blobs))
                """, logger: logger)
            try await connection.query("UPDATE plans SET head = \(Int64(bitPattern: head)) WHERE key = \(key)", logger: logger)
            try await connection.query("SELECT pg_notify(\(Self.notificationChannel), \(PlanHeadNotice(plan: plan, head: head).payload))", logger: logger)
        }
        return CommitResult(outcomes: outcomes, previousHead: previous, head: head)
    }

    public func operations(plan: EntityID, after: UInt64, limit: Int) async throws -> [SequencedOperation] {
        try await mapErrors("read the log of plan \(plan)") {
            try await client.withConnection { connection in
                let key = try await planKey(plan, connection)
                let rows = try await connection.query("""
                    SELECT seq, bytes FROM operations WHERE plan = \(key) AND seq > \(Int64(bitPattern: after)) ORDER BY seq LIMIT \(Int64(max(0, limit)))
                    """, logger: logger)
                var result: [SequencedOperation] = []
                for try await (sequence, bytes) in rows.decode((Int64, ByteBuffer).self) {
                    do {
                        result.append(SequencedOperation(sequence: UInt64(bitPattern: sequence), operation: try Operation(decoding: Self.bytes(bytes))))
                    } catch {
                        throw ServerStoreError(.corrupt, "operation \(sequence) of plan \(plan) does not decode: \(error)")
                    }
                }
                return result
            }
        }
    }

    public func head(plan: EntityID) async throws -> UInt64 {
        try await recordedHead(plan: plan)
    }

    // MARK: Snapshots

    public func latestSnapshot(plan: EntityID) async throws -> StoredSnapshot? {
        try await mapErrors("read the snapshot of plan \(plan)") {
            try await client.withConnection { connection in
                let key = try await planKey(plan, connection)
                let rows = try await connection.query("SELECT seq, bytes FROM snapshots WHERE plan = \(key) ORDER BY seq DESC LIMIT 1", logger: logger)
                var result: StoredSnapshot?
                for try await (sequence, bytes) in rows.decode((Int64, ByteBuffer).self) {
                    result = StoredSnapshot(sequence: UInt64(bitPattern: sequence), bytes: Self.bytes(bytes))
                }
                return result
            }
        }
    }

    public func saveSnapshot(plan: EntityID, _ snapshot: StoredSnapshot) async throws {
        try await transaction("save a snapshot of plan \(plan)") { connection in
            let key = try await planKey(plan, connection)
            // Two instances may snapshot the same sequence: the document there is the same, so either copy will do.
            try await connection.query("""
                INSERT INTO snapshots (plan, seq, bytes) VALUES (\(key), \(Int64(bitPattern: snapshot.sequence)), \(Self.buffer(snapshot.bytes)))
                ON CONFLICT (plan, seq) DO UPDATE SET bytes = excluded.bytes
                """, logger: logger)
            // Two are kept: the newest, and one to fall back on; and, once the log
            // was pruned (`pruneLog`), the oldest one, the base the log continues from.
            try await connection.query("""
                DELETE FROM snapshots WHERE plan = \(key)
                  AND seq NOT IN (SELECT seq FROM snapshots WHERE plan = \(key) ORDER BY seq DESC LIMIT 2)
                  AND NOT (seq = (SELECT min(seq) FROM snapshots WHERE plan = \(key))
                           AND NOT EXISTS (SELECT 1 FROM operations WHERE plan = \(key) AND seq = 1))
                """, logger: logger)
        }
    }
}

extension ServerStoreError.Code {
    /// PostgreSQL refused or could not be reached; the message says which.
    public static let postgres = ServerStoreError.Code(rawValue: "postgres")
}
