import ArgumentParser
import TandemModel
import TandemServer

extension Tandemd {
    /// `tandemd member add|list|revoke`: members, their access and their tokens.
    struct MemberCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "member",
            abstract: "Add, list and revoke a plan's members.",
            discussion: """
            Access: owner (everything, membership too), internal-editor (everything but membership), \
            customer-editor (shared entries; never sees internal-only data), viewer (reads only; \
            internal viewers see internal-only data, customer viewers do not). See docs/security.md.
            """,
            subcommands: [Add.self, List.self, Revoke.self]
        )

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add a member to a plan; prints the member id and their invite token (shown once).")
            @OptionGroup var options: DataOptions
            @Option(help: "Plan id (or a unique prefix).") var plan: String
            @Option var name: String
            @Option(help: "internal or customer.") var side: String
            @Option(help: ArgumentHelp("owner, internal-editor, customer-editor or viewer (default: the editor of --side).", valueName: "access"))
            var access: String?
            @Option(help: "Job title, free text (e.g. CSM).") var role: String?
            @Option var email: String?
            @Flag(help: "Print only the token.") var tokenOnly = false
            @Flag(help: "Print JSON (with the token).") var json = false

            func validate() throws {
                let side = try Side.parse(self.side)
                if let access {
                    guard let parsed = AccessRole(rawValue: access) else {
                        throw ValidationError("--access takes one of: \(AccessRole.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    guard parsed.fits(side) else {
                        throw ValidationError("a member on the \(side.rawValue) side cannot be \(parsed.rawValue): owners and internal editors are internal, customer editors are customers")
                    }
                }
                guard !(tokenOnly && json) else { throw ValidationError("--token-only and --json exclude each other") }
            }

            func run() async throws {
                let side = try Side.parse(self.side)
                let access = self.access.flatMap(AccessRole.init(rawValue:))
                let (member, token) = try await options.withStore { store in
                    let planID = try await PlanInspector.resolvePlan(plan, store: store)
                    return try await PlanAdministration(store: store).addMember(plan: planID, name: name, email: email, side: side, role: role, access: access)
                }
                if tokenOnly {
                    print(token)
                } else {
                    print(AdminReports.addedMember(member, token: token).rendered(json: json))
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List a plan's members with their side and access (revoked ones are left out).")
            @OptionGroup var options: DataOptions
            @Option(help: "Plan id (or a unique prefix).") var plan: String
            @Flag(help: "Print JSON instead of a table.") var json = false

            func run() async throws {
                let output = try await options.withStore { try await AdminReports.members(store: $0, plan: plan) }
                print(output.rendered(json: json))
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Revoke a member's token: refused from now on; a running server closes their connections within about a second.")
            @OptionGroup var options: DataOptions
            @Option(help: "Plan id (or a unique prefix).") var plan: String
            @Option(help: "Member id (or a unique prefix of at least 4 digits).") var member: String
            @Flag(help: "Print JSON.") var json = false

            func run() async throws {
                let output = try await options.withStore { try await AdminReports.revoke(store: $0, plan: plan, member: member) }
                print(output.rendered(json: json))
            }
        }
    }
}
