import TandemModel
import TandemWire

/// Where a server listens: `HOST:PORT`, or `tls://HOST:PORT` for a server
/// that speaks TLS (the client then verifies its certificate and host name).
public struct SyncEndpoint: Hashable, Sendable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var tls: Bool

    public init(host: String, port: Int, tls: Bool = false) {
        self.host = host
        self.port = port
        self.tls = tls
    }

    /// Parses `HOST:PORT` (`[::1]:7420` for IPv6), optionally after `tls://` or `tcp://`.
    public init?(_ text: String) {
        var text = Substring(text)
        var tls = false
        if text.lowercased().hasPrefix("tls://") {
            tls = true
            text = text.dropFirst(6)
        } else if text.lowercased().hasPrefix("tcp://") {
            text = text.dropFirst(6)
        }
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains("/") else { return nil }
        self.init(host: host, port: port, tls: tls)
    }

    public var description: String { (tls ? "tls://" : "") + (host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)") }
}

/// How the sync engine behaves.
public struct SyncOptions: Sendable {
    /// Operations per `PUSH`.
    public var batchSize: Int
    /// `PUSH`es sent before waiting for an `ACK`.
    public var window: Int
    public var connectTimeout: Duration
    /// Silence from the server while waiting for an answer fails the sync after this long.
    public var responseTimeout: Duration
    /// How often `watch` looks for new local operations.
    public var pollInterval: Duration
    /// `watch` compares digests at most this often.
    public var digestInterval: Duration
    public var agent: String
    public var limits: WireLimits
    /// PEM certificates of the CAs to trust for a `tls://` server instead of the
    /// system's (a private CA: `tandem --ca FILE`); nil trusts the system's.
    public var trustedCertificatesPEM: [UInt8]? = nil
    /// First reconnect delay of `watch`; doubles up to `maximumBackoff`, with full jitter.
    public var initialBackoff: Duration
    public var maximumBackoff: Duration
    /// A test hook: return true to drop the connection instead of sending the
    /// message (e.g. mid-push, to prove nothing is lost or duplicated).
    public var dropConnection: (@Sendable (_ message: Message, _ framesSent: Int) -> Bool)?

    public init(batchSize: Int = 2_000, window: Int = 4, connectTimeout: Duration = .seconds(5), responseTimeout: Duration = .seconds(30),
                pollInterval: Duration = .milliseconds(200), digestInterval: Duration = .seconds(1), agent: String = "tandem/0.1.0",
                limits: WireLimits = .default, initialBackoff: Duration = .milliseconds(250), maximumBackoff: Duration = .seconds(30),
                dropConnection: (@Sendable (Message, Int) -> Bool)? = nil) {
        self.batchSize = batchSize
        self.window = window
        self.connectTimeout = connectTimeout
        self.responseTimeout = responseTimeout
        self.pollInterval = pollInterval
        self.digestInterval = digestInterval
        self.agent = agent
        self.limits = limits
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.dropConnection = dropConnection
    }
}

/// An operation the server refused, as the user sees it.
public struct RefusedOperation: Hashable, Sendable {
    public var operation: OperationID
    public var code: String
    public var reason: String
    public var summary: String
}

/// What one sync did.
public struct SyncReport: Hashable, Sendable {
    public var plan: EntityID?
    public var member: EntityID?
    /// Local operations the server acknowledged.
    public var acknowledged = 0
    public var refused: [RefusedOperation] = []
    /// Operations received from the server.
    public var received = 0
    /// Whether a snapshot replaced a long catch-up.
    public var usedSnapshot = false
    /// The server sequence the replica is at, and the digest both sides agreed on there.
    public var sequence: UInt64 = 0
    public var digest: [UInt8] = []

    public init() {}
}

/// Progress and outcomes, for the CLI (progress bar, messages) and tests.
public enum SyncEvent: Sendable {
    case connected(Welcome)
    /// Catch-up progress in server sequence numbers: at `position` of `head`, from `start`.
    case progress(start: UInt64, position: UInt64, head: UInt64)
    case acknowledged(count: Int, refused: [RefusedOperation])
    case received(count: Int, sequence: UInt64)
    case converged(sequence: UInt64, digest: [UInt8])
    /// The replica and the server disagree at the same sequence: a bug, reported loudly.
    case diverged(sequence: UInt64, local: [UInt8], server: [UInt8])
    case disconnected(reason: String)
    case reconnecting(after: Duration, attempt: Int)
}
