/// A protocol failure with a stable code, as sent in an `ERROR` frame.
///
/// Codes are the ones listed in `Protocol/errors.md`; clients match on `code`,
/// people read `message`. Messages never carry secrets (tokens, other members'
/// data), because they are sent to whoever is on the other end.
public struct WireError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable, documented error code.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public var description: String { rawValue }

        // Framing and decoding: the peer sent bytes that are not the protocol.
        public static let malformedFrame: Code = "malformed-frame"
        public static let frameTooLarge: Code = "frame-too-large"
        public static let unknownMessage: Code = "unknown-message"
        public static let malformedMessage: Code = "malformed-message"
        public static let badCompression: Code = "bad-compression"
        public static let inflationLimit: Code = "inflation-limit"
        public static let batchTooLarge: Code = "batch-too-large"

        // Conversation: a well-formed message at the wrong time.
        public static let unexpectedMessage: Code = "unexpected-message"
        public static let unsupportedVersion: Code = "unsupported-version"
        public static let authenticationFailed: Code = "authentication-failed"
        /// The member's token was revoked while connected (a revoked token at `HELLO` is `authentication-failed`).
        public static let revoked: Code = "revoked"
        public static let replicaConflict: Code = "replica-conflict"
        public static let handshakeTimeout: Code = "handshake-timeout"
        public static let idleTimeout: Code = "idle-timeout"
        public static let cursorAhead: Code = "cursor-ahead"
        /// The token may not do this: an admin request on a member's connection, or plan traffic on an admin's.
        public static let forbidden: Code = "forbidden"
        /// The cursor is below the log a compaction kept, and the client cannot install a snapshot.
        public static let historyPruned: Code = "history-pruned"

        // The server's side.
        public static let shuttingDown: Code = "shutting-down"
        public static let internalError: Code = "internal-error"

        // Client-side checks of what the server sent.
        public static let sequenceGap: Code = "sequence-gap"
        public static let digestMismatch: Code = "digest-mismatch"
        public static let connectionFailed: Code = "connection-failed"
        public static let timeout: Code = "timeout"
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(message) [\(code)]" }
}

/// Why the server refused one operation of a pushed batch. The batch's other
/// operations are unaffected; the client sets this one aside with the reason.
public struct Refusal: Hashable, Sendable {
    /// Stable per-operation refusal codes (`Protocol/errors.md`).
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public var description: String { rawValue }

        /// The operation's author is not the authenticated member.
        public static let authorMismatch: Code = "author-mismatch"
        /// The operation was minted by another replica than the connection's.
        public static let wrongReplica: Code = "wrong-replica"
        /// It names an entity the plan does not have.
        public static let unknownEntity: Code = "unknown-entity"
        /// Its clock reading is too far ahead of the server's clock.
        public static let futureTime: Code = "future-time"
        /// Its encoding exceeds the per-operation size limit.
        public static let operationTooLarge: Code = "operation-too-large"
        /// The same id was stored before with different content.
        public static let conflictingDuplicate: Code = "conflicting-duplicate"
        /// The member's role does not allow it.
        public static let forbidden: Code = "forbidden"
    }

    /// Index of the operation in its batch.
    public let index: Int
    public let code: Code
    public let reason: String

    public init(index: Int, code: Code, reason: String) {
        self.index = index
        self.code = code
        self.reason = reason
    }
}
