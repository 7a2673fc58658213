import CSQLite
import TandemModel

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One replica of a plan kept in SQLite: the operation log, which operations
/// still await a server's acknowledgement, sync cursors, and a snapshot of the
/// document so that loading never replays the whole log.
///
/// Every write runs in one `BEGIN IMMEDIATE` transaction with
/// `synchronous=FULL` in WAL mode: when a write returns, it is on disk, and a
/// process killed at any point leaves either all of a command or none of it.
/// Two processes writing at once are serialised by SQLite's write lock; one
/// that cannot get it within the busy timeout fails with ``StoreError/Code/busy``.
///
/// Not `Sendable`: it owns one SQLite connection, used from one thread.
public final class ReplicaStore {
    /// The default store directory, relative to the working directory.
    public static let defaultDirectory = ".tandem"
    /// The database file inside the store directory.
    public static let databaseFileName = "replica.sqlite"
    /// Written to `meta.format`, so a future layout can tell old stores apart.
    public static let storeFormat = "tandem-store/1"

    public let directory: String
    public let replicaID: ReplicaID
    /// Once this many operations follow the snapshot, a write refreshes it.
    public var snapshotThreshold: Int

    let db: SQLiteDatabase
    private var insertStatement: SQLiteStatement?

    public static func databasePath(in directory: String) -> String {
        directory.hasSuffix("/") ? directory + databaseFileName : directory + "/" + databaseFileName
    }

    /// Whether a store database exists in `directory`.
    public static func exists(at directory: String) -> Bool {
        access(databasePath(in: directory), F_OK) == 0
    }

