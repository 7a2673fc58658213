import NIOCore
import PostgresNIO
import TandemModel
import TandemServer

/// Whole plans in and out, sequences and token hashes as stored: what
/// `tandemd migrate-store` writes and then reads back to verify.
extension PostgresServerStore: ServerStoreExporting, ServerStoreImporting {
    /// Rows per INSERT when copying a log: large enough to be quick, small
    /// enough that one statement's arrays stay a few megabytes.
    static let importChunk = 5_000

    public func importPlan(_ plan: ExportedPlan) async throws {
        try await transaction("import plan \(plan.record.id)") { connection in
            let record = plan.record
            let inserted = try await connection.query("""
                INSERT INTO plans (id, server_replica, title, customer, created_ms, head)
                VALUES (\(record.id.description), \(Int64(bitPattern: record.serverReplica.rawValue)), \(record.title), \(record.customer),
                        \(record.createdMilliseconds), \(Int64(bitPattern: plan.head)))
                ON CONFLICT (id) DO NOTHING RETURNING key
                """, logger: logger)
            var key: Int64?
            for try await value in inserted.decode(Int64.self) { key = value }
            guard let key else { throw ServerStoreError(.invalidRequest, "plan \(record.id) is already in \(url.redacted)") }
            for member in plan.members {
                try await connection.query("""
                    INSERT INTO members (plan, member, name, side, role, token_hash, created_ms, revoked_ms, access, revoked_seq)
                    VALUES (\(key), \(member.record.member.description), \(member.record.name), \(member.record.side.rawValue), \(member.record.role),
                            \(Self.buffer(member.tokenHash)), \(member.record.createdMilliseconds), \(member.revokedMilliseconds),
                            \(member.record.access.rawValue), \(member.revocationSequence.map { Int64(bitPattern: $0) }))
                    """, logger: logger)
            }
            if !plan.replicas.isEmpty {
                try await connection.query("""
                    INSERT INTO replicas (plan, replica, member, first_seen_ms, last_seen_ms, cursor)
                    SELECT \(key), * FROM unnest(\(plan.replicas.map { Int64(bitPattern: $0.replica.rawValue) }), \(plan.replicas.map(\.member.description)),
                                                 \(plan.replicas.map(\.firstSeenMilliseconds)), \(plan.replicas.map(\.lastSeenMilliseconds)),
                                                 \(plan.replicas.map { Int64(bitPattern: $0.cursor) }))
                    """, logger: logger)
            }
            var start = 0
            while start < plan.log.count {
                let rows = plan.log[start..<min(plan.log.count, start + Self.importChunk)]
                try await connection.query("""
                    INSERT INTO operations (plan, seq, replica, counter, time, bytes)
                    SELECT \(key), * FROM unnest(\(rows.map { Int64(bitPattern: $0.sequence) }), \(rows.map { Int64(bitPattern: $0.replica.rawValue) }),
                                                 \(rows.map { Int64(bitPattern: $0.counter) }), \(rows.map { Int64(bitPattern: $0.time) }),
                                                 \(rows.map { Self.buffer($0.bytes) }))
                    """, logger: logger)
                start += rows.count
            }
            for snapshot in plan.snapshots {
                try await connection.query("""
                    INSERT INTO snapshots (plan, seq, bytes) VALUES (\(key), \(Int64(bitPattern: snapshot.sequence)), \(Self.buffer(snapshot.bytes)))
                    """, logger: logger)
            }
        }
    }

    public func exportPlan(_ plan: EntityID) async throws -> ExportedPlan {
        guard let record = try await self.plan(plan) else { throw ServerStoreError(.notFound, "no plan \(plan) on this server") }
        let members: [ExportedMember] = try await mapErrors("read the members of plan \(plan)") {
            let rows = try await client.query("""
                SELECT m.member, m.name, m.side, m.role, m.created_ms, m.access, m.token_hash, m.revoked_ms, m.revoked_seq
                FROM members m JOIN plans p ON p.key = m.plan WHERE p.id = \(plan.description) ORDER BY m.created_ms, m.member
                """, logger: logger)
            var result: [ExportedMember] = []
            for try await row in rows.decode((String, String, String, String?, Int64, String?, ByteBuffer, Int64?, Int64?).self) {
                let record = try Self.memberRecord((row.0, row.1, row.2, row.3, row.4, row.5), plan: plan)
                result.append(ExportedMember(record: record, tokenHash: Self.bytes(row.6), revokedMilliseconds: row.7,
                                             revocationSequence: row.8.map { UInt64(bitPattern: $0) }))
            }
            return result
        }
        return ExportedPlan(record: record, head: try await recordedHead(plan: plan), members: members, replicas: try await replicaRecords(plan: plan),
                            log: try await logRows(plan: plan), snapshots: try await snapshots(plan: plan))
    }

    public func exportAdminTokens() async throws -> [ExportedAdminToken] {
        try await mapErrors("read admin tokens") {
            let rows = try await client.query("SELECT id, name, created_ms, revoked_ms, token_hash FROM admin_tokens ORDER BY created_ms, id", logger: logger)
            var result: [ExportedAdminToken] = []
            for try await (id, name, created, revoked, hash) in rows.decode((String, String, Int64, Int64?, ByteBuffer).self) {
                result.append(ExportedAdminToken(record: AdminTokenRecord(id: id, name: name, createdMilliseconds: created, revokedMilliseconds: revoked),
                                                 tokenHash: Self.bytes(hash)))
            }
            return result
        }
    }

    public func importAdminTokens(_ tokens: [ExportedAdminToken]) async throws {
        try await transaction("import admin tokens") { connection in
            for token in tokens {
                let record = token.record
                try await connection.query("""
                    INSERT INTO admin_tokens (id, name, token_hash, created_ms, revoked_ms)
                    VALUES (\(record.id), \(record.name), \(Self.buffer(token.tokenHash)), \(record.createdMilliseconds), \(record.revokedMilliseconds))
                    ON CONFLICT (id) DO NOTHING
                    """, logger: logger)
            }
        }
    }
}
