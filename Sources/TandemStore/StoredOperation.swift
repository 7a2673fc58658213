import TandemModel

/// An operation a server refused, kept aside with its reason so that later
/// operations still upload.
public struct RejectedOperation: Hashable, Sendable {
    public let operation: OperationID
    public let code: String
    public let reason: String
    public let atMilliseconds: Int64

    public init(operation: OperationID, code: String, reason: String, atMilliseconds: Int64) {
        self.operation = operation
        self.code = code
        self.reason = reason
        self.atMilliseconds = atMilliseconds
    }
}

/// Where a replica stands with one sync server.
public struct SyncState: Hashable, Sendable {
    /// The server's position after the last batch this replica received.
    public var cursor: Int64
    /// When the last sync finished, in Unix milliseconds.
    public var lastSyncMilliseconds: Int64?

    public init(cursor: Int64 = 0, lastSyncMilliseconds: Int64? = nil) {
        self.cursor = cursor
        self.lastSyncMilliseconds = lastSyncMilliseconds
    }
}

/// Counts for `tandem debug check` and benchmarks.
public struct StoreStatistics: Hashable, Sendable {
    public let operations: Int
    public let pending: Int
    public let snapshotCovers: Int
    public let tail: Int
}
