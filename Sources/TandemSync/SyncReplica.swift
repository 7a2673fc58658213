import TandemModel
import TandemWire

/// The client's side of sync: where pending operations come from and where
/// received ones go. ``StoreSyncReplica`` keeps them in a `ReplicaStore`;
/// ``InMemorySyncReplica`` in memory (tests, benchmarks).
///
/// Every method that records something is durable when it returns: the
/// engine acknowledges nothing to the user that a crash could take back.
public protocol SyncReplica: AnyObject, Sendable {
    var replicaID: ReplicaID { get }
    /// Local operations no server has acknowledged, oldest first.
    func pendingOperations() throws -> [Operation]
    /// The server stored these: they are no longer pending.
    func acknowledge(_ ids: [OperationID]) throws
    /// The server refused these: set them aside with the reason, never to be sent again.
    func setAside(_ refused: [(operation: Operation, refusal: Refusal)]) throws
    /// Stores a server's operations and advances the cursor to `cursor`, atomically.
    func receive(_ operations: [Operation], cursor: UInt64) throws
    /// Replaces the state up to `cursor` with a server snapshot (only if the replica supports it).
    func installSnapshot(_ snapshot: Snapshot) throws
    var supportsSnapshots: Bool { get }
    /// The server sequence of the last operation received.
    func cursor() throws -> UInt64
    /// The digest of what the server should have: everything but pending and refused operations.
    func acknowledgedDigest() throws -> [UInt8]
    /// A sync ended converged at `cursor`.
    func recordSync(cursor: UInt64, atMilliseconds: Int64) throws
}
