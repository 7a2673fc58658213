/// Why a remote text operation could not be applied.
///
/// Match on ``code``: ``Code/missingOrigin`` is not a failure but a signal to
/// hold the operation until the insertion it builds on has arrived.
public struct TextError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable codes callers can match on.
    public enum Code: String, Hashable, Sendable {
        /// An origin of the insertion is not in the text yet; apply the
        /// insertion that brings ``TextError/character`` first, then retry.
        case missingOrigin = "text.missing_origin"
        /// The operation can never apply: its origins contradict the text
        /// (the right origin stands before the left one) or its sequences
        /// overflow. Only a faulty or hostile replica sends such operations.
        case invalidOperation = "text.invalid_operation"
    }

    /// What went wrong, for matching.
    public let code: Code
    /// What went wrong, for people.
    public let message: String
    /// The character the error is about, when there is one.
    public let character: CharacterID?

    public init(_ code: Code, _ message: String, character: CharacterID? = nil) {
        self.code = code
        self.message = message
        self.character = character
    }

    /// An origin of an insertion is not known yet.
    public static func missingOrigin(_ id: CharacterID) -> TextError {
        TextError(.missingOrigin, "origin \(id) is not in the text yet", character: id)
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
