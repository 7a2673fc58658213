import CSQLite

/// One SQLite connection, used through prepared statements.
///
/// Not `Sendable`: a connection belongs to the thread that opened it; each
/// `tandem` command opens its own and closes it when done.
final class SQLiteDatabase {
    let handle: OpaquePointer
    let path: String

    /// Opens (and with `create`, creates) the database file.
    init(path: String, create: Bool, busyTimeoutMilliseconds: Int32) throws(StoreError) {
        var db: OpaquePointer?
        var flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
        if create { flags |= SQLITE_OPEN_CREATE }
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw StoreError(rc == SQLITE_CANTOPEN ? .io : .sqlite, "cannot open the store database \(path): \(message)")
        }
        self.handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        // Waits for another process's write lock before giving up with SQLITE_BUSY.
        sqlite3_busy_timeout(db, busyTimeoutMilliseconds)
    }

    deinit { sqlite3_close_v2(handle) }

    /// Runs SQL with no parameters and no rows (pragmas, DDL, BEGIN/COMMIT).
    func execute(_ sql: String) throws(StoreError) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        defer { sqlite3_free(errorMessage) }
        if rc != SQLITE_OK {
            let detail = errorMessage.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
            throw error(rc, detail, sql: sql)
        }
    }

    func prepare(_ sql: String) throws(StoreError) -> SQLiteStatement {
        var statement: OpaquePointer?
        let rc = sqlite3_prepare_v2(handle, sql, -1, &statement, nil)
        guard rc == SQLITE_OK, let statement else {
            throw error(rc, String(cString: sqlite3_errmsg(handle)), sql: sql)
        }
        return SQLiteStatement(handle: statement, database: self)
    }

    /// The first column of the first row, as an integer (e.g. a pragma or count).
    func integer(_ sql: String) throws(StoreError) -> Int64? {
        let statement = try prepare(sql)
        guard try statement.step() else { return nil }
        return statement.isNull(0) ? nil : statement.int64(0)
    }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Maps an SQLite result code to a store error with a stable code.
    func error(_ rc: Int32, _ detail: String, sql: String? = nil) -> StoreError {
        switch rc & 0xFF {
        case SQLITE_BUSY, SQLITE_LOCKED:
            return StoreError(.busy, StoreError.busyMessage)
        case SQLITE_CORRUPT, SQLITE_NOTADB:
            return StoreError(.corrupt, "the store database \(path) is damaged (\(detail)); restore it from a backup or re-create it and sync")
        case SQLITE_FULL:
            return StoreError(.io, "the disk is full; free some space and try again (\(detail))")
        case SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_READONLY, SQLITE_PERM:
            return StoreError(.io, "cannot write the store database \(path): \(detail); check the file's permissions and free space")
        default:
            return StoreError(.sqlite, "store database error: \(detail)" + (sql.map { " (in: \($0.prefix(80)))" } ?? ""))
        }
    }
}
