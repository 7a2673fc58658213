import ArgumentParser
import TandemModel
import TandemStore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a replica store here (or at --store / $TANDEM_STORE) with a fresh replica id."
    )

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let directory = global.storeDirectory
        let store = try ReplicaStore.create(at: directory)
        if let member = global.actingMember { try store.setSetting("member", member) }
        Out.line("initialised tandem store in \(directory) (replica \(store.replicaID))")
        if let member = global.actingMember { Out.line("acting member: \(member)") }
        Out.line("next: tandem plan create --customer NAME [--template smb|mid-market|enterprise]")
    }
}

struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show or change store settings (the default acting member).",
        subcommands: [Set.self, Show.self],
        defaultSubcommand: Show.self
    )

    static let keys = ["member"]

    struct Set: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Set a setting: 'tandem config set member \"Ana Ruiz\"'.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Setting name (member).") var key: String
        @Argument(help: "New value; empty to clear.") var value: String

        func run() throws {
            guard ConfigCommand.keys.contains(key) else {
                throw CLIError("unknown-setting", "there is no setting '\(key)'; settings are: \(ConfigCommand.keys.joined(separator: ", "))")
            }
            let session = try Session(global)
            if !value.isEmpty {
                // Check the member exists when the plan has members, so typos surface now.
                let plan = OnboardingPlan(replica: try session.store.load())
                if !plan.members.isEmpty { _ = try EntityResolver(plan: plan).member(value) }
            }
            try session.store.setSetting(key, value.isEmpty ? nil : value)
            Out.line(value.isEmpty ? "cleared \(key)" : "\(key) = \(value)")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show settings, the replica id and store counts.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: JSONFlag

        func run() throws {
            let session = try Session(global)
            let stats = try session.store.statistics()
            let member = try session.store.setting("member")
            if format.json {
                Out.json(.object([
                    "store": .string(session.store.directory), "replica": .string(session.store.replicaID.description),
                    "member": member.map(JSONValue.string) ?? .null,
                    "operations": .int(Int64(stats.operations)), "pending": .int(Int64(stats.pending)),
                ]))
                return
            }
            Out.line("store       \(session.store.directory)")
            Out.line("replica     \(session.store.replicaID)")
            Out.line("member      \(member ?? "(not set)")")
            Out.line("operations  \(stats.operations) (\(stats.pending) not yet synced)")
        }
    }
}
