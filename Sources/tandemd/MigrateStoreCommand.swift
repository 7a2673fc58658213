import ArgumentParser
import Logging
import TandemPostgres
import TandemServer

/// `tandemd migrate-store --from DIR --to postgres://…`: moves an embedded
/// server's data to PostgreSQL and verifies the copy. Stop `tandemd serve` on
/// the directory first, so nothing is written to it during the copy.
struct MigrateStoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-store",
        abstract: "Copy every plan of a data directory into PostgreSQL, then verify the copy. Exit 1 on any difference.",
        discussion: """
        Copies plans, members (token hashes and revocations included), replicas, each log with its \
        sequences and the snapshots; then reads every plan back from PostgreSQL and checks rows, \
        counts, heads and the digest of the rebuilt document. Refuses a target that already holds \
        plans unless --allow-non-empty, which copies only the plans it lacks (identical ones are \
        reported 'already there', so an interrupted copy can be run again).
        """)

    @Option(help: ArgumentHelp("The data directory to copy from (the SQLite store).", valueName: "dir"))
    var from: String

    @Option(help: ArgumentHelp("The PostgreSQL store to copy into: postgres://user[:password]@host[:port]/database.", valueName: "url"))
    var to: String

    @Flag(help: "Copy into a store that already holds plans (only the missing ones are copied).")
    var allowNonEmpty = false

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    func validate() throws {
        if PostgresStoreURL.looksLikeURL(from) { throw ValidationError("--from takes the data directory of an embedded server, not a postgres:// address") }
        guard PostgresStoreURL.looksLikeURL(to) else { throw ValidationError("--to takes a postgres:// address") }
    }

    func run() async throws {
        var logger = Logger(label: "tandemd.migrate-store") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        let source = try StoreOptions.location(store: nil, data: from)
        let target = try StoreOptions.location(store: to, data: nil)
        let output = try await source.withStore(logger: logger, mode: .existing) { sourceStore in
            try await target.withStore(logger: logger, mode: .create) { targetStore in
                guard let exporter = sourceStore as? any ServerStoreExporting,
                      let importer = targetStore as? any ServerStoreImporting & ServerStoreExporting else {
                    throw ValidationError("migrate-store copies from a data directory into PostgreSQL")
                }
                return try await StoreMigration.run(from: exporter, to: importer, sourceName: source.description, targetName: target.description,
                                                    allowNonEmpty: allowNonEmpty)
            }
        }
        print(output.rendered(json: json))
        if !output.succeeded { throw ExitCode(1) }
    }
}
