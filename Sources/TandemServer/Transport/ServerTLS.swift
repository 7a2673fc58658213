#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import NIOSSL

/// The server's TLS identity: a certificate chain and its private key, from PEM.
///
/// With it, ``SyncServer`` speaks only TLS (1.2 or later) on its port; a
/// plaintext client gets a plaintext `ERROR(tls-required)` and a close.
public struct ServerTLS: Sendable {
    public let certificateChain: [NIOSSLCertificate]
    public let privateKey: NIOSSLPrivateKey

    public init(certificateChain: [NIOSSLCertificate], privateKey: NIOSSLPrivateKey) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
    }

    /// From PEM bytes: the server's certificate first, then any intermediates.
    public init(certificatePEM: [UInt8], privateKeyPEM: [UInt8]) throws {
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMBytes(certificatePEM) } catch {
            throw TransportError("the TLS certificate is not valid PEM: \(error)")
        }
        guard !chain.isEmpty else { throw TransportError("the TLS certificate file holds no certificate") }
        do {
            self.init(certificateChain: chain, privateKey: try NIOSSLPrivateKey(bytes: privateKeyPEM, format: .pem))
        } catch {
            throw TransportError("the TLS private key is not a valid PEM key: \(error)")
        }
    }

    /// From PEM files (`tandemd serve --tls-cert FILE --tls-key FILE`).
    public init(certificateFile: String, privateKeyFile: String) throws {
        try self.init(certificatePEM: try TransportError.read(certificateFile, "TLS certificate"),
                      privateKeyPEM: try TransportError.read(privateKeyFile, "TLS private key"))
    }

    func makeContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: certificateChain.map { .certificate($0) },
                                                                      privateKey: .privateKey(privateKey))
        configuration.minimumTLSVersion = .tlsv12
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw TransportError("the TLS certificate and key do not make a usable TLS identity (does the key match the certificate?): \(error)")
        }
    }
}

/// The server cannot start as configured: a message for the operator.
public struct TransportError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }

    /// A small file's bytes (PEM files are a few KiB; more than 1 MiB is refused).
    static func read(_ path: String, _ what: String) throws -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            throw TransportError("cannot read the \(what) file \(path): \(String(cString: strerror(errno)))")
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 << 10)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            bytes += chunk[0..<count]
            if count < chunk.count { break }
            guard bytes.count <= 1 << 20 else { throw TransportError("the \(what) file \(path) is larger than 1 MiB; is it the right file?") }
        }
        return bytes
    }
}
