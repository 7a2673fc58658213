import TandemModel
import TandemStore
import TandemWire

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A ``SyncReplica`` over a `ReplicaStore` (the `tandem` client's SQLite file).
///
/// `@unchecked Sendable`: the store's one SQLite connection is only used
/// under `lock`, one call at a time.
public final class StoreSyncReplica: SyncReplica, @unchecked Sendable {
    private let store: ReplicaStore
    private let server: String
    private var mutex = pthread_mutex_t()

    /// Whether this replica announces the snapshot capability.
    public let supportsSnapshots: Bool

    /// - Parameters:
    ///   - server: the key of this server's cursor in the store (its address).
    ///   - snapshots: announce the snapshot capability, so a new or long-offline
    ///     store (or one behind a pruning compaction) is caught up from a server
    ///     snapshot; the history before it then stays on the server. `false`
    ///     (the default, so callers opt in) asks for the whole log and gets
    ///     `history-pruned` after pruning. `tandem join`/`sync` opt in unless `--full-history`.
    public init(store: ReplicaStore, server: String, snapshots: Bool = false) {
        self.store = store
        self.server = server
        self.supportsSnapshots = snapshots
        pthread_mutex_init(&mutex, nil)
    }

    deinit { pthread_mutex_destroy(&mutex) }

    private func locked<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }

    public var replicaID: ReplicaID { store.replicaID }

    public func pendingOperations() throws -> [Operation] {
        try locked { try store.pendingOperations() }
    }

    public func acknowledge(_ ids: [OperationID]) throws {
        guard !ids.isEmpty else { return }
        try locked { try store.markAcknowledged(ids) }
    }

    public func setAside(_ refused: [(operation: Operation, refusal: Refusal)]) throws {
        let now = Int64(SystemWallClock.milliseconds())
        try locked {
            for (operation, refusal) in refused {
                let summary = OperationSummary.describe(operation)
                try store.reject(RejectedOperation(operation: operation.id, code: refusal.code.rawValue,
                                                   reason: "\(summary): \(refusal.reason)", atMilliseconds: now))
            }
        }
    }

    public func receive(_ operations: [Operation], cursor: UInt64) throws {
        try locked { _ = try store.receive(operations, cursor: Int64(bitPattern: cursor), server: server) }
    }

    public func installSnapshot(_ snapshot: Snapshot) throws {
        guard supportsSnapshots else {
            throw WireError(.unexpectedMessage, "this replica keeps the full history and did not ask for snapshots")
        }
        let document: PlanDocument
        do { document = try PlanDocument(snapshot: snapshot.document) } catch {
            throw WireError(.malformedMessage, "the server's snapshot does not decode: \(error)")
        }
        try locked {
            let cursor = UInt64(bitPattern: try store.syncState(server: server).cursor)
            // Going back would drop operations received after the snapshot's sequence.
            guard snapshot.sequence >= cursor else {
                throw WireError(.unexpectedMessage, "the server sent a snapshot at \(snapshot.sequence) but this replica is already at \(cursor)")
            }
            try store.installServerSnapshot(document, sequence: Int64(bitPattern: snapshot.sequence), server: server,
                                            atMilliseconds: Int64(SystemWallClock.milliseconds()))
        }
    }

    public func cursor() throws -> UInt64 {
        try locked { UInt64(bitPattern: try store.syncState(server: server).cursor) }
    }

    public func acknowledgedDigest() throws -> [UInt8] {
        try locked { PlanDigest.of(try store.acknowledgedDocument()) }
    }

    public func recordSync(cursor: UInt64, atMilliseconds: Int64) throws {
        try locked { try store.setSyncState(SyncState(cursor: Int64(bitPattern: cursor), lastSyncMilliseconds: atMilliseconds), server: server) }
    }
}

/// One line about an operation, for refusal messages the user reads.
public enum OperationSummary {
    public static func describe(_ operation: Operation) -> String {
        switch operation.action {
        case .create(let kind, _, _): "create \(kind)"
        case .set(let entity, let field, let value, _): "set \(field) of \(entity.short()) to \(value)"
        case .delete(let entity): "delete \(entity.short())"
        case .restore(let entity): "restore \(entity.short())"
        case .move(let entity, let parent, _): "move \(entity.short()) under \(parent.short())"
        case .addToSet(let entity, let field, let element): "add \(element) to \(field) of \(entity.short())"
        case .removeFromSet(let entity, let field, let element, _): "remove \(element) from \(field) of \(entity.short())"
        case .insertText(let entity, let field, let insertion): "insert \(insertion.length) characters into \(field) of \(entity.short())"
        case .deleteText(let entity, let field, let deletion): "delete \(deletion.count) characters from \(field) of \(entity.short())"
        }
    }
}
