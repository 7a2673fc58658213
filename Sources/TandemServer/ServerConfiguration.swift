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
    /// Decides which member may make which operation (``RolePolicy`` unless a test says otherwise).
    public var policy: any WritePolicy
    /// How often the server reads the store's revocations: a member revoked by
    /// any process is disconnected within about this long (issue 8).
    public var revocationPollInterval: Duration = .seconds(1)
    public var agent: String
    /// Where counters and histograms go (``ServerMetrics``); nowhere unless `--metrics` is given.
    public var metrics = ServerMetrics.disabled
    /// With it the server speaks only TLS; without it only plaintext, which
    /// ``SyncServer`` refuses on a non-loopback host unless `insecure` is set.
    public var tls: ServerTLS? = nil
    /// Serve plaintext on a non-loopback address (behind a TLS-terminating proxy or a VPN).
    public var insecure = false
    /// Connections in total and per member, rates, idleness, slow readers.
    public var connectionLimits = ConnectionLimits.default

    public init(host: String = "127.0.0.1", port: Int = WireProtocol.defaultPort, limits: WireLimits = .default,
                handshakeTimeout: Duration = .seconds(10), snapshotLag: UInt64 = 20_000,
                policy: any WritePolicy = RolePolicy(), agent: String = "tandemd/0.1.0") {
        self.host = host
        self.port = port
        self.limits = limits
        self.handshakeTimeout = handshakeTimeout
        self.snapshotLag = snapshotLag
        self.policy = policy
        self.agent = agent
    }
}
