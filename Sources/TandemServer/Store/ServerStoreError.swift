/// A server store failure: a stable code and a message for the operator.
public struct ServerStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let busy = Code(rawValue: "busy")
        public static let corrupt = Code(rawValue: "corrupt")
        public static let io = Code(rawValue: "io")
        public static let sqlite = Code(rawValue: "sqlite")
        public static let notFound = Code(rawValue: "not-found")
        public static let futureSchema = Code(rawValue: "future-schema")
        public static let invalidRequest = Code(rawValue: "invalid-request")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(message) [\(code)]" }
}
