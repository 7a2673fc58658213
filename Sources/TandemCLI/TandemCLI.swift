import ArgumentParser
import Foundation
import TandemModel
import TandemStore

/// Runs `tandem` command lines: the executable calls ``main()``, tests and the
/// demo call ``run(_:context:)`` in-process with their own output and environment.
public enum TandemCLI {
    /// Runs the process's own command line and returns the exit status.
    public static func main() -> Int32 {
        let context = CLIContext(environment: ProcessInfo.processInfo.environment, output: StandardOutput())
        return run(Array(CommandLine.arguments.dropFirst()), context: context)
    }

    /// Parses and runs one command line; errors are printed, never thrown.
    public static func run(_ arguments: [String], context: CLIContext) -> Int32 {
        CLIContext.$current.withValue(context) {
            let output = context.output
            do {
                var command = try TandemCommand.parseAsRoot(arguments)
                try command.run()
                return ExitStatus.success
            } catch let error as PlanError {
                output.errorLine("error: \(error.message) [\(error.code)]")
                return ExitStatus.usage
            } catch let error as StoreError {
                output.errorLine("error: \(error.message) [\(error.code)]")
                return ExitStatus.failure
            } catch let error as CLIError {
                output.errorLine("error: \(error.message) [\(error.code)]")
                return error.exitCode
            } catch {
                // ArgumentParser's own errors: help, version and usage mistakes.
                let message = TandemCommand.fullMessage(for: error)
                if TandemCommand.exitCode(for: error) == .success {
                    output.line(message)
                    return ExitStatus.success
                }
                output.errorLine(message)
                return ExitStatus.usage
            }
        }
    }
}
