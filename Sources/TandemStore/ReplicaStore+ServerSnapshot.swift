import CSQLite
import TandemModel

/// The server state a replica was caught up from: the store's log begins
/// after it (plus this replica's own operations it did not cover).
public struct ServerBase: Sendable {
    /// The server it came from (the key of that server's cursor).
    public let server: String
    /// The server sequence the snapshot stands at.
    public let sequence: Int64
    /// When it was installed, in Unix milliseconds.
    public let installedMilliseconds: Int64
    public let document: PlanDocument
}

/// The steps of ``ReplicaStore/installServerSnapshot(_:sequence:server:atMilliseconds:afterStep:)``,
/// named so a test can inject a failure between any two of them.
public enum SnapshotInstallStep: String, CaseIterable, Sendable {
    case logTrimmed, baseWritten, snapshotWritten, cursorSet
}

/// What an install did to the local log.
public struct SnapshotInstallResult: Hashable, Sendable {
    /// Acknowledged operations the snapshot covers, removed from the log.
    public let dropped: Int
    /// Operations kept and re-applied over the snapshot: pending, refused, or not covered by it.
    public let kept: Int
}

extension ReplicaStore {
    /// Replaces this replica's state up to server sequence `sequence` with a
    /// server's snapshot, in one transaction: the acknowledged operations the
    /// snapshot covers leave the log, every other stored operation (pending
    /// ones, refused ones, anything the snapshot lacks) is re-applied over it,
    /// the snapshot becomes the store's base and the cursor moves to `sequence`.
    ///
    /// A process killed or a failure at any point leaves the old state or the
    /// new one, never a mix (`afterStep` exists to prove it). History before
    /// the base is no longer in this store: ``serverBase()`` says where it begins.
    @discardableResult
    public func installServerSnapshot(
        _ snapshot: PlanDocument, sequence: Int64, server: String, atMilliseconds: Int64,
        afterStep: (SnapshotInstallStep) throws(StoreError) -> Void = { _ throws(StoreError) in }
    ) throws(StoreError) -> SnapshotInstallResult {
        try db.transaction { () throws(StoreError) in
            var document = snapshot
            let rows = try db.prepare("""
                SELECT o.seq, o.bytes, o.pending,
                       EXISTS (SELECT 1 FROM rejected r WHERE r.replica = o.replica AND r.counter = o.counter)
                FROM operations o ORDER BY o.seq
                """)
            let delete = try db.prepare("DELETE FROM operations WHERE seq = ?")
            var dropped = 0, kept = 0
            while try rows.step() {
                let operation = try Self.decode(rows.bytes(1))
                let settled = rows.int64(2) == 0 && rows.int64(3) == 0
                if settled, snapshot.version.contains(operation.id) {
                    try delete.bind(1, rows.int64(0))
                    try delete.run()
                    dropped += 1
                } else {
                    // Applying is idempotent: a pending operation the server already
                    // holds (its ACK was lost) changes nothing and stays pending.
                    document.apply(operation)
                    kept += 1
                }
            }
            try afterStep(.logTrimmed)
            let base = try db.prepare("""
                INSERT INTO server_base (id, server, sequence, bytes, installed_ms) VALUES (1, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET server = excluded.server, sequence = excluded.sequence,
                    bytes = excluded.bytes, installed_ms = excluded.installed_ms
                """)
            try base.bind(1, server)
            try base.bind(2, sequence)
            try base.bind(3, snapshot.encodedSnapshot())
            try base.bind(4, atMilliseconds)
            try base.run()
            try afterStep(.baseWritten)
            try writeSnapshot(document)
            try afterStep(.snapshotWritten)
            let cursor = try db.prepare("INSERT INTO sync_state (server, cursor) VALUES (?, ?) ON CONFLICT (server) DO UPDATE SET cursor = excluded.cursor")
            try cursor.bind(1, server)
            try cursor.bind(2, sequence)
            try cursor.run()
            try afterStep(.cursorSet)
            return SnapshotInstallResult(dropped: dropped, kept: kept)
        }
    }

    /// The server snapshot this store's log starts from, or nil when the log is
    /// the whole history (the store never installed one).
    public func serverBase() throws(StoreError) -> ServerBase? {
        try db.readTransaction { () throws(StoreError) in
            let query = try db.prepare("SELECT server, sequence, installed_ms, bytes FROM server_base WHERE id = 1")
            guard try query.step() else { return nil }
            return ServerBase(server: query.string(0) ?? "", sequence: query.int64(1), installedMilliseconds: query.int64(2),
                              document: try Self.decodeBase(query.bytes(3)))
        }
    }

    /// The state the log applies to: the server base, or an empty plan. Call inside a transaction.
    func baseDocumentInTransaction() throws(StoreError) -> PlanDocument {
        let query = try db.prepare("SELECT bytes FROM server_base WHERE id = 1")
        guard try query.step() else { return PlanDocument() }
        return try Self.decodeBase(query.bytes(0))
    }

    private static func decodeBase(_ bytes: [UInt8]) throws(StoreError) -> PlanDocument {
        do {
            return try PlanDocument(snapshot: bytes)
        } catch {
            throw StoreError(.corrupt, "the server snapshot this store started from does not decode (\(error)); join again into a fresh store")
        }
    }
}
