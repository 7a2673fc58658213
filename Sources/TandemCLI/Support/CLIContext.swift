import Foundation
import TandemModel

/// What a command may read from its surroundings: the environment, where to
/// write, and the clock. Bound per invocation so tests run commands
/// in-process, in parallel, without touching the real process state.
public struct CLIContext: Sendable {
    public var environment: [String: String]
    public var output: any CLIOutput
    /// The working directory that relative store paths start from.
    public var workingDirectory: String
    /// Reads all of standard input (`--file -`); tests pass their own.
    public var readStandardInput: @Sendable () -> Data

    public init(environment: [String: String], output: any CLIOutput, workingDirectory: String? = nil,
                readStandardInput: @escaping @Sendable () -> Data = { FileHandle.standardInput.readDataToEndOfFile() }) {
        self.environment = environment
        self.output = output
        self.workingDirectory = workingDirectory ?? FileManager.default.currentDirectoryPath
        self.readStandardInput = readStandardInput
    }

    @TaskLocal static var current = CLIContext(environment: ProcessInfo.processInfo.environment, output: StandardOutput())

    /// Colour only on a terminal, and never when NO_COLOR is set (no-color.org).
    var useColour: Bool { output.isTerminal && environment["NO_COLOR"].map(\.isEmpty) ?? true }

    /// Today, or `TANDEM_TODAY` (YYYY-MM-DD) for reproducible output.
    func today() throws -> CalendarDate {
        if let text = environment["TANDEM_TODAY"], !text.isEmpty {
            return try OnboardingPlan.parseDate(text, "TANDEM_TODAY value")
        }
        return CalendarDate(utcMilliseconds: Int64(SystemWallClock.milliseconds()))
    }

    /// Now, as an instant (completion times); pinned to noon UTC of `TANDEM_TODAY` when set.
    func now() throws -> Instant {
        if environment["TANDEM_TODAY"].map({ !$0.isEmpty }) == true {
            return Instant(milliseconds: Int64(try today().daysSinceEpoch) * 86_400_000 + 12 * 3_600_000)
        }
        return Instant(milliseconds: Int64(SystemWallClock.milliseconds()))
    }

    /// Resolves a path against the working directory.
    func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : workingDirectory + "/" + path
    }
}
