import CSQLite

/// A prepared statement: bind parameters (1-based), step, read columns (0-based).
final class SQLiteStatement {
    private let handle: OpaquePointer
    private unowned let database: SQLiteDatabase

    /// SQLite's SQLITE_TRANSIENT (a macro Swift does not import): copy the bound bytes now.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(handle: OpaquePointer, database: SQLiteDatabase) {
        self.handle = handle
        self.database = database
    }

    deinit { sqlite3_finalize(handle) }

    // MARK: Binding

    func bind(_ index: Int32, _ value: Int64) throws(StoreError) {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    func bind(_ index: Int32, _ value: String?) throws(StoreError) {
        guard let value else { return try bindNull(index) }
        try check(sqlite3_bind_text(handle, index, value, -1, Self.transient))
    }

    func bind(_ index: Int32, _ bytes: [UInt8]) throws(StoreError) {
        let rc = bytes.withUnsafeBytes { buffer in
            // A zero-length blob still needs a non-null pointer to be a blob, not NULL.
            sqlite3_bind_blob(handle, index, buffer.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(buffer.count), Self.transient)
        }
        try check(rc)
    }

    func bindNull(_ index: Int32) throws(StoreError) {
        try check(sqlite3_bind_null(handle, index))
    }

    /// Clears bindings and rewinds, so the statement can run again.
    func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    // MARK: Running

    /// Advances one row; `false` when done.
    @discardableResult
    func step() throws(StoreError) -> Bool {
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let detail = String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))
            sqlite3_reset(handle)
            throw database.error(rc, detail)
        }
    }

    /// Runs a statement that returns no rows, then resets it for reuse.
    func run() throws(StoreError) {
        defer { reset() }
        try step()
    }

    // MARK: Columns

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func string(_ column: Int32) -> String? {
        guard let text = sqlite3_column_text(handle, column) else { return nil }
        return String(cString: text)
    }

    func bytes(_ column: Int32) -> [UInt8] {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let pointer = sqlite3_column_blob(handle, column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    private func check(_ rc: Int32) throws(StoreError) {
        guard rc == SQLITE_OK else {
            throw database.error(rc, String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))))
        }
    }
}
