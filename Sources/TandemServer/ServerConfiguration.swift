import TandemWire

/// How a ``SyncServer`` listens and what it accepts.
public struct ServerConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port (tests, the demo); ``SyncServer/listeningPort()`` tells which.
    public var port: Int
    public var limits: WireLimits
    /// A connection that has not said `HELLO` by then gets `handshake-timeout`.
    public var handshakeTimeout: Duration
    /// A client announcing snapshots that is more than this many operations
    /// behind (or new) gets a `SNAPSHOT` instead of the log.
    public var snapshotLag: UInt64
    /// Decides which member may make which operation.
    public var policy: any WritePolicy
    public var agent: String

    public init(host: String = "127.0.0.1", port: Int = WireProtocol.defaultPort, limits: WireLimits = .default,
                handshakeTimeout: Duration = .seconds(10), snapshotLag: UInt64 = 20_000,
                policy: any WritePolicy = AllowAllMembers(), agent: String = "tandemd/0.1.0") {
        self.host = host
        self.port = port
        self.limits = limits
        self.handshakeTimeout = handshakeTimeout
        self.snapshotLag = snapshotLag
        self.policy = policy
        self.agent = agent
    }
}
