import ArgumentParser
import Logging
import ServiceLifecycle
import TandemModel
import TandemServer

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `tandemd`: the sync server and its offline admin commands. Thin: the
/// server, the store and plan administration live in `TandemServer`.
@main
struct Tandemd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tandemd",
        abstract: "The Tandem sync server.",
        discussion: """
        Run 'tandemd plan create' and 'tandemd member add' to set a plan up, \
        give each member their invite token, and run 'tandemd serve'. Admin \
        commands work on the data directory and may run while the server does.
        """,
        version: "0.1.0",
        subcommands: [Serve.self, PlanCommand.self, MemberCommand.self, AdminCommand.self, AnalyticsCommand.self]
    )
}

struct DataOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The server's data directory (created when missing).", valueName: "dir"))
    var data: String

    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func logger(_ label: String) -> Logger {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: label)
    }

    func openStore() throws -> SQLiteServerStore { try SQLiteServerStore(directory: data) }
}

extension Tandemd {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve plans over TCP until SIGTERM or SIGINT.")

        @OptionGroup var options: DataOptions

        @Option(help: ArgumentHelp("Address to listen on; port 0 picks a free one (printed).", valueName: "host:port"))
        var listen: String = "127.0.0.1:7420"

        @Option(help: "Send a snapshot instead of the log to snapshot-capable clients this many operations behind.")
        var snapshotLag: UInt64 = 20_000

        func validate() throws {
            guard Self.parse(listen) != nil else { throw ValidationError("--listen takes HOST:PORT, e.g. 127.0.0.1:7420") }
        }

        static func parse(_ text: String) -> (String, Int)? {
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
            let host = String(text[..<colon])
            return host.isEmpty ? nil : (host, port)
        }

        func run() async throws {
            let logger = options.logger("tandemd")
            let (host, port) = Self.parse(listen)!
            let store = try options.openStore()
            let server = SyncServer(store: store, configuration: ServerConfiguration(host: host, port: port, snapshotLag: snapshotLag), logger: logger)
            let group = ServiceGroup(configuration: .init(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                tasks.addTask {
                    let bound = try await server.listeningPort()
                    // Scripts and tests read this line to learn the port.
                    print("listening on \(host):\(bound)")
                    fflush(nil)
                }
                try await tasks.waitForAll()
            }
        }
    }

    struct PlanCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "plan", abstract: "Create and list plans.", subcommands: [Create.self, List.self])

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Create a plan; prints its id.")
            @OptionGroup var options: DataOptions
            @Option var title: String
            @Option var customer: String
            @Option(help: "Template: smb, mid-market or enterprise.") var template: String?
            @Option(help: "Start date YYYY-MM-DD (due dates of a template count from it).") var start: String?

            func run() async throws {
                let template = try template.map { name in
                    guard let found = PlanTemplate.named(name) else {
                        throw ValidationError("there is no template '\(name)'; templates are: \(PlanTemplate.catalog.map(\.name).joined(separator: ", "))")
                    }
                    return found
                }
                let startDate = try start.map { try OnboardingPlan.parseDate($0, "start date") }
                let admin = PlanAdministration(store: try options.openStore())
                let plan = try await admin.createPlan(OnboardingPlan.Details(title: title, customer: customer, start: startDate, template: template?.name),
                                                      template: template, start: startDate)
                print(plan.id)
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List plans.")
            @OptionGroup var options: DataOptions

            func run() async throws {
                let store = try options.openStore()
                for plan in try await store.plans() {
                    print("\(plan.id)  head \(try await store.head(plan: plan.id))  \(plan.title) — \(plan.customer)")
                }
            }
        }
    }

    struct MemberCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "member", abstract: "Add and list members.", subcommands: [Add.self, List.self])

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add a member to a plan; prints the member id and their invite token (shown once).")
            @OptionGroup var options: DataOptions
            @Option(help: "Plan id.") var plan: String
            @Option var name: String
            @Option(help: "internal or customer.") var side: String
            @Option var role: String?
            @Option var email: String?
            @Flag(help: "Print only the token.") var tokenOnly = false

            func run() async throws {
                guard let planID = EntityID(plan) else { throw ValidationError("--plan takes the 32-hex-digit plan id printed by 'tandemd plan create'") }
                let side = try Side.parse(self.side)
                let admin = PlanAdministration(store: try options.openStore())
                let (member, token) = try await admin.addMember(plan: planID, name: name, email: email, side: side, role: role)
                if tokenOnly {
                    print(token)
                } else {
                    print("member \(member.member)")
                    print("token  \(token)")
                    print("join with: tandem join HOST:PORT \(token)")
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List a plan's members.")
            @OptionGroup var options: DataOptions
            @Option(help: "Plan id.") var plan: String

            func run() async throws {
                guard let planID = EntityID(plan) else { throw ValidationError("--plan takes the 32-hex-digit plan id") }
                for member in try await options.openStore().members(plan: planID) {
                    print("\(member.member)  \(member.side.rawValue)  \(member.name)\(member.role.map { " (\($0))" } ?? "")")
                }
            }
        }
    }
}
