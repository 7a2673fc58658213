import ArgumentParser
import TandemModel
import TandemServer

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `tandemd admin …`: inspect, explain and verify what the server merged,
/// offline on the store, a data directory or PostgreSQL (safe while the server runs: reads see the
/// last commit; `compact` writes one snapshot and prunes the log up to it).
struct AdminCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin",
        abstract: "Inspect, explain and verify the merge state of a data directory.",
        discussion: "Plans and entities may be named by a unique prefix of their id (at least 4 digits). Every command takes --json.",
        subcommands: [Plans.self, Replicas.self, History.self, Conflicts.self, State.self, Verify.self, Compact.self, AdminTokenCommand.self]
    )

    struct Options: ParsableArguments {
        @OptionGroup var store: StoreOptions

        @Flag(help: "Print JSON instead of a table.")
        var json = false

        /// Runs `body` on the store, which must exist: admin commands read, they do not create.
        func withStore<T>(_ body: (any ServerAdminStore) async throws -> T) async throws -> T {
            try await store.withStore(mode: .existing, body)
        }

        func print(_ output: AdminOutput) throws {
            Swift.print(output.rendered(json: json))
            if !output.succeeded { throw ExitCode(1) }
        }
    }

    static func instant(_ text: String?, _ flag: String) throws -> Int64? {
        guard let text else { return nil }
        guard let instant = Instant(iso8601: text) else { throw ValidationError("\(flag) takes YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.mmm]]Z (UTC)") }
        return instant.milliseconds
    }

    struct Plans: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every plan: operations, stored size (raw and zlib), members, replicas, last activity.")
        @OptionGroup var options: Options
        func run() async throws { try options.print(try await options.withStore { try await AdminReports.plans(store: $0) }) }
    }

    struct Replicas: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Each replica of a plan: member, counters sent, last seen, how far behind.")
        @OptionGroup var options: Options
        @Argument(help: "Plan id or prefix.") var plan: String
        func run() async throws { try options.print(try await options.withStore { try await AdminReports.replicas(store: $0, plan: plan) }) }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every operation that touched an entity: author, time, replica, server sequence.")
        @OptionGroup var options: Options
        @Argument(help: "Plan id or prefix.") var plan: String
        @Argument(help: "Entity id or prefix.") var entity: String
        func run() async throws { try options.print(try await options.withStore { try await AdminReports.history(store: $0, plan: plan, entity: entity) }) }
    }

    struct Conflicts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Concurrent overwrites resolved by last-writer-wins: both values, authors, times, the winner.")
        @OptionGroup var options: Options
        @Argument(help: "Plan id or prefix.") var plan: String
        @Option(help: "Only this entity (id or prefix).") var entity: String?
        @Option(help: "Only conflicts where this member (name or id prefix) wrote one side.") var member: String?
        @Option(help: "Only conflicts with a write at or after this time (UTC).") var since: String?
        @Option(help: "Only conflicts with a write at or before this time (UTC).") var until: String?

        func run() async throws {
            let since = try AdminCommand.instant(since, "--since"), until = try AdminCommand.instant(until, "--until")
            try options.print(try await options.withStore { store in
                try await AdminReports.conflicts(store: store, plan: plan, entity: entity, member: member, since: since, until: until)
            })
        }
    }

    struct State: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The plan's canonical JSON, now or replayed to a point of its history.")
        @OptionGroup var options: Options
        @Argument(help: "Plan id or prefix.") var plan: String
        @Option(help: "Replay operations whose clock is at or before this time (UTC).") var at: String?
        @Option(help: "Replay operations up to this server sequence.") var seq: UInt64?

        func validate() throws {
            if at != nil && seq != nil { throw ValidationError("give --at or --seq, not both") }
        }

        func run() async throws {
            let point: PlanInspector.Point = if let seq { .sequence(seq) } else if let at = try AdminCommand.instant(at, "--at") { .time(at) } else { .head }
            // The state is JSON either way; --json only drops the indentation.
            let output = try await options.withStore { try await AdminReports.state(store: $0, plan: plan, at: point) }
            Swift.print(output.json.rendered(pretty: !options.json))
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rebuild each plan from its log; check snapshots, sequence gaps, duplicates and causality. Exit 1 on any problem.")
        @OptionGroup var options: Options
        @Argument(help: "Plan id or prefix (default: every plan).") var plan: String?
        func run() async throws { try options.print(try await options.withStore { try await AdminReports.verify(store: $0, plan: plan) }) }
    }

    struct Compact: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Snapshot the plan at its head from the verified log, then prune the log up to it (docs/operations.md, \"Compaction\").")
        @OptionGroup var options: Options
        @Argument(help: "Plan id or prefix.") var plan: String
        @Flag(help: "Keep the whole log (only write the snapshot).") var keepLog = false
        func run() async throws {
            try options.print(try await options.withStore { try await AdminReports.compact(store: $0, plan: plan, prune: !keepLog) })
        }
    }
}
