import TandemModel

/// A server-wide admin token (`tandemd admin token create`): it authenticates
/// `tandem admin …` against a running server. It is no plan member: it reads
/// every plan through the admin commands and cannot push or subscribe.
public struct AdminTokenRecord: Hashable, Sendable {
    /// The first 12 hex digits of the token's SHA-256: safe to show and to name it by.
    public var id: String
    public var name: String
    public var createdMilliseconds: Int64
    public var revokedMilliseconds: Int64?

    public init(id: String, name: String, createdMilliseconds: Int64, revokedMilliseconds: Int64? = nil) {
        self.id = id
        self.name = name
        self.createdMilliseconds = createdMilliseconds
        self.revokedMilliseconds = revokedMilliseconds
    }

    /// The record's id for a token hash.
    public static func id(tokenHash: [UInt8]) -> String {
        tokenHash.prefix(6).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
