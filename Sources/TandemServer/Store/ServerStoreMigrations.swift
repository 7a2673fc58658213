/// The server database's schema as numbered migrations, recorded in
/// `PRAGMA user_version`. Shipped migrations are never edited.
enum ServerStoreMigrations {
    static let all: [String] = [
        // 1: plans, members with hashed tokens, replicas, the per-plan log, snapshots.
        """
        CREATE TABLE meta (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) STRICT;

        CREATE TABLE plans (
            key            INTEGER PRIMARY KEY,
            id             TEXT NOT NULL UNIQUE,
            server_replica INTEGER NOT NULL,
            title          TEXT NOT NULL,
            customer       TEXT NOT NULL,
            created_ms     INTEGER NOT NULL,
            head           INTEGER NOT NULL DEFAULT 0
        ) STRICT;

        CREATE TABLE members (
            plan       INTEGER NOT NULL REFERENCES plans (key),
            member     TEXT NOT NULL,
            name       TEXT NOT NULL,
            side       TEXT NOT NULL,
            role       TEXT,
            token_hash BLOB NOT NULL UNIQUE,
            created_ms INTEGER NOT NULL,
            revoked_ms INTEGER,
            PRIMARY KEY (plan, member)
        ) STRICT;

        CREATE TABLE replicas (
            plan          INTEGER NOT NULL REFERENCES plans (key),
            replica       INTEGER NOT NULL,
            member        TEXT NOT NULL,
            first_seen_ms INTEGER NOT NULL,
            last_seen_ms  INTEGER NOT NULL,
            PRIMARY KEY (plan, replica)
        ) STRICT;

        CREATE TABLE operations (
            plan    INTEGER NOT NULL,
            seq     INTEGER NOT NULL,
            replica INTEGER NOT NULL,
            counter INTEGER NOT NULL,
            time    INTEGER NOT NULL,
            bytes   BLOB NOT NULL,
            PRIMARY KEY (plan, seq),
            UNIQUE (plan, replica, counter)
        ) STRICT, WITHOUT ROWID;

        CREATE TABLE snapshots (
            plan  INTEGER NOT NULL,
            seq   INTEGER NOT NULL,
            bytes BLOB NOT NULL,
            PRIMARY KEY (plan, seq)
        ) STRICT;
        """,
    ]

    static var latestVersion: Int64 { Int64(all.count) }
}
