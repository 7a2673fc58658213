import ArgumentParser
import TandemModel
import TandemStore

/// Hidden tools for tests and support: crash and concurrency drivers, checks.
struct DebugCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug",
        abstract: "Store diagnostics and test drivers.",
        shouldDisplay: false,
        subcommands: [WriteLoop.self, Check.self, RebuildSnapshot.self]
    )

    struct WriteLoop: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "write-loop",
            abstract: "Make N single-operation commits, printing 'ack REPLICA COUNTER' after each is durable."
        )
        @OptionGroup var global: GlobalOptions
        @Argument var count: Int

        func run() throws {
            let session = try Session(global)
            for index in 1...max(1, count) {
                let id = try session.write { plan, _ -> OperationID in
                    try plan.editPlan(title: "write \(index)")
                    return plan.replica.outbox.last!.id
                }
                Out.line("ack \(id.replica) \(id.counter)")
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Integrity check, counts, and whether the snapshot + tail equals a full replay.")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var format: JSONFlag

        func run() throws {
            let session = try Session(global)
            let integrity = try session.store.integrityCheck()
            let stats = try session.store.statistics()
            // The log replays over the server snapshot the store was caught up from, if any.
            let base = try session.store.serverBase()
            var replay = base?.document ?? PlanDocument()
            for operation in try session.store.allOperations() { replay.apply(operation) }
            let loaded = try session.store.load().document
            let consistent = loaded.canonicalText() == replay.canonicalText() && loaded.version == replay.version
            if format.json {
                return Out.json(.object([
                    "integrity": .string(integrity.joined(separator: "; ")), "operations": .int(Int64(stats.operations)),
                    "pending": .int(Int64(stats.pending)), "snapshotCovers": .int(Int64(stats.snapshotCovers)),
                    "tail": .int(Int64(stats.tail)), "snapshotMatchesReplay": .bool(consistent),
                    "serverBaseSequence": base.map { .int($0.sequence) } ?? .null,
                ]))
            }
            Out.line("integrity   \(integrity.joined(separator: "; "))")
            Out.line("operations  \(stats.operations) (\(stats.pending) pending, snapshot covers \(stats.snapshotCovers), tail \(stats.tail))")
            if let base { Out.line("log starts  at a server snapshot (server sequence \(base.sequence), installed \(Instant(milliseconds: base.installedMilliseconds)))") }
            Out.line("snapshot + tail equals full replay: \(consistent ? "yes" : "NO")")
            if integrity != ["ok"] || !consistent {
                throw CLIError("inconsistent-store", "the store failed its checks; run 'tandem debug rebuild-snapshot', or restore from a backup", exitCode: ExitStatus.failure)
            }
        }
    }

    struct RebuildSnapshot: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rebuild-snapshot", abstract: "Rebuild the snapshot from the operation log (over the server snapshot the store started from, if any).")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let session = try Session(global)
            try session.store.rebuildSnapshot()
            Out.line("snapshot rebuilt from \(try session.store.statistics().operations) operations")
        }
    }
}