    /// Creates a new store with a fresh replica id.
    public static func create(
        at directory: String, replicaID: ReplicaID = .random(),
        busyTimeoutMilliseconds: Int32 = 5000, snapshotThreshold: Int = 1000
    ) throws(StoreError) -> ReplicaStore {
        try makeDirectories(directory)
        let db = try SQLiteDatabase(path: databasePath(in: directory), create: true, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        try configure(db)
        try db.transaction { () throws(StoreError) in
            try migrate(db)
            if try existingReplicaID(db) != nil {
                throw StoreError(.alreadyInitialized, "a tandem store already exists in \(directory); use it, or choose another place with --store")
            }
            let insert = try db.prepare("INSERT INTO meta (key, value) VALUES (?, ?)")
            for (key, value) in [("replica", replicaID.description), ("format", storeFormat)] {
                try insert.bind(1, key)
                try insert.bind(2, value)
                try insert.run()
            }
        }
        return ReplicaStore(db: db, directory: directory, replicaID: replicaID, snapshotThreshold: snapshotThreshold)
    }

    /// Opens an existing store, bringing its schema up to date.
    public convenience init(at directory: String, busyTimeoutMilliseconds: Int32 = 5000, snapshotThreshold: Int = 1000) throws(StoreError) {
        guard Self.exists(at: directory) else {
            throw StoreError(.notInitialized, "no tandem store in \(directory); run 'tandem init' first, or point --store / TANDEM_STORE at an existing one")
        }
        let db = try SQLiteDatabase(path: Self.databasePath(in: directory), create: false, busyTimeoutMilliseconds: busyTimeoutMilliseconds)
        try Self.configure(db)
        let version = try db.integer("PRAGMA user_version") ?? 0
        if version > StoreMigrations.latestVersion {
            throw StoreError(.futureSchema, "the store in \(directory) was written by a newer tandem (schema \(version)); upgrade tandem to use it")
        }
        if version < StoreMigrations.latestVersion {
            try db.transaction { () throws(StoreError) in try Self.migrate(db) }
        }
        guard let replica = try Self.existingReplicaID(db) else {
            throw StoreError(.notInitialized, "the store in \(directory) was never finished initialising; remove it and run 'tandem init' again")
        }
        self.init(db: db, directory: directory, replicaID: replica, snapshotThreshold: snapshotThreshold)
    }

    private init(db: SQLiteDatabase, directory: String, replicaID: ReplicaID, snapshotThreshold: Int) {
        self.db = db
        self.directory = directory
        self.replicaID = replicaID
        self.snapshotThreshold = snapshotThreshold
    }

    /// `mkdir -p`: creates the directory and any missing parents.
    private static func makeDirectories(_ path: String) throws(StoreError) {
        var current = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) != 0, errno != EEXIST {
                throw StoreError(.io, "cannot create the store directory \(current): \(String(cString: strerror(errno)))")
            }
        }
    }

    private static func configure(_ db: SQLiteDatabase) throws(StoreError) {
        // WAL lets readers run beside a writer; FULL makes every commit durable
        // before it returns, which is what "acknowledged" promises.
        try db.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")
    }

    /// Runs the migrations this database lacks. Call inside a write transaction.
    private static func migrate(_ db: SQLiteDatabase) throws(StoreError) {
        // Re-read inside the transaction: another process may have migrated meanwhile.
        let current = try db.integer("PRAGMA user_version") ?? 0
        guard current < StoreMigrations.latestVersion else { return }
        for index in Int(current)..<StoreMigrations.all.count {
            try db.execute(StoreMigrations.all[index])
        }
        try db.execute("PRAGMA user_version = \(StoreMigrations.latestVersion)")
    }

    private static func existingReplicaID(_ db: SQLiteDatabase) throws(StoreError) -> ReplicaID? {
        let query = try db.prepare("SELECT value FROM meta WHERE key = 'replica'")
        guard try query.step(), let text = query.string(0) else { return nil }
        guard let id = ReplicaID(hex: text) else {
            throw StoreError(.corrupt, "the store's replica id '\(text)' is not 16 hex digits; the store is damaged")
        }
        return id
    }

    // MARK: Settings

    /// A value from the `meta` table (e.g. the default acting member).
    public func setting(_ key: String) throws(StoreError) -> String? {
        let query = try db.prepare("SELECT value FROM meta WHERE key = ?")
        try query.bind(1, key)
        return try query.step() ? query.string(0) : nil
    }

    /// Sets (or with nil, removes) a `meta` value, in its own transaction.
    public func setSetting(_ key: String, _ value: String?) throws(StoreError) {
        guard key != "replica", key != "format" else {
            throw StoreError(.invalidRequest, "'\(key)' is fixed when a store is created")
        }
        try db.transaction { () throws(StoreError) in
            let statement: SQLiteStatement
            if let value {
                statement = try db.prepare("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                try statement.bind(2, value)
            } else {
                statement = try db.prepare("DELETE FROM meta WHERE key = ?")
            }
            try statement.bind(1, key)
            try statement.run()
        }
    }

    // MARK: Loading

    /// The replica as stored: the snapshot, plus the operations written after it.
    public func load(author: EntityID? = nil) throws(StoreError) -> PlanReplica {
        let state = try db.readTransaction { () throws(StoreError) in try loadDocument() }
        return PlanReplica(replicaID: replicaID, document: state.document, author: author)
    }

    /// The document and how many operations followed its snapshot. Call inside a transaction.
    func loadDocument() throws(StoreError) -> (document: PlanDocument, tail: Int) {
        var document = PlanDocument()
        var covered: Int64 = 0
        let snapshot = try db.prepare("SELECT seq, bytes FROM snapshot WHERE id = 1")
        if try snapshot.step() {
            covered = snapshot.int64(0)
            do {
                document = try PlanDocument(snapshot: snapshot.bytes(1))
            } catch {
                throw StoreError(.corrupt, "the store's snapshot does not decode (\(error)); run 'tandem debug rebuild-snapshot' to rebuild it from the log")
            }
        }
        let tail = try db.prepare("SELECT bytes FROM operations WHERE seq > ? ORDER BY seq")
        try tail.bind(1, covered)
        var count = 0
        while try tail.step() {
            document.apply(try Self.decode(tail.bytes(0)))
            count += 1
        }
        return (document, count)
    }

    static func decode(_ bytes: [UInt8]) throws(StoreError) -> Operation {
        do {
            return try Operation(decoding: bytes)
        } catch {
            throw StoreError(.corrupt, "a stored operation does not decode (\(error)); the store is damaged")
        }
    }

    // MARK: Writing

    /// Loads the replica under the write lock, lets `body` edit it, and commits
    /// the operations it made, all in one transaction.
    ///
    /// Holding the lock from load to commit is what keeps two processes from
    /// minting the same operation counter. If `body` throws, nothing is written.
    public func update<T>(author: EntityID? = nil, _ body: (inout PlanReplica) throws -> T) throws -> T {
        try db.execute("BEGIN IMMEDIATE")
        do {
            let loaded = try loadDocument()
            var replica = PlanReplica(replicaID: replicaID, document: loaded.document, author: author)
            let result = try body(&replica)
            let operations = replica.takeOutbox()
            try insert(operations, pending: true)
            if loaded.tail + operations.count >= snapshotThreshold {
                try writeSnapshot(replica.document)
            }
            try db.execute("COMMIT")
            return result
        } catch {
            db.rollbackAfterFailure()
            throw error
        }
    }

    /// Stores operations made locally (marked pending upload) in one transaction.
    ///
    /// Prefer ``update(author:_:)``: operations made from a replica loaded
    /// outside the write lock can collide with another process's counters,
    /// which this reports as ``StoreError/Code/invalidRequest`` rather than lose.
    public func commit(newOperations: [Operation]) throws(StoreError) {
        try db.transaction { () throws(StoreError) in try insert(newOperations, pending: true) }
    }

    /// Stores operations from elsewhere (a server), skipping ones already held.
    /// - Returns: how many were new.
    @discardableResult
    public func receive(_ operations: [Operation]) throws(StoreError) -> Int {
        try db.transaction { () throws(StoreError) in
            let statement = try db.prepare(Self.insertSQL(orIgnore: true))
            var added = 0
            for operation in operations {
                try Self.bind(operation, pending: false, to: statement)
                try statement.run()
                added += Int(sqlite3_changes(db.handle))
            }
            return added
        }
    }

    private static func insertSQL(orIgnore: Bool) -> String {
        "INSERT \(orIgnore ? "OR IGNORE " : "")INTO operations (replica, counter, time, author, entity, field, verb, bytes, pending) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
    }

    private func insert(_ operations: [Operation], pending: Bool) throws(StoreError) {
        guard !operations.isEmpty else { return }
        if insertStatement == nil { insertStatement = try db.prepare(Self.insertSQL(orIgnore: false)) }
        let statement = insertStatement!
        for operation in operations {
            try Self.bind(operation, pending: pending, to: statement)
            do {
                try statement.run()
            } catch {
                if sqlite3_extended_errcode(db.handle) == SQLITE_CONSTRAINT | (8 << 8) { // SQLITE_CONSTRAINT_UNIQUE, a macro Swift does not import
                    throw StoreError(.invalidRequest, "operation \(operation.id) is already stored: the replica was loaded before another write; reload and try again")
                }
                throw error
            }
        }
    }

    private static func bind(_ operation: Operation, pending: Bool, to statement: SQLiteStatement) throws(StoreError) {
        try statement.bind(1, Int64(bitPattern: operation.id.replica.rawValue))
        try statement.bind(2, Int64(bitPattern: operation.id.counter))
        try statement.bind(3, Int64(bitPattern: operation.time.rawValue))
        try statement.bind(4, operation.author?.description)
        try statement.bind(5, (operation.action.target ?? EntityID(operation.id)).description)
        try statement.bind(6, operation.action.field)
        try statement.bind(7, operation.action.verb)
        try statement.bind(8, operation.encoded)
        try statement.bind(9, pending ? 1 : 0)
    }

    /// Replaces the snapshot with `document`, covering every stored operation.
    /// Call inside a write transaction, after the operations are inserted.
    func writeSnapshot(_ document: PlanDocument) throws(StoreError) {
        let covered = try db.integer("SELECT max(seq) FROM operations") ?? 0
        let statement = try db.prepare("INSERT INTO snapshot (id, seq, bytes) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, bytes = excluded.bytes")
        try statement.bind(1, covered)
        try statement.bind(2, document.encodedSnapshot())
        try statement.run()
    }

    /// Rebuilds the snapshot from the full log (recovery, or after a format change),
    /// over the server base when the store was caught up from a server snapshot.
    public func rebuildSnapshot() throws(StoreError) {
        try db.transaction { () throws(StoreError) in
            var document = try baseDocumentInTransaction()
            for operation in try allOperationsInTransaction() { document.apply(operation) }
            try writeSnapshot(document)
        }
    }
}
