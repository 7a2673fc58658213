import ArgumentParser
import TandemServer
import TandemWire

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `tandemd serve`'s TLS flags (`docs/security.md`, "Transport (TLS)").
struct TLSServeOptions: ParsableArguments {
    @Option(name: .customLong("tls-cert"), help: ArgumentHelp("PEM certificate chain (server first) to serve TLS with (default: $TANDEMD_TLS_CERT).", valueName: "file"))
    var certificate: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp("PEM private key of --tls-cert (default: $TANDEMD_TLS_KEY).", valueName: "file"))
    var key: String?

    @Flag(help: "Allow plaintext on a non-loopback address (only behind a TLS-terminating proxy or a VPN).")
    var insecure = false

    private static func environment(_ name: String) -> String? {
        guard let value = getenv(name) else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }

    /// The TLS identity from the flags or the environment; nil for plaintext.
    func identity() throws -> ServerTLS? {
        let certificate = self.certificate ?? Self.environment("TANDEMD_TLS_CERT")
        let key = self.key ?? Self.environment("TANDEMD_TLS_KEY")
        switch (certificate, key) {
        case (nil, nil): return nil
        case (let certificate?, let key?): return try ServerTLS(certificateFile: certificate, privateKeyFile: key)
        case (nil, _): throw ValidationError("--tls-key needs --tls-cert (the certificate it belongs to)")
        case (_, nil): throw ValidationError("--tls-cert needs --tls-key (its private key)")
        }
    }
}

/// `tandemd serve`'s limits; the defaults are `WireLimits` and `ConnectionLimits`
/// (the table in `docs/security.md`, "Limits").
struct LimitOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Largest frame accepted, in bytes.", valueName: "bytes"))
    var maxFrameBytes = WireLimits.default.maxFrameBytes
    @Option(help: ArgumentHelp("Largest payload after inflation, in bytes.", valueName: "bytes"))
    var maxInflatedBytes = WireLimits.default.maxInflatedBytes
    @Option(help: ArgumentHelp("Largest inflated size per compressed byte.", valueName: "ratio"))
    var maxInflationRatio = WireLimits.default.maxInflationRatio
    @Option(help: ArgumentHelp("Most operations in one pushed batch.", valueName: "n"))
    var maxBatchOperations = WireLimits.default.maxBatchOperations
    @Option(help: ArgumentHelp("Open connections in total.", valueName: "n"))
    var maxConnections = ConnectionLimits.default.maxConnections
    @Option(help: ArgumentHelp("Open connections per member.", valueName: "n"))
    var maxConnectionsPerMember = ConnectionLimits.default.maxConnectionsPerMember
    @Option(help: ArgumentHelp("Operations a connection may push per second (beyond the burst its pushes are paced).", valueName: "n"))
    var operationsPerSecond = ConnectionLimits.default.operationsPerSecond
    @Option(help: ArgumentHelp("Operations a connection may push at once before pacing starts.", valueName: "n"))
    var operationBurst = ConnectionLimits.default.operationBurst
    @Option(help: ArgumentHelp("Frames a connection may send per second (beyond the burst: rate-limited).", valueName: "n"))
    var framesPerSecond = ConnectionLimits.default.framesPerSecond
    @Option(help: ArgumentHelp("Frames a connection may send at once.", valueName: "n"))
    var frameBurst = ConnectionLimits.default.frameBurst
    @Option(help: ArgumentHelp("Seconds a new connection has to send HELLO.", valueName: "seconds"))
    var handshakeTimeout = 10.0
    @Option(help: ArgumentHelp("Seconds without a frame either way before an authenticated connection is closed (a PING goes out at half).", valueName: "seconds"))
    var idleTimeout = 120.0
    @Option(help: ArgumentHelp("Seconds a peer may leave the server's outbound buffer full before it is closed.", valueName: "seconds"))
    var slowReaderTimeout = 30.0
    @Option(help: ArgumentHelp("Kernel send buffer per connection (SO_SNDBUF); default: the kernel's autotuning.", valueName: "bytes"))
    var socketSendBuffer: Int?

    func validate() throws {
        for (flag, value) in [("--max-frame-bytes", maxFrameBytes), ("--max-inflated-bytes", maxInflatedBytes), ("--max-inflation-ratio", maxInflationRatio),
                              ("--max-batch-operations", maxBatchOperations), ("--max-connections", maxConnections),
                              ("--max-connections-per-member", maxConnectionsPerMember), ("--operations-per-second", operationsPerSecond),
                              ("--operation-burst", operationBurst), ("--frames-per-second", framesPerSecond), ("--frame-burst", frameBurst)] where value < 1 {
            throw ValidationError("\(flag) must be at least 1")
        }
        if let socketSendBuffer, socketSendBuffer < 4096 { throw ValidationError("--socket-send-buffer must be at least 4096 bytes") }
        guard maxFrameBytes >= 64, maxFrameBytes <= Int(UInt32.max) else { throw ValidationError("--max-frame-bytes must be between 64 and \(UInt32.max)") }
        for (flag, value) in [("--handshake-timeout", handshakeTimeout), ("--idle-timeout", idleTimeout), ("--slow-reader-timeout", slowReaderTimeout)]
            where !(value > 0 && value <= 86_400) {
            throw ValidationError("\(flag) takes seconds between 0 and 86400")
        }
    }

    /// Applies the flags to a configuration.
    func apply(to configuration: inout ServerConfiguration) {
        configuration.limits.maxFrameBytes = maxFrameBytes
        configuration.limits.maxInflatedBytes = maxInflatedBytes
        configuration.limits.maxInflationRatio = maxInflationRatio
        configuration.limits.maxBatchOperations = maxBatchOperations
        configuration.handshakeTimeout = .milliseconds(Int64(handshakeTimeout * 1000))
        configuration.connectionLimits = ConnectionLimits(
            maxConnections: maxConnections, maxConnectionsPerMember: maxConnectionsPerMember,
            operationsPerSecond: operationsPerSecond, operationBurst: operationBurst,
            framesPerSecond: framesPerSecond, frameBurst: frameBurst,
            idleTimeout: .milliseconds(Int64(idleTimeout * 1000)), slowReaderTimeout: .milliseconds(Int64(slowReaderTimeout * 1000)),
            inboundFrameQueue: ConnectionLimits.default.inboundFrameQueue, socketSendBufferBytes: socketSendBuffer)
    }
}

/// Both groups, for `tandemd serve`.
struct TransportOptions: ParsableArguments {
    @OptionGroup(title: "TLS") var tls: TLSServeOptions
    @OptionGroup(title: "Limits") var limits: LimitOptions

    /// The server's configuration for `host:port` with these flags applied.
    func configure(_ configuration: inout ServerConfiguration) throws {
        configuration.tls = try tls.identity()
        configuration.insecure = tls.insecure
        limits.apply(to: &configuration)
    }
}
