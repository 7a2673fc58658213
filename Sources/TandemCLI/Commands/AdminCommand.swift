import ArgumentParser
import TandemSync
import TandemWire

/// `tandem admin …`: the admin commands of `tandemd admin`, asked of a running
/// server with an admin token (`tandemd admin token create`). The server runs
/// the same report code as `tandemd admin` on its data directory; this only
/// prints what comes back.
struct AdminCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Inspect, explain and verify a running server's merge state (needs an admin token).",
        discussion: """
        Every subcommand takes --server HOST:PORT and the admin token, from --token or TANDEM_ADMIN_TOKEN (preferred: it \
        stays out of shell history), and --json. Plans and entities may be named by a unique prefix of at least 4 digits. \
        Exit status: 0 done, 1 the command found problems (verify, divergence) or the server could not run it, 2 bad arguments.
        Example: TANDEM_ADMIN_TOKEN=tda_… tandem admin conflicts 3f9a --server 127.0.0.1:7420 --member Ana
        """,
        subcommands: [Plans.self, Replicas.self, History.self, Conflicts.self, State.self, Verify.self, Compact.self, Divergence.self]
    )

    struct Connection: ParsableArguments {
        @Option(help: ArgumentHelp("The running server: HOST:PORT, or tls://HOST:PORT (with --ca for a private CA).", valueName: "server")) var server: String
        @Option(help: ArgumentHelp("An admin token (default: $TANDEM_ADMIN_TOKEN).", valueName: "token")) var token: String?
        @Option(help: "Seconds to wait for the answer.") var timeout: Int = 60
        @OptionGroup var tls: TLSOptions
        @OptionGroup var format: JSONFlag

        /// Sends the command and prints the answer: the table, or the JSON with --json.
        func run(_ command: String, _ arguments: [String: String?] = [:]) throws {
            guard let endpoint = SyncEndpoint(server) else {
                throw CLIError("invalid-server", "'\(server)' is not HOST:PORT or tls://HOST:PORT, e.g. 127.0.0.1:7420")
            }
            guard let token = token ?? CLIContext.current.environment["TANDEM_ADMIN_TOKEN"], !token.isEmpty else {
                throw CLIError("missing-token", "give an admin token with --token or TANDEM_ADMIN_TOKEN (create one with 'tandemd admin token create')")
            }
            guard (1...3600).contains(timeout) else { throw CLIError("invalid-timeout", "--timeout takes 1 to 3600 seconds") }
            let client = AdminClient(endpoint: endpoint, token: token, timeout: .seconds(timeout), trustedCertificatesPEM: try tls.givenPEM())
            let given = arguments.compactMapValues { $0 }
            let body: AdminResponseBody
            do {
                body = try BlockingBridge.run { try await client.run(command, arguments: given) }
            } catch let error as WireError {
                throw CLIError(error.code.rawValue, error.code == .forbidden
                               ? "\(error.message) (the token is a member's invite, not an admin token)" : error.message,
                               exitCode: ExitStatus.failure)
            }
            switch body.status {
            case .ok, .problems:
                Out.line(format.json ? body.json : body.text)
                if body.status == .problems { throw CLIError("problems-found", "the server reports problems (see above)", exitCode: ExitStatus.failure) }
            case .failed:
                if format.json { Out.line(body.json) }
                let code = body.code.isEmpty ? "failed" : body.code
                throw CLIError(code, body.text, exitCode: code == "invalid-request" || code == "not-found" ? ExitStatus.usage : ExitStatus.failure)
            }
        }
    }

    struct Plans: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every plan: operations, stored size (raw and zlib), members, replicas, last activity.")
        @OptionGroup var connection: Connection
        func run() throws { try connection.run("plans") }
    }

    struct Replicas: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Each replica of a plan: member, counters sent, last seen, how far behind.")
        @OptionGroup var connection: Connection
        @Argument(help: "Plan id or prefix.") var plan: String
        func run() throws { try connection.run("replicas", ["plan": plan]) }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every operation that touched an entity: author, time, replica, server sequence.")
        @OptionGroup var connection: Connection
        @Argument(help: "Plan id or prefix.") var plan: String
        @Argument(help: "Entity id or prefix.") var entity: String
        func run() throws { try connection.run("history", ["plan": plan, "entity": entity]) }
    }

    struct Conflicts: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Concurrent overwrites resolved by last-writer-wins: both values, authors, times, the winner.")
        @OptionGroup var connection: Connection
        @Argument(help: "Plan id or prefix.") var plan: String
        @Option(help: "Only this entity (id or prefix).") var entity: String?
        @Option(help: "Only conflicts where this member (name or id prefix) wrote one side.") var member: String?
        @Option(help: "Only conflicts with a write at or after this time (UTC, YYYY-MM-DD[THH:MM[:SS]]Z).") var since: String?
        @Option(help: "Only conflicts with a write at or before this time (UTC).") var until: String?
        func run() throws {
            try connection.run("conflicts", ["plan": plan, "entity": entity, "member": member, "since": since, "until": until])
        }
    }

    struct State: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The plan's canonical JSON, now or replayed to a point of its history.")
        @OptionGroup var connection: Connection
        @Argument(help: "Plan id or prefix.") var plan: String
        @Option(help: "Replay operations whose clock is at or before this time (UTC).") var at: String?
        @Option(help: "Replay operations up to this server sequence.") var seq: UInt64?
        func validate() throws {
            if at != nil && seq != nil { throw ValidationError("give --at or --seq, not both") }
        }
        func run() throws { try connection.run("state", ["plan": plan, "at": at, "seq": seq.map(String.init)]) }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rebuild each plan from its log; check snapshots, sequence gaps, duplicates and causality. Exit 1 on any problem.")
        @OptionGroup var connection: Connection
        @Argument(help: "Plan id or prefix (default: every plan).") var plan: String?
        func run() throws { try connection.run("verify", ["plan": plan]) }
    }

    struct Compact: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Snapshot the plan at its head from the verified log, then prune the log up to it (see docs/operations.md).")
        @OptionGroup var connection: Connection
        @Argument(help: "Plan id or prefix.") var plan: String
        @Flag(help: "Keep the whole log (only write the snapshot).") var keepLog = false
        func run() throws { try connection.run("compact", ["plan": plan, "keep-log": keepLog ? "1" : nil]) }
    }

    struct Divergence: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask the plan's connected replicas for their digest at the server's sequence; exit 1 if any differs from its view.")
        @OptionGroup var connection: Connection
        @Argument(help: "Plan id or prefix.") var plan: String
        @Option(help: "Milliseconds to wait for the replicas' answers.") var wait: Int = 2000
        func run() throws {
            guard (1...60_000).contains(wait) else { throw ValidationError("--wait takes 1 to 60000 milliseconds") }
            try connection.run("divergence", ["plan": plan, "timeout-ms": String(wait)])
        }
    }
}
