import ArgumentParser
import Foundation
import TandemModel
import TandemStore

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "A narrated walkthrough on a temporary store: a plan from a template, two people on two sides, edits, status and history."
    )
    @Flag(help: "Keep the temporary store and print where it is.") var keep = false

    func run() throws {
        let context = CLIContext.current
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-demo-\(UUID().uuidString)").path
        defer {
            if !keep {
                try? FileManager.default.removeItem(atPath: directory)
                try? FileManager.default.removeItem(atPath: directory + "-sync")
            }
        }
        var script = DemoScript(directory: directory, parent: context)
        try script.play()
        try SyncDemo(root: directory + "-sync", parent: context).play()
        if keep { Out.line("\nThe demo store is kept at \(directory); try: TANDEM_STORE=\(directory) tandem status") }
    }
}

/// The demo's steps. Each runs a real command line in-process against the
/// temporary store and prints it with its output, like a terminal transcript.
struct DemoScript {
    let directory: String
    let parent: CLIContext
    let start: CalendarDate
    let today: CalendarDate

    init(directory: String, parent: CLIContext) {
        self.directory = directory
        self.parent = parent
        let now = (try? parent.today()) ?? CalendarDate(utcMilliseconds: Int64(SystemWallClock.milliseconds()))
        self.today = now
        // Start three weeks ago, so some work is done, some late, some due soon.
        self.start = now.adding(days: -21)
    }

    mutating func play() throws {
        say("Tandem keeps an onboarding plan that the vendor and the customer share. Everything below runs offline against a temporary replica store.")
        try run("Ana, the onboarding manager, creates a replica store and says who she is.", ["init", "--as", "Ana Ruiz"])
        try run("She creates the plan from the mid-market template, mapping two role placeholders to real people: herself (internal) and Bo, the customer's champion.",
                ["plan", "create", "--customer", "Acme Corp", "--template", "mid-market", "--start", start.description,
                 "--role", "onboarding-manager=Ana Ruiz <ana@vendor.example>", "--role", "customer-champion=Bo Chen <bo@acme.example>"])
        try run("Two sides, one plan. Unmapped roles are placeholders until someone is named.", ["member", "list"])
        let kickoff = try taskID("Kickoff call: outcomes, owners, dates")
        let discovery = try taskID("Discovery questionnaire")
        let sso = try taskID("Set up single sign-on")
        try run("Ana held the kickoff call, later than planned: tandem asks why a late task is late (excusable or preventable), so reports can tell them apart.",
                ["task", "done", kickoff, "--late-reason", "excusable", "--note", "the customer moved the call twice"])
        try run("Bo, on the customer's laptop, starts the discovery questionnaire (acting as himself with --as).", ["task", "start", discovery, "--as", "bo@acme.example"])
        try run("The customer's IT team needs more time for SSO: Ana moves the due date by a week and says why.",
                ["task", "edit", sso, "--due", start.adding(days: 19).description])
        try run(nil, ["comment", "add", sso, "IT freeze until the 15th; moved by a week", "--as", "Ana Ruiz"])
        try run("Ana schedules the next check-in on the call (schedule the next step on the previous call).",
                ["checkin", "add", "\(today.adding(days: 2))T15:00Z", "--agenda", "SSO and data migration", "--attendee", "Ana Ruiz", "--attendee", "Bo Chen"])
        try run("A risk only the vendor sees: internal notes never reach customer replicas.",
                ["internal", "note", "Champion changes team in Q3; find a second sponsor", "--severity", "medium"])
        try run("What Bo sees when he asks what is next for him:", ["status", "--as", "Bo Chen"])
        try run("Who is responsible, accountable, consulted and informed:", ["raci"])
        try run("And the audit trail: who changed the SSO due date, when, and from what.", ["history", sso, "due"])
        Out.line()
        say("That is the offline client. Every command above was one SQLite transaction; 'tandem export --json' prints the canonical plan.")
    }

    private func say(_ text: String) { Out.line("# " + text) }

    private func run(_ narration: String?, _ arguments: [String]) throws {
        if let narration { Out.line(); say(narration) }
        Out.line("$ tandem " + arguments.map { $0.contains(" ") ? "\"\($0)\"" : $0 }.joined(separator: " "))
        var environment = parent.environment
        environment["TANDEM_STORE"] = directory
        environment["TANDEM_TODAY"] = today.description
        let capture = CapturedOutput(isTerminal: parent.output.isTerminal)
        let status = TandemCLI.run(arguments, context: CLIContext(environment: environment, output: capture, workingDirectory: parent.workingDirectory))
        parent.output.write(capture.standardOutput)
        parent.output.writeError(capture.standardError)
        guard status == 0 else {
            throw CLIError("demo-failed", "the demo step 'tandem \(arguments.joined(separator: " "))' failed (exit \(status))", exitCode: ExitStatus.failure)
        }
    }

    private func taskID(_ title: String) throws -> String {
        let plan = OnboardingPlan(replica: try ReplicaStore(at: directory).load())
        guard let task = plan.allTasks.first(where: { $0.title == title }) else {
            throw CLIError("demo-failed", "the template has no task '\(title)'", exitCode: ExitStatus.failure)
        }
        return task.id.short()
    }
}
