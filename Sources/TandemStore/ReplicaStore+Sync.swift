import CSQLite
import TandemModel

/// What the sync engine needs from a replica store beyond the basic hooks:
/// receiving a server's operations together with the cursor, in one
/// transaction, and the state the server must agree with.
extension ReplicaStore {
    /// Stores operations from a server and advances that server's cursor in one
    /// transaction, so a crash never leaves the cursor ahead of the operations.
    /// The snapshot is left alone (a long catch-up arrives in many chunks):
    /// ``acknowledgedDocument()`` refreshes it once at the end of a sync.
    /// - Returns: how many operations were new.
    @discardableResult
    public func receive(_ operations: [Operation], cursor: Int64, server: String) throws(StoreError) -> Int {
        try db.transaction { () throws(StoreError) in
            let statement = try db.prepare("INSERT OR IGNORE INTO operations (replica, counter, time, author, entity, field, verb, bytes, pending) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)")
            var added = 0
            for operation in operations {
                try statement.bind(1, Int64(bitPattern: operation.id.replica.rawValue))
                try statement.bind(2, Int64(bitPattern: operation.id.counter))
                try statement.bind(3, Int64(bitPattern: operation.time.rawValue))
                try statement.bind(4, operation.author?.description)
                try statement.bind(5, (operation.action.target ?? EntityID(operation.id)).description)
                try statement.bind(6, operation.action.field)
                try statement.bind(7, operation.action.verb)
                try statement.bind(8, operation.encoded)
                try statement.run()
                added += Int(sqlite3_changes(db.handle))
            }
            let state = try db.prepare("INSERT INTO sync_state (server, cursor) VALUES (?, ?) ON CONFLICT (server) DO UPDATE SET cursor = excluded.cursor")
            try state.bind(1, server)
            try state.bind(2, cursor)
            try state.run()
            return added
        }
    }

    /// The document a server holding this replica's acknowledged operations
    /// would have: everything stored except operations still pending upload
    /// and operations a server refused.
    ///
    /// When the whole replica is acknowledged this is the stored document, and
    /// a long tail (after a catch-up) is folded into the snapshot on the way.
    public func acknowledgedDocument() throws(StoreError) -> PlanDocument {
        try db.transaction { () throws(StoreError) in
            let pending = try db.integer("SELECT count(*) FROM operations WHERE pending = 1") ?? 0
            let refused = try db.integer("SELECT count(*) FROM rejected") ?? 0
            if pending == 0, refused == 0 {
                let loaded = try loadDocument()
                if loaded.tail >= snapshotThreshold { try writeSnapshot(loaded.document) }
                return loaded.document
            }
            let query = try db.prepare("""
                SELECT o.bytes FROM operations o
                WHERE o.pending = 0 AND NOT EXISTS (SELECT 1 FROM rejected r WHERE r.replica = o.replica AND r.counter = o.counter)
                ORDER BY o.seq
                """)
            // The log starts at the server base when a snapshot was installed.
            var document = try baseDocumentInTransaction()
            while try query.step() { document.apply(try Self.decode(query.bytes(0))) }
            return document
        }
    }
}
