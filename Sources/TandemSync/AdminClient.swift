import Logging
import NIOCore
import NIOPosix
import TandemModel
import TandemWire

/// `tandem admin …` against a running server: one connection authenticated
/// with an admin token, one `ADMIN_REQUEST`, its `ADMIN_RESPONSE` parts
/// reassembled into the body the server rendered (the CLI only prints it).
public struct AdminClient: Sendable {
    public let endpoint: SyncEndpoint
    public let token: String
    public var timeout: Duration
    public var limits: WireLimits
    public var agent: String
    /// CA certificates (PEM) to trust for a `tls://` server signed by a private CA; nil trusts the system's.
    public var trustedCertificatesPEM: [UInt8]?
    private let group: any EventLoopGroup

    public init(endpoint: SyncEndpoint, token: String, timeout: Duration = .seconds(60), limits: WireLimits = .default,
                agent: String = "tandem-admin/0.1.0", trustedCertificatesPEM: [UInt8]? = nil,
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.trustedCertificatesPEM = trustedCertificatesPEM
        self.endpoint = endpoint
        self.token = token
        self.timeout = timeout
        self.limits = limits
        self.agent = agent
        self.group = group
    }

    /// Runs one admin command. Throws a ``WireError``: `forbidden` for a
    /// member's token, `authentication-failed` for an unknown or revoked one,
    /// `timeout`, `connection-failed`; a command that ran but failed (an
    /// unknown plan) is a body with status `.failed`, not an error.
    public func run(_ command: String, arguments: [String: String] = [:]) async throws -> AdminResponseBody {
        let limits = self.limits, endpoint = self.endpoint
        let channel = try await FrameConnection.open(to: endpoint, trustedCertificatesPEM: trustedCertificatesPEM, limits: limits,
                                                     connectTimeout: .seconds(10), group: group)
        let request = AdminRequest(id: 1, command: command, arguments: arguments)
        let hello = Hello(replica: .random(), token: token, agent: agent)
        do {
            return try await exchange(channel, request: request, hello: hello)
        } catch {
            throw ClientTLS.describe(error, endpoint: endpoint) ?? error
        }
    }

    private func exchange(_ channel: NIOAsyncChannel<Frame, Frame>, request: AdminRequest, hello: Hello) async throws -> AdminResponseBody {
        let limits = self.limits, timeout = self.timeout
        return try await channel.executeThenClose { inbound, outbound in
            try await withThrowingTaskGroup(of: AdminResponseBody.self) { tasks in
                tasks.addTask {
                    do {
                        try await outbound.write(Message.hello(hello).frame(limits: limits))
                    } catch {
                        // A failed TLS handshake closes the channel under this write;
                        // the inbound stream throws the handshake's own error, which says why.
                        for try await _ in inbound {}
                        throw error
                    }
                    var body: [UInt8] = []
                    for try await frame in inbound {
                        switch try Message.decode(frame, limits: limits) {
                        case .adminWelcome, .welcome:
                            // A member's token gets WELCOME; the server then answers `forbidden`, which says why.
                            try await outbound.write(Message.adminRequest(request).frame(limits: limits))
                        case .adminResponse(let part):
                            guard part.id == request.id else { throw WireError(.unexpectedMessage, "ADMIN_RESPONSE for request \(part.id), not \(request.id)") }
                            guard body.count + part.data.count <= AdminResponseBody.maxBytes else {
                                throw WireError(.frameTooLarge, "the admin response exceeds \(AdminResponseBody.maxBytes) bytes")
                            }
                            body += part.data
                            if !part.more { return try AdminResponseBody(decoding: body) }
                        case .ping(let nonce):
                            try await outbound.write(Message.pong(nonce: nonce).frame(limits: limits))
                        case .error(let error):
                            throw error
                        case let other:
                            throw WireError(.unexpectedMessage, "the server sent \(other.kind) to an admin request")
                        }
                    }
                    throw WireError(.connectionFailed, "the server closed the connection before answering")
                }
                tasks.addTask {
                    try await Task.sleep(for: timeout)
                    throw WireError(.timeout, "no answer from the server within \(timeout)")
                }
                defer { tasks.cancelAll() }
                return try await tasks.next()!
            }
        }
    }
}
