import NIOCore
import PostgresNIO
import TandemModel
import TandemServer

/// Revocations, admin tokens and log pruning on PostgreSQL, with the same
/// outcomes as the SQLite store (the conformance suite checks both).
extension PostgresServerStore {
    /// Serialises revocations across instances, so `revoked_seq` is handed out
    /// in commit order and a poller never skips one that commits late.
    static let revocationLockKey: Int64 = 0x7A4E_D000_0002

    public func revokeMember(plan: EntityID, member: EntityID, atMilliseconds: Int64) async throws -> Bool {
        try await transaction("revoke member \(member)") { connection in
            let key = try await planKey(plan, connection)
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.revocationLockKey))", logger: logger)
            let rows = try await connection.query("""
                SELECT revoked_ms IS NOT NULL FROM members WHERE plan = \(key) AND member = \(member.description) FOR UPDATE
                """, logger: logger)
            var revoked: Bool?
            for try await value in rows.decode(Bool.self) { revoked = value }
            guard let revoked else {
                throw ServerStoreError(.notFound, "plan \(plan.short()) has no member \(member) with a token; list them with 'tandemd member list'")
            }
            if revoked { return false }
            try await connection.query("""
                UPDATE members SET revoked_ms = \(atMilliseconds), revoked_seq = (SELECT COALESCE(MAX(revoked_seq), 0) + 1 FROM members)
                WHERE plan = \(key) AND member = \(member.description)
                """, logger: logger)
            return true
        }
    }

    public func revocations(after sequence: UInt64) async throws -> [Revocation] {
        try await mapErrors("read revocations") {
            let rows = try await client.query("""
                SELECT m.revoked_seq, p.id, m.member, m.revoked_ms FROM members m JOIN plans p ON p.key = m.plan
                WHERE m.revoked_seq > \(Int64(bitPattern: sequence)) ORDER BY m.revoked_seq
                """, logger: logger)
            var result: [Revocation] = []
            for try await (revocation, plan, member, at) in rows.decode((Int64, String, String, Int64).self) {
                guard let plan = EntityID(plan), let member = EntityID(member) else {
                    throw ServerStoreError(.corrupt, "a revoked member's ids in the server database are not entity ids")
                }
                result.append(Revocation(sequence: UInt64(bitPattern: revocation), plan: plan, member: member, atMilliseconds: at))
            }
            return result
        }
    }

    // MARK: Admin tokens

    public func createAdminToken(_ record: AdminTokenRecord, tokenHash: [UInt8]) async throws {
        try await transaction("create admin token \(record.name)") { connection in
            let rows = try await connection.query("""
                INSERT INTO admin_tokens (id, name, token_hash, created_ms) VALUES (\(record.id), \(record.name), \(Self.buffer(tokenHash)), \(record.createdMilliseconds))
                ON CONFLICT (name) DO NOTHING RETURNING id
                """, logger: logger)
            var inserted = false
            for try await _ in rows.decode(String.self) { inserted = true }
            if !inserted { throw ServerStoreError(.invalidRequest, "an admin token named '\(record.name)' exists; choose another --name") }
        }
    }

    public func adminTokens() async throws -> [AdminTokenRecord] {
        try await mapErrors("list admin tokens") {
            let rows = try await client.query("SELECT id, name, created_ms, revoked_ms FROM admin_tokens ORDER BY created_ms, id", logger: logger)
            var result: [AdminTokenRecord] = []
            for try await (id, name, created, revoked) in rows.decode((String, String, Int64, Int64?).self) {
                result.append(AdminTokenRecord(id: id, name: name, createdMilliseconds: created, revokedMilliseconds: revoked))
            }
            return result
        }
    }

    public func adminToken(tokenHash: [UInt8]) async throws -> AdminTokenRecord? {
        try await mapErrors("look up an admin token") {
            let rows = try await client.query("""
                SELECT id, name, created_ms, revoked_ms FROM admin_tokens WHERE token_hash = \(Self.buffer(tokenHash)) AND revoked_ms IS NULL
                """, logger: logger)
            var result: AdminTokenRecord?
            for try await (id, name, created, revoked) in rows.decode((String, String, Int64, Int64?).self) {
                result = AdminTokenRecord(id: id, name: name, createdMilliseconds: created, revokedMilliseconds: revoked)
            }
            return result
        }
    }

    public func revokeAdminToken(_ key: String, atMilliseconds: Int64) async throws -> Bool {
        try await transaction("revoke admin token \(key)") { connection in
            let rows = try await connection.query("""
                UPDATE admin_tokens SET revoked_ms = \(atMilliseconds) WHERE (id = \(key) OR name = \(key)) AND revoked_ms IS NULL RETURNING id
                """, logger: logger)
            var revoked = false
            for try await _ in rows.decode(String.self) { revoked = true }
            return revoked
        }
    }

    // MARK: Pruning

    public func pruneLog(plan: EntityID, through: UInt64) async throws -> Int {
        try await transaction("prune the log of plan \(plan)") { connection in
            let key = try await planKey(plan, connection)
            let snapshot = try await connection.query("SELECT 1 FROM snapshots WHERE plan = \(key) AND seq = \(Int64(bitPattern: through))", logger: logger)
            var found = false
            for try await _ in snapshot.decode(Int32.self) { found = true }
            guard found else {
                throw ServerStoreError(.corrupt, "no snapshot of plan \(plan) at sequence \(through); the log up to it cannot be pruned")
            }
            let deleted = try await connection.query("""
                WITH gone AS (DELETE FROM operations WHERE plan = \(key) AND seq <= \(Int64(bitPattern: through)) RETURNING 1) SELECT count(*) FROM gone
                """, logger: logger)
            var count: Int64 = 0
            for try await value in deleted.decode(Int64.self) { count = value }
            // Snapshots before the new base describe history that is gone: the base is now the oldest.
            try await connection.query("DELETE FROM snapshots WHERE plan = \(key) AND seq < \(Int64(bitPattern: through))", logger: logger)
            return Int(count)
        }
    }
}
