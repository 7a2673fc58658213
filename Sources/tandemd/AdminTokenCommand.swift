import ArgumentParser
import TandemModel
import TandemServer

/// `tandemd admin token create|list|revoke`: server-wide admin tokens for
/// `tandem admin …` against a running server. A token is shown once, at
/// creation, and stored only as its SHA-256 (like a member's invite).
struct AdminTokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, list and revoke admin tokens (for 'tandem admin …' against a running server).",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an admin token; prints it once (160 random bits, 'tda_' and 40 hex digits).")
        @OptionGroup var options: AdminCommand.Options
        @Option(help: "A name to tell tokens apart (default: admin-N).") var name: String?

        func validate() throws {
            if let name, name.isEmpty || name.utf8.count > 64 || name.contains(where: { $0.isNewline }) {
                throw ValidationError("--name takes 1 to 64 characters on one line")
            }
        }

        func run() async throws {
            let now = Int64(SystemWallClock.milliseconds())
            let (token, record) = try await options.withStore { store in
                let existing = try await store.adminTokens().count
                let chosen = name ?? "admin-\(existing + 1)"
                let made = Tokens.makeAdmin(name: chosen, atMilliseconds: now)
                try await store.createAdminToken(made.record, tokenHash: made.hash)
                return (made.token, made.record)
            }
            if options.json {
                Swift.print(JSONValue.object(["id": .string(record.id), "name": .string(record.name), "token": .string(token)]).rendered(pretty: true))
            } else {
                Swift.print("admin token \(record.id) \"\(record.name)\" (shown once; store it like a password):")
                Swift.print(token)
                Swift.print("use with: TANDEM_ADMIN_TOKEN=\(token.prefix(8))… tandem admin plans --server HOST:PORT")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every admin token: id, name, created, revoked (never the token itself).")
        @OptionGroup var options: AdminCommand.Options

        func run() async throws {
            let tokens = try await options.withStore { try await $0.adminTokens() }
            var table = TextTable("ID", "NAME", "CREATED", "REVOKED")
            for t in tokens {
                table.append([t.id, t.name, Instant(milliseconds: t.createdMilliseconds).description,
                              t.revokedMilliseconds.map { Instant(milliseconds: $0).description } ?? "-"])
            }
            let json = JSONValue.object(["tokens": .array(tokens.map { t in
                .object(["id": .string(t.id), "name": .string(t.name), "created": .string(Instant(milliseconds: t.createdMilliseconds).description),
                         "revoked": t.revokedMilliseconds.map { .string(Instant(milliseconds: $0).description) } ?? .null])
            })])
            try options.print(AdminOutput(text: tokens.isEmpty ? "no admin tokens; create one with 'tandemd admin token create'" : table.rendered, json: json))
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an admin token by id or name; connections it opened keep their current request, new ones are refused.")
        @OptionGroup var options: AdminCommand.Options
        @Argument(help: "The token's id (from 'token list') or name.") var token: String

        func run() async throws {
            let revoked = try await options.withStore { try await $0.revokeAdminToken(token, atMilliseconds: Int64(SystemWallClock.milliseconds())) }
            guard revoked else { throw ValidationError("no active admin token with id or name '\(token)'; see 'tandemd admin token list'") }
            try options.print(AdminOutput(text: "revoked admin token '\(token)'", json: .object(["revoked": .string(token)])))
        }
    }
}
