/// What one connection, and the server as a whole, may take beyond the wire
/// sizes of ``TandemWire/WireLimits``. Each has a `tandemd serve` flag; the
/// table in `docs/security.md` ("Limits") lists them with their error codes.
public struct ConnectionLimits: Hashable, Sendable {
    /// Open connections in total; one more gets `too-many-connections` before `HELLO`.
    public var maxConnections: Int
    /// Open connections per member (their laptops, phones, scripts); one more gets `too-many-connections` at `HELLO`.
    public var maxConnectionsPerMember: Int
    /// Operations a connection may push per second, sustained. A `PUSH` beyond the
    /// budget is not refused: the connection is paused (nothing more is read from
    /// it) until the budget has refilled, so a bulk upload slows down instead of failing.
    public var operationsPerSecond: Int
    /// Operations a connection may push at once before the pacing starts.
    public var operationBurst: Int
    /// Frames a connection may send per second, sustained; beyond `frameBurst` more is `rate-limited`.
    public var framesPerSecond: Int
    public var frameBurst: Int
    /// No frame in either direction for this long closes an authenticated
    /// connection with `idle-timeout`; the server sends a `PING` at half of it,
    /// which any client answers, so only dead or silent peers are closed.
    public var idleTimeout: Duration
    /// A peer that leaves the server's outbound buffer full for this long is closed with `slow-reader`.
    public var slowReaderTimeout: Duration
    /// Frames read ahead of a connection's handling; beyond it the server stops
    /// reading that socket, so a fast sender cannot queue memory in the server.
    public var inboundFrameQueue: Int
    /// The kernel's send buffer per connection (SO_SNDBUF); nil leaves it to
    /// the kernel's autotuning (up to `net.ipv4.tcp_wmem`'s maximum, 4 MiB on
    /// Linux). Set it to bound the kernel memory a reader that does not read can
    /// hold, and to notice slow readers sooner.
    public var socketSendBufferBytes: Int?

    public init(maxConnections: Int = 4_096, maxConnectionsPerMember: Int = 32, operationsPerSecond: Int = 200_000,
                operationBurst: Int = 400_000, framesPerSecond: Int = 200, frameBurst: Int = 1_000,
                idleTimeout: Duration = .seconds(120), slowReaderTimeout: Duration = .seconds(30), inboundFrameQueue: Int = 8,
                socketSendBufferBytes: Int? = nil) {
        self.maxConnections = maxConnections
        self.maxConnectionsPerMember = maxConnectionsPerMember
        self.operationsPerSecond = operationsPerSecond
        self.operationBurst = operationBurst
        self.framesPerSecond = framesPerSecond
        self.frameBurst = frameBurst
        self.idleTimeout = idleTimeout
        self.slowReaderTimeout = slowReaderTimeout
        self.inboundFrameQueue = inboundFrameQueue
        self.socketSendBufferBytes = socketSendBufferBytes
    }

    public static let `default` = ConnectionLimits()
}
