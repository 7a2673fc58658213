import Dispatch
import Foundation
import Logging
import NIOConcurrencyHelpers
import TandemModel
import TandemServer
import TandemStore
import TandemSync
import TandemWire

/// The sync part of `tandem demo`: an embedded `tandemd` on a free loopback
/// port, two members on two sides who join, edit offline, sync and converge.
/// Every client step is a real command line run in-process, printed like a
/// terminal transcript.
struct SyncDemo {
    let root: String
    let parent: CLIContext
    let today: CalendarDate

    init(root: String, parent: CLIContext) {
        self.root = root
        self.parent = parent
        self.today = (try? parent.today()) ?? CalendarDate(utcMilliseconds: Int64(SystemWallClock.milliseconds()))
    }

    func play() throws {
        Out.line()
        say("Now the same plan on two laptops, kept in sync through a server. An embedded sync server (tandemd) starts on a free port on 127.0.0.1.")
        let store = try SQLiteServerStore(directory: root + "/server")
        let logger = Logger(label: "tandem.demo", factory: { _ in SwiftLogNoOpLogHandler() })
        let server = SyncServer(store: store, configuration: ServerConfiguration(host: "127.0.0.1", port: 0), logger: logger)
        let stopped = DispatchSemaphore(value: 0)
        Task.detached {
            try? await server.run()
            stopped.signal()
        }
        defer {
            server.shutdown()
            stopped.wait()
        }
        let port = try BlockingBridge.run { try await server.listeningPort() }
        let address = "127.0.0.1:\(port)"
        Out.line("listening on \(address)")

        let start = today.adding(days: -1)
        let setup = try BlockingBridge.run { () async throws -> (PlanRecord, String, String) in
            let admin = PlanAdministration(store: store)
            let plan = try await admin.createPlan(OnboardingPlan.Details(title: "Acme rollout", customer: "Acme Corp", start: start, template: "mid-market"),
                                                  template: PlanTemplate.named("mid-market"), start: start)
            let ana = try await admin.addMember(plan: plan.id, name: "Ana Ruiz", email: "ana@vendor.example", side: .internal, role: "Onboarding manager")
            let bo = try await admin.addMember(plan: plan.id, name: "Bo Chen", email: "bo@acme.example", side: .customer, role: "Customer champion")
            return (plan, ana.token, bo.token)
        }
        let (plan, anaToken, boToken) = setup
        Out.line()
        say("The operator creates the plan on the server and invites one person from each side; each invite is a token (160 random bits, stored only hashed).")
        Out.line("$ tandemd plan create --data DIR --title \"Acme rollout\" --customer \"Acme Corp\" --template mid-market")
        Out.line(plan.id.description)
        Out.line("$ tandemd member add --data DIR --plan \(plan.id.short()) --name \"Ana Ruiz\" --side internal   → \(abbreviate(anaToken))")
        Out.line("$ tandemd member add --data DIR --plan \(plan.id.short()) --name \"Bo Chen\" --side customer    → \(abbreviate(boToken))")

        let ana = root + "/ana", bo = root + "/bo"
        try run("Ana joins from her laptop: a new replica store, the whole plan pulled, and a digest check that proves her copy equals the server's.",
                ["join", address, anaToken], store: ana, shown: ["join", address, abbreviate(anaToken)])
        try run("Bo joins from the customer's side.", ["join", address, boToken], store: bo, shown: ["join", address, abbreviate(boToken)])

        let kickoff = try taskID("Kickoff call: outcomes, owners, dates", store: ana)
        let discovery = try taskID("Discovery questionnaire", store: bo)
        Out.line()
        say("Both go offline (a plane, a train) and keep working. Nothing below touches the network.")
        try run(nil, ["task", "done", kickoff], store: ana)
        try run(nil, ["comment", "add", discovery, "Started; IT answers the SSO part tomorrow"], store: bo)
        try run(nil, ["task", "start", discovery], store: bo)
        try run("Bo's laptop knows it has unsynced changes:", ["status"], store: bo, filter: { $0.hasPrefix("sync:") })

        try run("Back online, each pushes what is pending and pulls what is new.", ["sync"], store: bo)
        try run(nil, ["sync"], store: ana)
        try run(nil, ["sync"], store: bo)

        // Bo is a customer: the server withholds the internal-only section from
        // him, so his copy must equal Ana's with that section taken out.
        let anaDocument = try ReplicaStore(at: ana).load().document
        let customerView = anaDocument.withholding(InternalOnlyIndex(document: anaDocument)).canonicalText()
        let boView = try ReplicaStore(at: bo).load().document.canonicalText()
        guard customerView == boView else {
            throw CLIError("demo-failed", "the two replicas differ after syncing", exitCode: ExitStatus.failure)
        }
        let digest = PlanDigest.hex(PlanDigest.sha256(Array(boView.utf8))).prefix(16)
        try run("Ana sees Bo's comment and who changed what:", ["comment", "list", discovery], store: ana)
        try run(nil, ["history", discovery, "status"], store: ana)
        try run("Bo sees Ana's finished kickoff:", ["tasks", "--status", "done"], store: bo)
        Out.line()
        say("Bo's replica equals Ana's minus the internal-only section the server never sends a customer (canonical JSON sha256 \(digest)…), and the server agreed on each sync. Sync stays offline-first: edits never wait for the network.")
    }

    private func say(_ text: String) { Out.line("# " + text) }

    private func abbreviate(_ token: String) -> String { String(token.prefix(12)) + "…" }

    private func environment(_ store: String) -> [String: String] {
        var environment = parent.environment
        environment["TANDEM_STORE"] = store
        environment["TANDEM_TODAY"] = today.description
        return environment
    }

    private func capture(_ arguments: [String], store: String) throws -> String {
        let output = CapturedOutput()
        let status = TandemCLI.run(arguments, context: CLIContext(environment: environment(store), output: output, workingDirectory: parent.workingDirectory))
        guard status == 0 else {
            throw CLIError("demo-failed", "the demo step 'tandem \(arguments.joined(separator: " "))' failed: \(output.standardError)", exitCode: ExitStatus.failure)
        }
        return output.standardOutput
    }

    private func run(_ narration: String?, _ arguments: [String], store: String, shown: [String]? = nil, filter: ((Substring) -> Bool)? = nil) throws {
        if let narration { Out.line(); say(narration) }
        let who = store.hasSuffix("/ana") ? "ana" : "bo"
        Out.line("\(who)$ tandem " + (shown ?? arguments).map { $0.contains(" ") ? "\"\($0)\"" : $0 }.joined(separator: " "))
        let text = try capture(arguments, store: store)
        if let filter {
            for line in text.split(separator: "\n") where filter(line) { Out.line(String(line)) }
        } else {
            parent.output.write(text)
        }
    }

    private func taskID(_ title: String, store: String) throws -> String {
        let plan = OnboardingPlan(replica: try ReplicaStore(at: store).load())
        guard let task = plan.allTasks.first(where: { $0.title == title }) else {
            throw CLIError("demo-failed", "the template has no task '\(title)'", exitCode: ExitStatus.failure)
        }
        return task.id.short()
    }
}
