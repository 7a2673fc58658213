import TandemModel

/// Token revocation (issue 8): `revoked_ms` marks the member, and
/// `revoked_seq` gives the revocation the next store-wide sequence, so a
/// running server notices revocations written by another process
/// (`tandemd member revoke`) with one indexed query a second.
extension SQLiteServerStore {
    public func revokeMember(plan: EntityID, member: EntityID, atMilliseconds: Int64) async throws -> Bool {
        try await write { db in
            try db.transaction {
                let key = try self.planKey(plan, db)
                let q = try db.query("SELECT revoked_ms IS NOT NULL FROM members WHERE plan = ? AND member = ?")
                try q.bind(1, key)
                try q.bind(2, member.description)
                guard try q.step() else {
                    q.reset()
                    throw ServerStoreError(.notFound, "plan \(plan.short()) has no member \(member) with a token; list them with 'tandemd member list'")
                }
                let already = q.int64(0) != 0
                q.reset()
                if already { return false }
                let update = try db.query("""
                    UPDATE members SET revoked_ms = ?, revoked_seq = (SELECT COALESCE(MAX(revoked_seq), 0) + 1 FROM members)
                    WHERE plan = ? AND member = ?
                    """)
                try update.bind(1, atMilliseconds)
                try update.bind(2, key)
                try update.bind(3, member.description)
                try update.run()
                return true
            }
        }
    }

    public func revocations(after sequence: UInt64) async throws -> [Revocation] {
        try await read { db in
            let q = try db.query("""
                SELECT m.revoked_seq, p.id, m.member, m.revoked_ms FROM members m JOIN plans p ON p.key = m.plan
                WHERE m.revoked_seq > ? ORDER BY m.revoked_seq
                """)
            defer { q.reset() }
            try q.bind(1, sequence)
            var result: [Revocation] = []
            while try q.step() {
                guard let plan = EntityID(q.string(1) ?? ""), let member = EntityID(q.string(2) ?? "") else {
                    throw ServerStoreError(.corrupt, "a revoked member's ids in the server database are not entity ids")
                }
                result.append(Revocation(sequence: q.uint64(0), plan: plan, member: member, atMilliseconds: q.int64(3)))
            }
            return result
        }
    }
}
