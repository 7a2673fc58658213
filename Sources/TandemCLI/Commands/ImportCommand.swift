import ArgumentParser
import Foundation
import TandemModel

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Create a plan, or add members, goals, phases and tasks to it, from a JSON file (all or nothing).",
        discussion: """
        Format (every key optional; see docs/cli.md):
          {"plan": {"customer": "Acme", "start": "2026-03-02", "target": "2026-05-01"},
           "members": [{"key": "ana", "name": "Ana Ruiz", "email": "ana@vendor.example", "side": "internal"}],
           "goals": [{"title": "Retire the spreadsheet", "side": "customer", "measure": "…"}],
           "phases": [{"title": "Setup", "tasks": [{"key": "sso", "title": "Set up SSO", "due": "2026-03-20",
              "estimate": 3, "responsible": ["ana"], "accountable": "ana", "after": ["kickoff"],
              "checklist": ["Create the app"], "subtasks": []}]}]}
        """
    )
    @OptionGroup var global: GlobalOptions
    @Argument(help: "JSON file, or - for standard input.") var file: String

    func run() throws {
        let session = try Session(global)
        let data: Data
        if file == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let read = FileManager.default.contents(atPath: session.context.absolute(file)) else {
                throw CLIError("unreadable-file", "cannot read '\(file)'; check the path and permissions", exitCode: ExitStatus.failure)
            }
            data = read
        }
        var importer = try PlanImporter(data: data)
        let today = try session.today()
        let summary = try session.write { plan, _ in
            try importer.run(into: &plan, today: today)
            return importer.summary
        }
        Out.line("imported \(summary.members) members, \(summary.goals) goals, \(summary.phases) phases, \(summary.tasks) tasks, \(summary.dependencies) dependencies")
    }
}
