/// A refused edit: a stable code for scripts and the wire, and a message that
/// names the problem and what to do about it.
public struct PlanError: Error, Hashable, Sendable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        public static let unknownEntity = Code(rawValue: "unknown-entity")
        public static let wrongKind = Code(rawValue: "wrong-kind")
        public static let unknownMember = Code(rawValue: "unknown-member")
        public static let dependencyCycle = Code(rawValue: "dependency-cycle")
        public static let invalidDate = Code(rawValue: "invalid-date")
        public static let invalidValue = Code(rawValue: "invalid-value")
        public static let invalidStatus = Code(rawValue: "invalid-status")
        public static let duplicateAccountable = Code(rawValue: "duplicate-accountable")
        public static let invalidMove = Code(rawValue: "invalid-move")
        public static let emptyText = Code(rawValue: "empty-text")
        public static let noPlan = Code(rawValue: "no-plan")
        public static let deleted = Code(rawValue: "deleted")
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
