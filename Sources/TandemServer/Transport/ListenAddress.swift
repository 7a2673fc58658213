/// Which listen addresses may serve plaintext: only loopback ones, where no
/// traffic leaves the machine. Anything else needs TLS or `--insecure`.
enum ListenAddress {
    static func isLoopback(_ host: String) -> Bool {
        let host = host.lowercased()
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        // 127.0.0.0/8, written as a dotted quad.
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// Nil when the configuration may listen; else why not.
    static func refusal(host: String, tls: Bool, insecure: Bool) -> TransportError? {
        guard !tls, !insecure, !isLoopback(host) else { return nil }
        return TransportError("refusing to serve plaintext on \(host), which is not a loopback address: tokens and plans would cross the network unencrypted. Give --tls-cert and --tls-key, or --insecure if something else encrypts the traffic (a TLS-terminating proxy, a VPN)")
    }
}

extension ServerConfiguration {
    /// Why ``SyncServer`` would refuse to listen in plaintext on `host`, or nil when it may.
    public static func plaintextRefusal(host: String, tls: Bool, insecure: Bool) -> TransportError? {
        ListenAddress.refusal(host: host, tls: tls, insecure: insecure)
    }
}
