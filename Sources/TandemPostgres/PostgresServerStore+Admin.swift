import NIOCore
import PostgresNIO
import TandemModel
import TandemServer

/// The admin queries: the raw log, every snapshot, the replicas, the head as
/// recorded beside the log. Plain reads on pooled connections; PostgreSQL's
/// snapshot isolation gives each one a consistent view while instances write.
extension PostgresServerStore {
    public func logRows(plan: EntityID) async throws -> [LogRow] {
        try await mapErrors("read the log of plan \(plan)") {
            try await client.withConnection { connection in
                let key = try await planKey(plan, connection)
                let rows = try await connection.query("SELECT seq, replica, counter, time, bytes FROM operations WHERE plan = \(key) ORDER BY seq", logger: logger)
                var result: [LogRow] = []
                for try await (sequence, replica, counter, time, bytes) in rows.decode((Int64, Int64, Int64, Int64, ByteBuffer).self) {
                    result.append(LogRow(sequence: UInt64(bitPattern: sequence), replica: ReplicaID(UInt64(bitPattern: replica)),
                                         counter: UInt64(bitPattern: counter), time: UInt64(bitPattern: time), bytes: Self.bytes(bytes)))
                }
                return result
            }
        }
    }

    public func snapshots(plan: EntityID) async throws -> [StoredSnapshot] {
        try await mapErrors("read the snapshots of plan \(plan)") {
            try await client.withConnection { connection in
                let key = try await planKey(plan, connection)
                let rows = try await connection.query("SELECT seq, bytes FROM snapshots WHERE plan = \(key) ORDER BY seq", logger: logger)
                var result: [StoredSnapshot] = []
                for try await (sequence, bytes) in rows.decode((Int64, ByteBuffer).self) {
                    result.append(StoredSnapshot(sequence: UInt64(bitPattern: sequence), bytes: Self.bytes(bytes)))
                }
                return result
            }
        }
    }

    public func replicaRecords(plan: EntityID) async throws -> [ReplicaRecord] {
        try await mapErrors("read the replicas of plan \(plan)") {
            try await client.withConnection { connection in
                let key = try await planKey(plan, connection)
                let rows = try await connection.query("""
                    SELECT replica, member, first_seen_ms, last_seen_ms, cursor FROM replicas WHERE plan = \(key) ORDER BY first_seen_ms, replica
                    """, logger: logger)
                var result: [ReplicaRecord] = []
                for try await (replica, member, first, last, cursor) in rows.decode((Int64, String, Int64, Int64, Int64).self) {
                    guard let member = EntityID(member) else { throw ServerStoreError(.corrupt, "a replica's member in the server database is not an entity id") }
                    result.append(ReplicaRecord(replica: ReplicaID(UInt64(bitPattern: replica)), member: member, firstSeenMilliseconds: first, lastSeenMilliseconds: last,
                                                cursor: UInt64(bitPattern: cursor)))
                }
                return result
            }
        }
    }

    public func recordedHead(plan: EntityID) async throws -> UInt64 {
        try await mapErrors("read the head of plan \(plan)") {
            let rows = try await client.query("SELECT head FROM plans WHERE id = \(plan.description)", logger: logger)
            var head: Int64?
            for try await value in rows.decode(Int64.self) { head = value }
            guard let head else { throw ServerStoreError(.notFound, "no plan \(plan) on this server; list plans with 'tandemd plan list'") }
            return UInt64(bitPattern: head)
        }
    }
}
