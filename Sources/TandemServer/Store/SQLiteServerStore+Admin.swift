import Dispatch
import TandemModel

/// The admin queries on their own short-lived connection: they run rarely and
/// may scan a whole plan, so they stay off the server's reader queue.
extension SQLiteServerStore: ServerAdminStore {
    private func withAdminConnection<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        let path = directory.hasSuffix("/") ? directory + Self.databaseFileName : directory + "/" + Self.databaseFileName
        // A blocking SQLite scan: off the cooperative pool, like the store's own queues.
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result {
                    let db = try SQLiteConnection(path: path)
                    return try db.read { try body(db) }
                })
            }
        }
    }

    private static func key(_ plan: EntityID, _ db: SQLiteConnection) throws -> Int64 {
        let q = try db.query("SELECT key FROM plans WHERE id = ?")
        defer { q.reset() }
        try q.bind(1, plan.description)
        guard try q.step() else { throw ServerStoreError(.notFound, "no plan \(plan) on this server; list plans with 'tandemd admin plans'") }
        return q.int64(0)
    }

    public func logRows(plan: EntityID) async throws -> [LogRow] {
        try await withAdminConnection { db in
            let key = try Self.key(plan, db)
            let q = try db.query("SELECT seq, replica, counter, time, bytes FROM operations WHERE plan = ? ORDER BY seq")
            defer { q.reset() }
            try q.bind(1, key)
            var rows: [LogRow] = []
            while try q.step() {
                rows.append(LogRow(sequence: q.uint64(0), replica: ReplicaID(q.uint64(1)), counter: q.uint64(2), time: q.uint64(3), bytes: q.bytes(4)))
            }
            return rows
        }
    }

    public func snapshots(plan: EntityID) async throws -> [StoredSnapshot] {
        try await withAdminConnection { db in
            let key = try Self.key(plan, db)
            let q = try db.query("SELECT seq, bytes FROM snapshots WHERE plan = ? ORDER BY seq")
            defer { q.reset() }
            try q.bind(1, key)
            var result: [StoredSnapshot] = []
            while try q.step() { result.append(StoredSnapshot(sequence: q.uint64(0), bytes: q.bytes(1))) }
            return result
        }
    }

    public func replicaRecords(plan: EntityID) async throws -> [ReplicaRecord] {
        try await withAdminConnection { db in
            let key = try Self.key(plan, db)
            let q = try db.query("SELECT replica, member, first_seen_ms, last_seen_ms, cursor FROM replicas WHERE plan = ? ORDER BY first_seen_ms, replica")
            defer { q.reset() }
            try q.bind(1, key)
            var result: [ReplicaRecord] = []
            while try q.step() {
                guard let member = EntityID(q.string(1) ?? "") else { throw ServerStoreError(.corrupt, "a replica's member in the server database is not an entity id") }
                result.append(ReplicaRecord(replica: ReplicaID(q.uint64(0)), member: member, firstSeenMilliseconds: q.int64(2), lastSeenMilliseconds: q.int64(3),
                                            cursor: q.uint64(4)))
            }
            return result
        }
    }

    public func recordedHead(plan: EntityID) async throws -> UInt64 {
        try await withAdminConnection { db in
            let q = try db.query("SELECT head FROM plans WHERE id = ?")
            defer { q.reset() }
            try q.bind(1, plan.description)
            guard try q.step() else { throw ServerStoreError(.notFound, "no plan \(plan) on this server") }
            return q.uint64(0)
        }
    }
}
