import Foundation

/// Runs a program to completion for a test and returns what it printed.
///
/// The wait happens on a plain thread: `Process.waitUntilExit` and a blocking
/// pipe read would otherwise hold one of Swift's cooperative threads (two on a
/// 2-core machine) while the servers under test in the same process need them.
public enum ChildProcess {
    public struct Outcome: Sendable {
        public let status: Int32
        public let output: String
        public let error: String
    }

    /// - Parameter environment: the child's environment; nil inherits this process's.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) async throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Both pipes are drained at once, so a child filling one while the other is read cannot stall.
        async let printed = drain(output.fileHandleForReading)
        async let complained = drain(error.fileHandleForReading)
        let (out, err) = await (printed, complained)
        let status = await withCheckedContinuation { continuation in
            Thread {
                process.waitUntilExit()
                continuation.resume(returning: process.terminationStatus)
            }.start()
        }
        return Outcome(status: status, output: String(decoding: out, as: UTF8.self), error: String(decoding: err, as: UTF8.self))
    }

    private static func drain(_ handle: FileHandle) async -> Data {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: handle.readDataToEndOfFile()) }.start()
        }
    }
}
