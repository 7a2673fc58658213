import ArgumentParser
import Logging
import ServiceLifecycle
import TandemModel
import TandemPostgres
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
        commands work on the store and may run while the server does. The store \
        is a data directory (--data DIR, embedded SQLite) or a PostgreSQL \
        database shared by several instances (--store postgres://…, or TANDEMD_STORE).
        """,
        version: "0.1.0",
        subcommands: [Serve.self, PlanCommand.self, MemberCommand.self, AdminCommand.self, AnalyticsCommand.self, MigrateStoreCommand.self]
    )
}

struct DataOptions: ParsableArguments {
    @OptionGroup var store: StoreOptions

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

    /// Runs `body` with the store open, created when missing.
    func withStore<T>(_ body: (any ServerAdminStore) async throws -> T) async throws -> T {
        try await store.withStore(mode: .create, body)
    }
}

extension Tandemd {
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve plans over TCP until SIGTERM or SIGINT.")

        @OptionGroup var options: DataOptions

        @Option(help: ArgumentHelp("Address to listen on; port 0 picks a free one (printed).", valueName: "host:port"))
        var listen: String = "127.0.0.1:7420"

        @Option(help: "Send a snapshot instead of the log to snapshot-capable clients this many operations behind.")
        var snapshotLag: UInt64 = 20_000

        @OptionGroup var transport: TransportOptions

        @OptionGroup var metrics: MetricsOptions

        @Option(help: ArgumentHelp(
            "With a PostgreSQL store: seconds between safety refreshes of loaded plans from the shared log (besides LISTEN/NOTIFY).",
            valueName: "seconds"))
        var refreshInterval: Double = 5

        func validate() throws {
            guard Self.parse(listen) != nil else { throw ValidationError("--listen takes HOST:PORT, e.g. 127.0.0.1:7420") }
            guard refreshInterval >= 0.1, refreshInterval <= 3_600 else { throw ValidationError("--refresh-interval takes 0.1 to 3600 seconds") }
        }

        static func parse(_ text: String) -> (String, Int)? {
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else { return nil }
            let host = String(text[..<colon])
            return host.isEmpty ? nil : (host, port)
        }

        func run() async throws {
            let logger = options.logger("tandemd")
            let (host, port) = Self.parse(listen)!
            var configuration = ServerConfiguration(host: host, port: port, snapshotLag: snapshotLag)
            try transport.configure(&configuration)
            let metricsEndpoint = metrics.configure(&configuration, dataDirectory: options.store.data, logger: logger)
            let location = try options.store.location()
            try await location.withStore(logger: logger, mode: .create) { store in
                let server = SyncServer(store: store, configuration: configuration, logger: logger)
                // Graceful shutdown runs in reverse: the server drains first, then its companions stop.
                let services = location.companionServices(store: store, server: server, logger: logger,
                                                          safetyInterval: .milliseconds(Int64(refreshInterval * 1_000))) + [server]
                    + (metricsEndpoint.map { [$0] } ?? [])
                let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask { try await group.run() }
                    tasks.addTask {
                        let bound = try await server.listeningPort()
                        // Scripts and tests read this line to learn the port.
                        print("listening on \(host):\(bound)")
                        fflush(nil)
                    }
                    if let metricsEndpoint {
                        tasks.addTask {
                            let bound = try await metricsEndpoint.listeningPort()
                            print("metrics on http://\(metricsEndpoint.host):\(bound)/metrics")
                            fflush(nil)
                        }
                    }
                    try await tasks.waitForAll()
                }
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
                let plan = try await options.withStore { store in
                    try await PlanAdministration(store: store).createPlan(
                        OnboardingPlan.Details(title: title, customer: customer, start: startDate, template: template?.name), template: template, start: startDate)
                }
                print(plan.id)
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List plans.")
            @OptionGroup var options: DataOptions

            func run() async throws {
                try await options.withStore { store in
                    for plan in try await store.plans() {
                        print("\(plan.id)  head \(try await store.head(plan: plan.id))  \(plan.title) — \(plan.customer)")
                    }
                }
            }
        }
    }
}
