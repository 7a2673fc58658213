import ArgumentParser
import Foundation
import TandemStore

/// `--ca FILE` for `tandem join` and `tandem sync`: the CA certificates to
/// trust for a `tls://` server signed by a private CA.
struct TLSOptions: ParsableArguments {
    static let caKey = "sync.ca"

    @Option(name: .customLong("ca"), help: ArgumentHelp(
        "PEM file of the CA that signed a tls:// server's certificate, when it is a private CA (default: $TANDEM_CA; join keeps it in the store).",
        valueName: "file"))
    var ca: String?

    /// The PEM given by `--ca` or `$TANDEM_CA`, read now; nil when neither is set.
    func givenPEM() throws -> [UInt8]? {
        let context = CLIContext.current
        guard let path = ca ?? context.environment["TANDEM_CA"].flatMap({ $0.isEmpty ? nil : $0 }) else { return nil }
        let resolved = context.absolute(path)
        guard let data = FileManager.default.contents(atPath: resolved) else {
            throw CLIError("invalid-ca", "cannot read the CA file \(resolved)")
        }
        guard data.count <= 1 << 20, String(decoding: data, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
            throw CLIError("invalid-ca", "\(resolved) is not a PEM certificate file (it should contain -----BEGIN CERTIFICATE-----)")
        }
        return Array(data)
    }

    /// What a sync of `store` trusts: `--ca`/`$TANDEM_CA` when given, else the CA `tandem join` kept.
    func trustedPEM(for store: ReplicaStore) throws -> [UInt8]? {
        if let given = try givenPEM() { return given }
        return try store.setting(Self.caKey).map { Array($0.utf8) }
    }
}
