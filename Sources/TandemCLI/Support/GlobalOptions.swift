import ArgumentParser

/// Options every command that touches a store accepts.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Store directory (default: $TANDEM_STORE, else ./.tandem).", valueName: "dir"))
    var store: String?

    @Option(name: [.customLong("as")], help: ArgumentHelp("Act as this member (name, email or id prefix); default: 'tandem config set member'.", valueName: "member"))
    var actingMember: String?

    /// The store directory this invocation uses.
    var storeDirectory: String {
        let context = CLIContext.current
        if let store { return context.absolute(store) }
        if let env = context.environment["TANDEM_STORE"], !env.isEmpty { return context.absolute(env) }
        return context.absolute(".tandem")
    }
}

/// `--json` for read commands.
struct JSONFlag: ParsableArguments {
    @Flag(name: .long, help: "Print JSON (deterministic: keys sorted) instead of a table.")
    var json = false
}
