import TandemModel

/// Admin tokens and log pruning in SQLite, on the store's writer (they change
/// what the server serves) and on a short-lived reader connection.
extension SQLiteServerStore {
    public func createAdminToken(_ record: AdminTokenRecord, tokenHash: [UInt8]) async throws {
        try await write { db in try db.transaction {
            let taken = try db.query("SELECT 1 FROM admin_tokens WHERE name = ?")
            defer { taken.reset() }
            try taken.bind(1, record.name)
            if try taken.step() { throw ServerStoreError(.invalidRequest, "an admin token named '\(record.name)' exists; choose another --name") }
            let insert = try db.query("INSERT INTO admin_tokens (id, name, token_hash, created_ms) VALUES (?, ?, ?, ?)")
            try insert.bind(1, record.id)
            try insert.bind(2, record.name)
            try insert.bind(3, tokenHash)
            try insert.bind(4, record.createdMilliseconds)
            try insert.run()
        } }
    }

    public func adminTokens() async throws -> [AdminTokenRecord] {
        try await read { db in
            let q = try db.query("SELECT id, name, created_ms, revoked_ms FROM admin_tokens ORDER BY created_ms, id")
            defer { q.reset() }
            var result: [AdminTokenRecord] = []
            while try q.step() { result.append(Self.adminTokenRecord(q)) }
            return result
        }
    }

    public func adminToken(tokenHash: [UInt8]) async throws -> AdminTokenRecord? {
        try await read { db in
            let q = try db.query("SELECT id, name, created_ms, revoked_ms FROM admin_tokens WHERE token_hash = ? AND revoked_ms IS NULL")
            defer { q.reset() }
            try q.bind(1, tokenHash)
            return try q.step() ? Self.adminTokenRecord(q) : nil
        }
    }

    public func revokeAdminToken(_ key: String, atMilliseconds: Int64) async throws -> Bool {
        try await write { db in try db.transaction {
            let update = try db.query("UPDATE admin_tokens SET revoked_ms = ? WHERE (id = ? OR name = ?) AND revoked_ms IS NULL")
            try update.bind(1, atMilliseconds)
            try update.bind(2, key)
            try update.bind(3, key)
            try update.run()
            return db.changes > 0
        } }
    }

    private static func adminTokenRecord(_ q: SQLiteQuery) -> AdminTokenRecord {
        AdminTokenRecord(id: q.string(0) ?? "", name: q.string(1) ?? "", createdMilliseconds: q.int64(2),
                         revokedMilliseconds: q.isNull(3) ? nil : q.int64(3))
    }

    public func pruneLog(plan: EntityID, through: UInt64) async throws -> Int {
        try await write { db in try db.transaction {
            let key = try db.query("SELECT key FROM plans WHERE id = ?")
            defer { key.reset() }
            try key.bind(1, plan.description)
            guard try key.step() else { throw ServerStoreError(.notFound, "no plan \(plan) on this server") }
            let planKey = key.int64(0)
            let snapshot = try db.query("SELECT 1 FROM snapshots WHERE plan = ? AND seq = ?")
            defer { snapshot.reset() }
            try snapshot.bind(1, planKey)
            try snapshot.bind(2, through)
            guard try snapshot.step() else {
                throw ServerStoreError(.corrupt, "no snapshot of plan \(plan) at sequence \(through); the log up to it cannot be pruned")
            }
            let delete = try db.query("DELETE FROM operations WHERE plan = ? AND seq <= ?")
            try delete.bind(1, planKey)
            try delete.bind(2, through)
            try delete.run()
            let pruned = db.changes
            // Snapshots before the new base describe history that is gone: the base is now the oldest.
            let older = try db.query("DELETE FROM snapshots WHERE plan = ? AND seq < ?")
            try older.bind(1, planKey)
            try older.bind(2, through)
            try older.run()
            return pruned
        } }
    }
}
