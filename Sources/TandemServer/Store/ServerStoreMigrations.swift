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
        // 2: server-wide admin tokens (`tandemd admin token …`), hashed like members' tokens.
        """
        CREATE TABLE admin_tokens (
            id         TEXT PRIMARY KEY,
            name       TEXT NOT NULL UNIQUE,
            token_hash BLOB NOT NULL UNIQUE,
            created_ms INTEGER NOT NULL,
            revoked_ms INTEGER
        ) STRICT;
        """,
        // 3: access roles and revocation order (issue 8). A NULL access is the
        // default for the member's side (members added before roles existed);
        // `revoked_seq` orders revocations store-wide so a running server can
        // poll for new ones with one indexed range query.
        """
        ALTER TABLE members ADD COLUMN access TEXT;
        ALTER TABLE members ADD COLUMN revoked_seq INTEGER;
        UPDATE members SET revoked_seq = rowid WHERE revoked_ms IS NOT NULL;
        CREATE UNIQUE INDEX members_revoked_seq ON members (revoked_seq) WHERE revoked_seq IS NOT NULL;
        """,
        // 4: each replica's server cursor (how far it has pulled), for `admin replicas`.
        """
        ALTER TABLE replicas ADD COLUMN cursor INTEGER NOT NULL DEFAULT 0;
        """,
    ]

    static var latestVersion: Int64 { Int64(all.count) }
}
