import TandemModel
import TandemWire

/// The admin commands of a running server (`tandem admin …` over the wire):
/// one ``AdminRequest`` in, one ``AdminResponseBody`` out. The reports are
/// the very functions `tandemd admin` calls on a data directory
/// (``AdminReports``); this only maps named arguments onto them, so the two
/// front ends cannot drift apart.
struct AdminService: Sendable {
    let store: any ServerStore
    let registry: PlanRegistry

    /// Commands a request may name.
    static let commands = ["plans", "replicas", "history", "conflicts", "state", "verify", "compact", "divergence"]

    func run(_ request: AdminRequest) async -> AdminResponseBody {
        do {
            guard let store = store as? any ServerAdminStore else {
                throw AdminArgumentError(code: "unsupported", "this server's store does not support admin commands")
            }
            let output = try await output(request, store: store)
            let body = AdminResponseBody(status: output.succeeded ? .ok : .problems, text: output.text, json: output.json.rendered(pretty: true))
            guard body.text.utf8.count + body.json.utf8.count < AdminResponseBody.maxBytes - 64 else {
                throw AdminArgumentError(code: "too-large", "the answer exceeds \(AdminResponseBody.maxBytes >> 20) MiB; narrow it (a plan, an entity, filters) or run 'tandemd admin' on the data directory")
            }
            return body
        } catch let error as AdminArgumentError {
            return Self.failure(error.code, error.message)
        } catch let error as ServerStoreError {
            return Self.failure(error.code.rawValue, error.message)
        } catch {
            return Self.failure("internal-error", "the admin command failed: \(error)")
        }
    }

    static func failure(_ code: String, _ message: String) -> AdminResponseBody {
        AdminResponseBody(status: .failed, code: code, text: message,
                          json: JSONValue.object(["code": .string(code), "message": .string(message)]).rendered(pretty: true))
    }

    private func output(_ request: AdminRequest, store: any ServerAdminStore) async throws -> AdminOutput {
        let a = Arguments(request)
        let output: AdminOutput
        switch request.command {
        case "plans":
            output = try await AdminReports.plans(store: store)
        case "replicas":
            output = try await AdminReports.replicas(store: store, plan: try a.required("plan"))
        case "history":
            output = try await AdminReports.history(store: store, plan: try a.required("plan"), entity: try a.required("entity"))
        case "conflicts":
            output = try await AdminReports.conflicts(store: store, plan: try a.required("plan"), entity: a["entity"], member: a["member"],
                                                      since: try a.instant("since"), until: try a.instant("until"))
        case "state":
            let point: PlanInspector.Point
            if let seq = a["seq"] {
                guard let value = UInt64(seq), a["at"] == nil else { throw AdminArgumentError("state takes --seq N (a server sequence) or --at TIME, not both") }
                point = .sequence(value)
            } else if let at = try a.instant("at") {
                point = .time(at)
            } else {
                point = .head
            }
            output = try await AdminReports.state(store: store, plan: try a.required("plan"), at: point)
        case "verify":
            output = try await AdminReports.verify(store: store, plan: a["plan"])
        case "compact":
            output = try await AdminReports.compact(store: store, plan: try a.required("plan"), prune: a["keep-log"] == nil)
        case "divergence":
            var timeout = Duration.seconds(2)
            if let text = a["timeout-ms"] {
                guard let ms = Int(text), (1...60_000).contains(ms) else { throw AdminArgumentError("--timeout takes 1 to 60000 milliseconds") }
                timeout = .milliseconds(ms)
            }
            output = try await AdminReports.divergence(store: store, registry: registry, plan: try a.required("plan"), timeout: timeout)
        default:
            throw AdminArgumentError("unknown admin command '\(request.command)'; commands are: \(Self.commands.joined(separator: ", "))")
        }
        try a.checkAllUsed(command: request.command)
        return output
    }

    /// Named arguments, each read at most once, so a misspelt one is an error rather than ignored.
    private final class Arguments {
        let values: [String: String]
        var used: Set<String> = []
        init(_ request: AdminRequest) { values = request.arguments }

        subscript(name: String) -> String? {
            used.insert(name)
            return values[name]
        }

        func required(_ name: String) throws -> String {
            guard let value = self[name] else { throw AdminArgumentError("missing argument '\(name)'") }
            return value
        }

        func instant(_ name: String) throws -> Int64? {
            guard let text = self[name] else { return nil }
            guard let instant = Instant(iso8601: text) else {
                throw AdminArgumentError("--\(name) takes YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.mmm]]Z (UTC)")
            }
            return instant.milliseconds
        }

        func checkAllUsed(command: String) throws {
            let unknown = Set(values.keys).subtracting(used)
            guard unknown.isEmpty else { throw AdminArgumentError("'\(command)' takes no argument '\(unknown.sorted().joined(separator: "', '"))'") }
        }
    }
}

/// A bad admin request: a stable code and a message for the operator.
struct AdminArgumentError: Error {
    var code = "invalid-request"
    var message: String
    init(code: String = "invalid-request", _ message: String) {
        self.code = code
        self.message = message
    }
}
