import Crypto
import Foundation
import SwiftASN1
import X509

/// A certificate authority and server certificates made inside the test run,
/// so no private key is ever committed.
struct TestCA: Sendable {
    let name: String
    let key: Certificate.PrivateKey
    let certificate: Certificate

    init(name: String = "Tandem Test CA") throws {
        self.name = name
        key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let subject = try DistinguishedName { CommonName(name) }
        certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: key.publicKey,
            notValidBefore: Date().addingTimeInterval(-3600), notValidAfter: Date().addingTimeInterval(86_400),
            issuer: subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true))
            },
            issuerPrivateKey: key)
    }

    var certificatePEM: [UInt8] { get throws { Array(try certificate.serializeAsPEM().pemString.utf8) } }

    /// A server certificate for `dnsNames` and `addresses` (IPv4, dotted), signed by this CA.
    func issue(dnsNames: [String] = ["localhost"], addresses: [[UInt8]] = [[127, 0, 0, 1]]) throws -> (certificatePEM: [UInt8], keyPEM: [UInt8]) {
        let serverKey = P256.Signing.PrivateKey()
        let names = dnsNames.map { GeneralName.dnsName($0) } + addresses.map { GeneralName.ipAddress(ASN1OctetString(contentBytes: $0[...])) }
        let certificate = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: Certificate.PublicKey(serverKey.publicKey),
            notValidBefore: Date().addingTimeInterval(-3600), notValidAfter: Date().addingTimeInterval(86_400),
            issuer: try DistinguishedName { CommonName(name) }, subject: try DistinguishedName { CommonName(dnsNames.first ?? "server") },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(names)
            },
            issuerPrivateKey: key)
        return (Array(try certificate.serializeAsPEM().pemString.utf8), Array(serverKey.pemRepresentation.utf8))
    }
}
