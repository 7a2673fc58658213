extension SQLiteDatabase {
    /// Runs `body` in a write transaction (`BEGIN IMMEDIATE`, so the write lock
    /// is taken up front and a second writer waits instead of failing half-way).
    func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            rollbackAfterFailure()
            throw error
        }
    }

    /// Runs `body` in a read transaction: one consistent view of the database
    /// even while another process commits.
    func readTransaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        if isInTransaction { return try body() }
        try execute("BEGIN DEFERRED")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            rollbackAfterFailure()
            throw error
        }
    }

    /// Rolls back after an error that is already being thrown. A failing
    /// rollback cannot leave a half-written state (SQLite undoes an unfinished
    /// transaction when the connection closes), so the original error is the
    /// one worth reporting.
    func rollbackAfterFailure() {
        if isInTransaction { try? execute("ROLLBACK") }
    }
}
