import Crypto
import TandemModel

/// The digest two replicas compare to prove they converged: SHA-256 of the
/// canonical JSON text of the plan as the member may see it.
///
/// Canonical JSON leaves out clocks, authorship and deleted subtrees, so two
/// replicas holding the same operations render the same bytes whatever order
/// the operations arrived in.
public enum PlanDigest {
    public static let algorithm = "sha256/canonical-json-1"

    /// The digest of `document`, leaving out what `hidden` says the member may not see.
    public static func of(_ document: PlanDocument, excluding hidden: (EntityState) -> Bool = { _ in false }) -> [UInt8] {
        sha256(Array(document.canonicalText(excluding: hidden).utf8))
    }

    public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        Array(SHA256.hash(data: bytes))
    }

    /// Lowercase hex, for logs and messages.
    public static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
