import NIOCore
import NIOSSL
import TandemWire

/// The client's half of TLS: a context that verifies the server's chain
/// against the system's CAs or the given ones, a handler that checks the
/// certificate names the host, and plain words for what went wrong.
enum ClientTLS {
    static func context(trusting pem: [UInt8]?) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateVerification = .fullVerification
        if let pem {
            let certificates: [NIOSSLCertificate]
            do { certificates = try NIOSSLCertificate.fromPEMBytes(pem) } catch {
                throw WireError(.tlsFailed, "the CA file is not valid PEM: \(error)")
            }
            guard !certificates.isEmpty else { throw WireError(.tlsFailed, "the CA file holds no certificate") }
            configuration.trustRoots = .certificates(certificates)
        }
        return try NIOSSLContext(configuration: configuration)
    }

    /// Host names go in SNI and are matched against the certificate's DNS names;
    /// an IP address cannot be sent in SNI, and NIOSSL then matches the
    /// certificate's IP addresses against the connected address instead.
    static func handler(_ context: NIOSSLContext, host: String) throws -> NIOSSLClientHandler {
        let isAddress = (try? SocketAddress(ipAddress: host, port: 0)) != nil
        return try NIOSSLClientHandler(context: context, serverHostname: isAddress ? nil : host)
    }

    /// A failed TLS handshake as the user should read it, or nil when `error`
    /// is not one (a connection lost later is an ordinary `connection-failed`).
    static func describe(_ error: any Error, endpoint: SyncEndpoint) -> WireError? {
        let prefix = "the TLS handshake with \(endpoint) failed"
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname {
            return WireError(.tlsFailed, "\(prefix): the server's certificate does not name '\(endpoint.host)'")
        }
        guard let error = error as? NIOSSLError else { return nil }
        let text = "\(error)"
        switch error {
        case .handshakeFailed where text.contains("CERTIFICATE_VERIFY_FAILED"), .unableToValidateCertificate:
            return WireError(.tlsFailed, "\(prefix): the server's certificate is not signed by a trusted CA (for a private CA, pass --ca FILE or set TANDEM_CA) [\(text)]")
        case .handshakeFailed where text.contains("WRONG_VERSION_NUMBER") || text.contains("PACKET_LENGTH") || text.contains("RECORD"):
            return WireError(.tlsFailed, "\(prefix): the server did not answer in TLS; is it a plaintext server (then use HOST:PORT without tls://)? [\(text)]")
        case .handshakeFailed:
            return WireError(.tlsFailed, "\(prefix): \(text)")
        default:
            return nil
        }
    }
}
