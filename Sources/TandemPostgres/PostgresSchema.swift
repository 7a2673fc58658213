import Logging
import PostgresNIO
import TandemServer

/// The PostgreSQL schema as numbered migrations, recorded in the
/// `tandem_schema` table (one row per applied version). Shipped migrations
/// are never edited; a new one is appended.
///
/// The tables mirror the SQLite store's so `migrate-store` is a plain copy.
/// Unsigned 64-bit values (replica ids, counters, clock readings, sequences)
/// are stored as BIGINT holding the same bit pattern.
enum PostgresSchema {
    /// Each migration is a list of statements: the extended query protocol
    /// runs one statement per query.
    static let migrations: [[String]] = [
        // 1: plans, members with hashed tokens, access and revocation order, replicas, the per-plan log, snapshots, admin tokens.
        [
            """
            CREATE TABLE plans (
                key            BIGSERIAL PRIMARY KEY,
                id             TEXT NOT NULL UNIQUE,
                server_replica BIGINT NOT NULL,
                title          TEXT NOT NULL,
                customer       TEXT NOT NULL,
                created_ms     BIGINT NOT NULL,
                head           BIGINT NOT NULL DEFAULT 0
            )
            """,
            """
            CREATE TABLE members (
                plan       BIGINT NOT NULL REFERENCES plans (key),
                member     TEXT NOT NULL,
                name       TEXT NOT NULL,
                side       TEXT NOT NULL,
                role       TEXT,
                token_hash BYTEA NOT NULL UNIQUE,
                created_ms BIGINT NOT NULL,
                revoked_ms BIGINT,
                -- NULL: the default access for the member's side.
                access      TEXT,
                -- Store-wide order of revocations, polled by every instance.
                revoked_seq BIGINT UNIQUE,
                PRIMARY KEY (plan, member)
            )
            """,
            """
            CREATE TABLE replicas (
                plan          BIGINT NOT NULL REFERENCES plans (key),
                replica       BIGINT NOT NULL,
                member        TEXT NOT NULL,
                first_seen_ms BIGINT NOT NULL,
                last_seen_ms  BIGINT NOT NULL,
                PRIMARY KEY (plan, replica)
            )
            """,
            """
            CREATE TABLE operations (
                plan    BIGINT NOT NULL REFERENCES plans (key),
                seq     BIGINT NOT NULL,
                replica BIGINT NOT NULL,
                counter BIGINT NOT NULL,
                time    BIGINT NOT NULL,
                bytes   BYTEA NOT NULL,
                PRIMARY KEY (plan, seq),
                UNIQUE (plan, replica, counter)
            )
            """,
            """
            CREATE TABLE admin_tokens (
                id         TEXT PRIMARY KEY,
                name       TEXT NOT NULL UNIQUE,
                token_hash BYTEA NOT NULL UNIQUE,
                created_ms BIGINT NOT NULL,
                revoked_ms BIGINT
            )
            """,
            """
            CREATE TABLE snapshots (
                plan  BIGINT NOT NULL REFERENCES plans (key),
                seq   BIGINT NOT NULL,
                bytes BYTEA NOT NULL,
                PRIMARY KEY (plan, seq)
            )
            """,
        ],
        // 2: each replica's server cursor (how far it has pulled), for `admin replicas`.
        [
            "ALTER TABLE replicas ADD COLUMN cursor BIGINT NOT NULL DEFAULT 0",
        ],
    ]

    static var latestVersion: Int { migrations.count }

    /// Serialises instances that start together: only one migrates, the others
    /// wait and then see the new version. An arbitrary constant of our own.
    static let migrationLockKey: Int64 = 0x7A4E_D000_0001

    /// Brings the database to the latest schema, or fails if a newer tandemd wrote it.
    static func migrate(_ connection: PostgresConnection, logger: Logger) async throws {
        try await PostgresTransaction.run(connection, logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLockKey))", logger: logger)
            try await connection.query("CREATE TABLE IF NOT EXISTS tandem_schema (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())", logger: logger)
            let current = try await version(connection, logger: logger) ?? 0
            if current > latestVersion {
                throw ServerStoreError(.futureSchema, "the database was written by a newer tandemd (schema \(current), this one knows \(latestVersion)); upgrade tandemd")
            }
            for index in current..<latestVersion {
                for statement in migrations[index] {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query("INSERT INTO tandem_schema (version) VALUES (\(index + 1))", logger: logger)
                logger.info("migrated the PostgreSQL store", metadata: ["version": "\(index + 1)"])
            }
        }
    }

    /// The applied version, or nil when the database holds no Tandem schema.
    static func version(_ connection: PostgresConnection, logger: Logger) async throws -> Int? {
        let exists = try await connection.query("SELECT to_regclass('tandem_schema') IS NOT NULL", logger: logger)
        for try await present in exists.decode(Bool.self) where !present { return nil }
        let rows = try await connection.query("SELECT coalesce(max(version), 0) FROM tandem_schema", logger: logger)
        for try await value in rows.decode(Int32.self) { return Int(value) }
        return 0
    }
}

/// BEGIN … COMMIT on one leased connection, rethrowing the body's own error
/// (postgres-nio's `withTransaction` wraps it), so a `ServerStoreError` from
/// inside a transaction reaches the caller as itself.
enum PostgresTransaction {
    static func run<T>(_ connection: PostgresConnection, logger: Logger, isolation: isolated (any Actor)? = #isolation,
                       _ body: (PostgresConnection) async throws -> sending T) async throws -> sending T {
        try await connection.query("BEGIN", logger: logger)
        let value: T
        do {
            value = try await body(connection)
        } catch {
            _ = try? await connection.query("ROLLBACK", logger: logger)
            throw error
        }
        // Acknowledgements wait for this: a failed COMMIT throws, so nothing is reported stored that is not.
        try await connection.query("COMMIT", logger: logger)
        return value
    }
}
