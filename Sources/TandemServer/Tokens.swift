import Crypto

/// Invite tokens: 160 random bits, shown once, stored only as SHA-256.
public enum Tokens {
    /// `tdm_` and 40 lowercase hex digits.
    public static func generate(prefix: String = "tdm_") -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        for _ in 0..<20 { bytes.append(UInt8.random(in: 0...255, using: &generator)) }
        return prefix + bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// What the store keeps: a database leak does not leak usable tokens.
    public static func hash(_ token: String) -> [UInt8] {
        Array(SHA256.hash(data: Array(token.utf8)))
    }
}

extension Tokens {
    /// Admin tokens read `tda_` and 40 hex digits, so a leaked one is recognisable as server-wide.
    public static let adminPrefix = "tda_"

    /// A new admin token (shown once) and its record; store it with ``ServerAdminStore/createAdminToken(_:tokenHash:)``.
    public static func makeAdmin(name: String, atMilliseconds: Int64) -> (token: String, record: AdminTokenRecord, hash: [UInt8]) {
        let token = generate(prefix: adminPrefix)
        let hash = hash(token)
        return (token, AdminTokenRecord(id: AdminTokenRecord.id(tokenHash: hash), name: name, createdMilliseconds: atMilliseconds), hash)
    }
}
