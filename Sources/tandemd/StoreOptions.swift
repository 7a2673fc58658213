import ArgumentParser
import Logging
import TandemPostgres
import TandemServer

/// `--data DIR` or `--store postgres://…` (or `TANDEMD_STORE`): every command
/// that opens the server's store takes these, and opens it through
/// ``ServerStoreLocation`` so no command branches on which store it has.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The server's data directory: the embedded SQLite store.", valueName: "dir"))
    var data: String?

    @Option(name: .long, help: ArgumentHelp(
        "A shared PostgreSQL store, postgres://user[:password]@host[:port]/database (a directory works too). Default: $TANDEMD_STORE.",
        valueName: "url"))
    var store: String?

    func location() throws -> ServerStoreLocation { try Self.location(store: store, data: data) }

    static func location(store: String?, data: String?) throws -> ServerStoreLocation {
        do {
            return try ServerStoreLocation.resolve(store: store, data: data)
        } catch let error as ServerStoreError {
            throw ValidationError(error.message)
        }
    }

    /// Runs `body` with the store open. Commands print results on standard
    /// output, so the store's own log goes to standard error, warnings only.
    func withStore<T>(mode: ServerStoreLocation.Mode, isolation: isolated (any Actor)? = #isolation,
                      _ body: (any ServerAdminStore) async throws -> T) async throws -> T {
        var logger = Logger(label: "tandemd.store") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        return try await location().withStore(logger: logger, mode: mode, body)
    }
}
