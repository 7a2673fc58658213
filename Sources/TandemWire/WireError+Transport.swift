extension WireError.Code {
    // Limits: a well-formed peer that asks for more than the server gives (`Protocol/errors.md`, "Limits").

    /// More frames per second than the connection's budget (a flood of PINGs or tiny PUSHes).
    public static let rateLimited: WireError.Code = "rate-limited"
    /// The server holds its maximum of connections, in total or for this member.
    public static let tooManyConnections: WireError.Code = "too-many-connections"
    /// The peer did not read what the server sent for longer than the slow-reader timeout.
    public static let slowReader: WireError.Code = "slow-reader"

    // Transport.

    /// A plaintext client reached a server that speaks only TLS (sent in plaintext, then close).
    public static let tlsRequired: WireError.Code = "tls-required"
    /// Client side: the TLS handshake failed (an untrusted certificate, a wrong host name, or no TLS on the other end).
    public static let tlsFailed: WireError.Code = "tls-failed"
}
