/// A command-line failure with a stable code and the exit status it maps to.
public struct CLIError: Error, Hashable, Sendable, CustomStringConvertible {
    public let code: String
    public let message: String
    public let exitCode: Int32

    public init(_ code: String, _ message: String, exitCode: Int32 = ExitStatus.usage) {
        self.code = code
        self.message = message
        self.exitCode = exitCode
    }

    public var description: String { message }
}

/// The process exit statuses of `tandem`, documented in `tandem --help`.
public enum ExitStatus {
    public static let success: Int32 = 0
    /// The operation failed: store busy, damaged or missing, I/O error.
    public static let failure: Int32 = 1
    /// The command was wrong: bad arguments, dates, ids, or a change the plan's rules refuse.
    public static let usage: Int32 = 2
}
