import CSQLite

/// One SQLite connection of the server store, used through prepared statements.
///
/// Not `Sendable`: the store confines each connection to one serial queue.
final class SQLiteConnection {
    let handle: OpaquePointer
    let path: String
    private var cache: [String: SQLiteQuery] = [:]

    init(path: String, busyTimeoutMilliseconds: Int32 = 10_000) throws {
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw ServerStoreError(.io, "cannot open the server database \(path): \(message)")
        }
        handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        // Admin commands may write while the server runs: wait for the lock rather than fail.
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
    }

    deinit {
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        defer { sqlite3_free(errorMessage) }
        if rc != SQLITE_OK {
            throw error(rc, errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc)))
        }
    }

    /// A prepared statement, cached: the hot paths run the same few statements.
    func query(_ sql: String) throws -> SQLiteQuery {
        if let cached = cache[sql] {
            cached.reset()
            return cached
        }
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else { throw error(rc, String(cString: sqlite3_errmsg(handle))) }
        let query = SQLiteQuery(handle: statement, connection: self)
        cache[sql] = query
        return query
    }

    func integer(_ sql: String) throws -> Int64? {
        let q = try query(sql)
        defer { q.reset() }
        guard try q.step(), !q.isNull(0) else { return nil }
        return q.int64(0)
    }

    var changes: Int { Int(sqlite3_changes(handle)) }
    var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// `BEGIN IMMEDIATE` … `COMMIT`, rolled back if `body` throws.
    func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            if isInTransaction { try? execute("ROLLBACK") }
            throw error
        }
    }

    /// A consistent read view across several statements.
    func read<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN DEFERRED")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            if isInTransaction { try? execute("ROLLBACK") }
            throw error
        }
    }

    func error(_ rc: Int32, _ detail: String) -> ServerStoreError {
        switch rc & 0xFF {
        case SQLITE_BUSY, SQLITE_LOCKED: ServerStoreError(.busy, "the server database is locked by another process: \(detail)")
        case SQLITE_CORRUPT, SQLITE_NOTADB: ServerStoreError(.corrupt, "the server database \(path) is damaged: \(detail)")
        case SQLITE_FULL, SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_READONLY, SQLITE_PERM: ServerStoreError(.io, "cannot write the server database \(path): \(detail)")
        default: ServerStoreError(.sqlite, "server database error: \(detail)")
        }
    }
}

/// A prepared statement: bind (1-based), step, read columns (0-based).
final class SQLiteQuery {
    private let handle: OpaquePointer
    private unowned let connection: SQLiteConnection
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(handle: OpaquePointer, connection: SQLiteConnection) {
        self.handle = handle
        self.connection = connection
    }

    deinit { sqlite3_finalize(handle) }

    func bind(_ index: Int32, _ value: Int64) throws { try check(sqlite3_bind_int64(handle, index, value)) }
    func bind(_ index: Int32, _ value: UInt64) throws { try bind(index, Int64(bitPattern: value)) }

    func bind(_ index: Int32, _ value: String?) throws {
        guard let value else { return try check(sqlite3_bind_null(handle, index)) }
        try check(sqlite3_bind_text(handle, index, value, -1, Self.transient))
    }

    func bind(_ index: Int32, _ bytes: [UInt8]) throws {
        let rc = bytes.withUnsafeBytes { buffer in
            sqlite3_bind_blob(handle, index, buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(buffer.count), Self.transient)
        }
        try check(rc)
    }

    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    @discardableResult
    func step() throws -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let detail = String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))
            sqlite3_reset(handle)
            throw connection.error(rc, detail)
        }
    }

    func run() throws {
        defer { reset() }
        try step()
    }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }
    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    func uint64(_ column: Int32) -> UInt64 { UInt64(bitPattern: sqlite3_column_int64(handle, column)) }
    func string(_ column: Int32) -> String? {
        guard let text = sqlite3_column_text(handle, column) else { return nil }
        return String(cString: text)
    }
    func bytes(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let pointer = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    private func check(_ rc: Int32) throws {
        guard rc == SQLITE_OK else { throw connection.error(rc, String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))) }
    }
}
