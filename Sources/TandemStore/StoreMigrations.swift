/// The store's schema, as numbered migrations applied in order and recorded in
/// `PRAGMA user_version`.
///
/// Shipped migrations are never edited: a store written by an older tandem is
/// brought forward by running the ones it lacks. They name no application
/// types, only SQL, so they mean the same thing forever.
enum StoreMigrations {
    /// Index `i` upgrades a store from version `i` to `i + 1`.
    static let all: [String] = [
        // 1: operation log, snapshot, metadata, sync cursors, refused operations.
        """
        CREATE TABLE meta (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) STRICT;

        CREATE TABLE operations (
            seq     INTEGER PRIMARY KEY AUTOINCREMENT,
            replica INTEGER NOT NULL,
            counter INTEGER NOT NULL,
            time    INTEGER NOT NULL,
            author  TEXT,
            entity  TEXT NOT NULL,
            field   TEXT,
            verb    TEXT NOT NULL,
            bytes   BLOB NOT NULL,
            pending INTEGER NOT NULL DEFAULT 0,
            UNIQUE (replica, counter)
        ) STRICT;
        CREATE INDEX operations_by_entity ON operations (entity, field);
        CREATE INDEX operations_pending ON operations (seq) WHERE pending = 1;

        CREATE TABLE snapshot (
            id    INTEGER PRIMARY KEY CHECK (id = 1),
            seq   INTEGER NOT NULL,
            bytes BLOB NOT NULL
        ) STRICT;

        CREATE TABLE sync_state (
            server       TEXT PRIMARY KEY,
            cursor       INTEGER NOT NULL DEFAULT 0,
            last_sync_ms INTEGER
        ) STRICT;

        CREATE TABLE rejected (
            replica INTEGER NOT NULL,
            counter INTEGER NOT NULL,
            code    TEXT NOT NULL,
            reason  TEXT NOT NULL,
            at_ms   INTEGER NOT NULL,
            PRIMARY KEY (replica, counter)
        ) STRICT;
        """,
        // 2: the server snapshot a replica was caught up from (its state before the log begins).
        """
        CREATE TABLE server_base (
            id           INTEGER PRIMARY KEY CHECK (id = 1),
            server       TEXT NOT NULL,
            sequence     INTEGER NOT NULL,
            bytes        BLOB NOT NULL,
            installed_ms INTEGER NOT NULL
        ) STRICT;
        """,
    ]

    static var latestVersion: Int64 { Int64(all.count) }
}
