import Foundation

/// Where a command writes: the terminal, or a buffer in tests and the demo.
public protocol CLIOutput: Sendable {
    func write(_ text: String)
    func writeError(_ text: String)
    /// Whether standard output is a terminal (tables may then use colour).
    var isTerminal: Bool { get }
}

extension CLIOutput {
    func line(_ text: String = "") { write(text + "\n") }
    func errorLine(_ text: String) { writeError(text + "\n") }
}

/// The process's standard output and error.
public struct StandardOutput: CLIOutput {
    public init() {}

    /// Unbuffered: `debug write-loop` promises each printed line is durable,
    /// and a killed process must not take buffered acknowledgements with it.
    public func write(_ text: String) { FileHandle.standardOutput.write(Data(text.utf8)) }

    public func writeError(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }

    public var isTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
}

/// Collects output in memory.
///
/// `@unchecked Sendable`: the buffers are guarded by `lock`, so concurrent
/// tests (each with its own instance) and nested commands stay safe.
public final class CapturedOutput: CLIOutput, @unchecked Sendable {
    private let lock = NSLock()
    private var out = ""
    private var err = ""
    public let isTerminal: Bool

    public init(isTerminal: Bool = false) { self.isTerminal = isTerminal }

    public func write(_ text: String) { lock.withLock { out += text } }
    public func writeError(_ text: String) { lock.withLock { err += text } }

    public var standardOutput: String { lock.withLock { out } }
    public var standardError: String { lock.withLock { err } }
}
