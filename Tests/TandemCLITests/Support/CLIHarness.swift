import Foundation
import Testing
import TandemCLI
import TandemModel
import TandemStore

/// Runs `tandem` command lines in-process against a temporary store.
struct CLIHarness {
    struct Result {
        let status: Int32
        let out: String
        let err: String
    }

    let directory: String
    var environment: [String: String]

    var store: String { directory + "/.tandem" }

    init(today: String = "2026-03-20") {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-test-\(UUID().uuidString)").path
        try! FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        environment = ["TANDEM_TODAY": today, "NO_COLOR": "1"]
    }

    @discardableResult
    func run(_ arguments: String...) -> Result { run(arguments) }

    @discardableResult
    func run(_ arguments: [String]) -> Result {
        let output = CapturedOutput()
        let status = TandemCLI.run(arguments, context: CLIContext(environment: environment, output: output, workingDirectory: directory))
        return Result(status: status, out: output.standardOutput, err: output.standardError)
    }

    /// Runs a command that must succeed, returning its standard output.
    @discardableResult
    func ok(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) -> String {
        let result = run(arguments)
        if result.status != 0 {
            Issue.record("tandem \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.err)", sourceLocation: sourceLocation)
        }
        return result.out
    }

    /// Runs a read command with --json and parses the output.
    func json(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> Any {
        try json(arguments, sourceLocation: sourceLocation)
    }

    func json(_ arguments: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> Any {
        let result = run(arguments + ["--json"])
        if result.status != 0 {
            Issue.record("tandem \(arguments.joined(separator: " ")) --json failed: \(result.err)", sourceLocation: sourceLocation)
        }
        return try JSONSerialization.jsonObject(with: Data(result.out.utf8), options: [.fragmentsAllowed])
    }

    /// The plan as stored now.
    func plan() throws -> OnboardingPlan {
        OnboardingPlan(replica: try ReplicaStore(at: store).load())
    }

    func taskID(_ title: String) throws -> String {
        let task = try #require(try plan().allTasks.first(where: { $0.title == title }), "no task '\(title)'")
        return task.id.description
    }

    /// A fresh store with a blank plan and two members on two sides.
    static func withPlan() -> CLIHarness {
        let h = CLIHarness()
        h.ok("init", "--as", "Ana Ruiz")
        h.ok("plan", "create", "--customer", "Acme Corp", "--start", "2026-03-01", "--target", "2026-05-01")
        // The creator (--as at init) joins the plan on the internal side at plan create.
        h.ok("member", "edit", "Ana Ruiz", "--email", "ana@vendor.example", "--role", "CSM")
        h.ok("member", "add", "Bo Chen", "--email", "bo@acme.example", "--side", "customer", "--role", "Champion")
        h.ok("phase", "add", "Setup")
        return h
    }

    func cleanUp() { try? FileManager.default.removeItem(atPath: directory) }
}
