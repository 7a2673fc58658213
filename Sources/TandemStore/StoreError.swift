/// A store failure: a stable code callers can match, and a message that names
/// the problem and what to do about it.
public struct StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Another process held the write lock for longer than the busy timeout.
        public static let busy = Code(rawValue: "busy")
        /// No store at the given place.
        public static let notInitialized = Code(rawValue: "not-initialized")
        /// `create` found a store already there.
        public static let alreadyInitialized = Code(rawValue: "already-initialized")
        /// The store was written by a newer version of tandem.
        public static let futureSchema = Code(rawValue: "future-schema")
        /// Stored bytes did not decode: the file was damaged or edited by hand.
        public static let corrupt = Code(rawValue: "corrupt")
        /// The file system refused (permissions, disk full, missing directory).
        public static let io = Code(rawValue: "io")
        /// Any other SQLite failure.
        public static let sqlite = Code(rawValue: "sqlite")
        /// A caller asked for something the store cannot do (e.g. an unknown operation).
        public static let invalidRequest = Code(rawValue: "invalid-request")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    static let busyMessage = "another tandem process is writing to this store; try again"
}
