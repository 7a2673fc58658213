import CSQLite
import TandemModel

extension ReplicaStore {
    /// Operations that created or changed `entity` (one `field` when given), in log order.
    public func operations(touching entity: EntityID, field: String? = nil) throws(StoreError) -> [Operation] {
        let sql = field == nil
            ? "SELECT bytes FROM operations WHERE entity = ? ORDER BY seq"
            : "SELECT bytes FROM operations WHERE entity = ? AND field = ? ORDER BY seq"
        let query = try db.prepare(sql)
        try query.bind(1, entity.description)
        if let field { try query.bind(2, field) }
        return try collect(query)
    }

    /// The whole log, in the order it was stored.
    public func allOperations() throws(StoreError) -> [Operation] {
        try db.readTransaction { () throws(StoreError) in try allOperationsInTransaction() }
    }

    func allOperationsInTransaction() throws(StoreError) -> [Operation] {
        try collect(try db.prepare("SELECT bytes FROM operations ORDER BY seq"))
    }

    /// Local operations not yet acknowledged by a server, oldest first.
    public func pendingOperations(limit: Int = Int.max) throws(StoreError) -> [Operation] {
        let query = try db.prepare("SELECT bytes FROM operations WHERE pending = 1 ORDER BY seq LIMIT ?")
        try query.bind(1, Int64(min(limit, Int(Int64.max))))
        return try collect(query)
    }

    /// Records that a server has stored these operations.
    public func markAcknowledged(_ ids: [OperationID]) throws(StoreError) {
        try db.transaction { () throws(StoreError) in
            let statement = try db.prepare("UPDATE operations SET pending = 0 WHERE replica = ? AND counter = ?")
            for id in ids {
                try statement.bind(1, Int64(bitPattern: id.replica.rawValue))
                try statement.bind(2, Int64(bitPattern: id.counter))
                try statement.run()
            }
        }
    }

    /// Sets an operation aside as refused by a server, with the reason, and
    /// stops offering it for upload.
    public func reject(_ rejection: RejectedOperation) throws(StoreError) {
        try db.transaction { () throws(StoreError) in
            let insert = try db.prepare("INSERT OR REPLACE INTO rejected (replica, counter, code, reason, at_ms) VALUES (?, ?, ?, ?, ?)")
            try insert.bind(1, Int64(bitPattern: rejection.operation.replica.rawValue))
            try insert.bind(2, Int64(bitPattern: rejection.operation.counter))
            try insert.bind(3, rejection.code)
            try insert.bind(4, rejection.reason)
            try insert.bind(5, rejection.atMilliseconds)
            try insert.run()
            let update = try db.prepare("UPDATE operations SET pending = 0 WHERE replica = ? AND counter = ?")
            try update.bind(1, Int64(bitPattern: rejection.operation.replica.rawValue))
            try update.bind(2, Int64(bitPattern: rejection.operation.counter))
            try update.run()
        }
    }

    public func rejectedOperations() throws(StoreError) -> [RejectedOperation] {
        let query = try db.prepare("SELECT replica, counter, code, reason, at_ms FROM rejected ORDER BY at_ms, replica, counter")
        var result: [RejectedOperation] = []
        while try query.step() {
            let id = OperationID(replica: ReplicaID(UInt64(bitPattern: query.int64(0))), counter: UInt64(bitPattern: query.int64(1)))
            result.append(RejectedOperation(operation: id, code: query.string(2) ?? "", reason: query.string(3) ?? "", atMilliseconds: query.int64(4)))
        }
        return result
    }

    // MARK: Sync cursors

    public func syncState(server: String) throws(StoreError) -> SyncState {
        let query = try db.prepare("SELECT cursor, last_sync_ms FROM sync_state WHERE server = ?")
        try query.bind(1, server)
        guard try query.step() else { return SyncState() }
        return SyncState(cursor: query.int64(0), lastSyncMilliseconds: query.isNull(1) ? nil : query.int64(1))
    }

    public func setSyncState(_ state: SyncState, server: String) throws(StoreError) {
        try db.transaction { () throws(StoreError) in
            let statement = try db.prepare("INSERT INTO sync_state (server, cursor, last_sync_ms) VALUES (?, ?, ?) ON CONFLICT (server) DO UPDATE SET cursor = excluded.cursor, last_sync_ms = excluded.last_sync_ms")
            try statement.bind(1, server)
            try statement.bind(2, state.cursor)
            if let last = state.lastSyncMilliseconds { try statement.bind(3, last) } else { try statement.bindNull(3) }
            try statement.run()
        }
    }

    // MARK: Health

    public func statistics() throws(StoreError) -> StoreStatistics {
        try db.readTransaction { () throws(StoreError) in
            let total = Int(try db.integer("SELECT count(*) FROM operations") ?? 0)
            let pending = Int(try db.integer("SELECT count(*) FROM operations WHERE pending = 1") ?? 0)
            let covered = try db.integer("SELECT seq FROM snapshot WHERE id = 1") ?? 0
            let tail = Int(try db.integer("SELECT count(*) FROM operations WHERE seq > \(covered)") ?? 0)
            return StoreStatistics(operations: total, pending: pending, snapshotCovers: total - tail, tail: tail)
        }
    }

    /// SQLite's own consistency check: `["ok"]` when the file is sound.
    public func integrityCheck() throws(StoreError) -> [String] {
        let query = try db.prepare("PRAGMA integrity_check")
        var lines: [String] = []
        while try query.step() { lines.append(query.string(0) ?? "") }
        return lines
    }

    private func collect(_ query: SQLiteStatement) throws(StoreError) -> [Operation] {
        var result: [Operation] = []
        while try query.step() { result.append(try Self.decode(query.bytes(0))) }
        return result
    }
}
