import Crypto

/// Invite tokens: 160 random bits, shown once, stored only as SHA-256.
public enum Tokens {
    /// `tdm_` and 40 lowercase hex digits.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        for _ in 0..<20 { bytes.append(UInt8.random(in: 0...255, using: &generator)) }
        return "tdm_" + bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// What the store keeps: a database leak does not leak usable tokens.
    public static func hash(_ token: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(token.utf8)))
    }
}
