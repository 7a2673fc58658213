import PostgresNIO
import TandemServer

/// A `postgres://user[:password]@host[:port]/database[?sslmode=…]` address,
/// parsed by hand so a bad one gets an operator-readable error, and so the
/// password never appears in what we print (``redacted``).
public struct PostgresStoreURL: Hashable, Sendable, CustomStringConvertible {
    public enum TLSMode: String, Hashable, Sendable {
        case disable, prefer, require
    }

    public var user: String
    public var password: String?
    public var host: String
    public var port: Int
    public var database: String
    public var tls: TLSMode

    /// Longer than any real address; bounds what we parse from a flag or the environment.
    static let maximumLength = 2_048

    public init(user: String, password: String? = nil, host: String, port: Int = 5432, database: String, tls: TLSMode = .disable) {
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.database = database
        self.tls = tls
    }

    /// Whether `text` names a PostgreSQL store rather than a directory.
    public static func looksLikeURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    public init(parsing text: String) throws {
        func bad(_ why: String) -> ServerStoreError {
            ServerStoreError(.invalidRequest, "'\(Self.redact(text))' is not a PostgreSQL address (\(why)); expected postgres://user[:password]@host[:port]/database")
        }
        guard text.utf8.count <= Self.maximumLength else { throw bad("longer than \(Self.maximumLength) bytes") }
        var rest: Substring
        if text.hasPrefix("postgres://") {
            rest = text.dropFirst("postgres://".count)
        } else if text.hasPrefix("postgresql://") {
            rest = text.dropFirst("postgresql://".count)
        } else {
            throw bad("no postgres:// scheme")
        }
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        guard let slash = rest.firstIndex(of: "/") else { throw bad("no database name") }
        let database = try Self.decode(rest[rest.index(after: slash)...], bad)
        guard !database.isEmpty, !database.contains("/") else { throw bad("no database name") }
        let authority = rest[..<slash]
        guard let at = authority.lastIndex(of: "@") else { throw bad("no user name") }
        let credentials = authority[..<at]
        var hostPort = authority[authority.index(after: at)...]
        var user = credentials
        var password: String?
        if let colon = credentials.firstIndex(of: ":") {
            user = credentials[..<colon]
            password = try Self.decode(credentials[credentials.index(after: colon)...], bad)
        }
        guard !user.isEmpty else { throw bad("no user name") }
        var port = 5432
        if hostPort.hasPrefix("[") {
            // An IPv6 literal: [::1]:5432.
            guard let close = hostPort.firstIndex(of: "]") else { throw bad("an unclosed [ in the host") }
            let after = hostPort[hostPort.index(after: close)...]
            if after.hasPrefix(":") {
                guard let value = Int(after.dropFirst()), (1...65_535).contains(value) else { throw bad("the port is not a number from 1 to 65535") }
                port = value
            } else if !after.isEmpty {
                throw bad("text after the host")
            }
            hostPort = hostPort[hostPort.index(after: hostPort.startIndex)..<close]
        } else if let colon = hostPort.lastIndex(of: ":") {
            guard let value = Int(hostPort[hostPort.index(after: colon)...]), (1...65_535).contains(value) else {
                throw bad("the port is not a number from 1 to 65535")
            }
            port = value
            hostPort = hostPort[..<colon]
        }
        guard !hostPort.isEmpty else { throw bad("no host") }
        var tls = TLSMode.disable
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw bad("a query parameter without a value") }
            switch parts[0] {
            case "sslmode":
                switch parts[1] {
                case "disable": tls = .disable
                case "prefer", "allow": tls = .prefer
                case "require", "verify-ca", "verify-full": tls = .require
                default: throw bad("unknown sslmode \(parts[1])")
                }
            default:
                throw bad("unknown parameter \(parts[0]); only sslmode is understood")
            }
        }
        self.init(user: try Self.decode(user, bad), password: password, host: String(hostPort), port: port, database: database, tls: tls)
    }

    /// The address without its password: safe for logs and reports.
    public var redacted: String {
        let credentials = password == nil ? user : user + ":***"
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(credentials)@\(hostPart):\(port)/\(database)" + (tls == .disable ? "" : "?sslmode=\(tls.rawValue)")
    }

    public var description: String { redacted }

    /// The full address, password included (percent-encoded): for handing to
    /// another process, never for printing.
    public var address: String {
        func encode(_ text: String) -> String {
            var out = ""
            for byte in text.utf8 {
                let safe = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x2E || byte == 0x5F
                out += safe ? String(UnicodeScalar(byte)) : "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
            return out
        }
        let credentials = encode(user) + (password.map { ":" + encode($0) } ?? "")
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(credentials)@\(hostPart):\(port)/\(encode(database))" + (tls == .disable ? "" : "?sslmode=\(tls.rawValue)")
    }

    /// The client configuration for this address.
    public func clientConfiguration(maximumConnections: Int) -> PostgresClient.Configuration {
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: user, password: password, database: database,
            tls: tls == .disable ? .disable : (tls == .prefer ? .prefer(.makeClientConfiguration()) : .require(.makeClientConfiguration())))
        configuration.options.maximumConnections = maximumConnections
        configuration.options.minimumConnections = 0
        configuration.options.connectTimeout = .seconds(10)
        return configuration
    }

    private static func redact(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@"), let schemeEnd = text.range(of: "://")?.upperBound, schemeEnd < at else { return text }
        let credentials = text[schemeEnd..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }

    /// Percent-decoding, so a password may hold `@`, `:` or `/`.
    private static func decode(_ text: Substring, _ bad: (String) -> ServerStoreError) throws -> String {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next(), let low = iterator.next(),
                  let value = UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16) else {
                throw bad("a broken %-escape")
            }
            bytes.append(value)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
