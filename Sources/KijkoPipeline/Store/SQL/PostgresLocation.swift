import Foundation

/// A PostgreSQL store's address, `postgres://USER[:PASSWORD]@HOST[:PORT]/DB` (`postgresql://` too;
/// `?host=/run/postgresql` for a Unix socket folder): parsed whole or refused in one line.
struct PostgresLocation: Sendable, Equatable {
    var user: String
    var password: String?
    var host: String
    var port: Int
    var database: String
    /// A Unix socket folder instead of TCP (the `host` query parameter, as libpq reads it).
    var socketFolder: String?

    /// Whether `location` is a PostgreSQL URL rather than a file's path.
    static func names(_ location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }

    init(_ text: String) throws {
        func refuse(_ why: String) -> PipelineError { PipelineError("\(Self.redact(text)): \(why) (expected postgres://USER@HOST:PORT/DB)") }
        guard Self.names(text), let url = URLComponents(string: text) else { throw refuse("not a PostgreSQL URL") }
        guard let user = url.user.flatMap({ $0.removingPercentEncoding }), !user.isEmpty else { throw refuse("no user") }
        let database = String(url.path.dropFirst()).removingPercentEncoding ?? ""
        guard !database.isEmpty, !database.contains("/") else { throw refuse("no database name") }
        let socket = url.queryItems?.first(where: { $0.name == "host" })?.value
        guard let host = url.host, !host.isEmpty || socket != nil else { throw refuse("no host") }
        if let port = url.port, !(1...65535).contains(port) { throw refuse("port \(port) out of range") }
        for item in url.queryItems ?? [] where !["host", "sslmode"].contains(item.name) {
            throw refuse("unknown parameter \(item.name)")
        }
        if let mode = url.queryItems?.first(where: { $0.name == "sslmode" })?.value, !["disable", "prefer", "allow"].contains(mode) {
            throw refuse("sslmode=\(mode) is not supported (TLS is not built in: use a local network or a tunnel)")
        }
        self.user = user
        self.password = url.password.flatMap { $0.removingPercentEncoding }
        self.host = host
        self.port = url.port ?? 5432
        self.database = database
        self.socketFolder = socket
    }

    /// The URL without its password, to show and log.
    var redacted: String {
        var text = "postgres://\(user)@\(host):\(port)/\(database)"
        if let socketFolder { text += "?host=\(socketFolder)" }
        return text
    }

    /// `text` with any password in it replaced by `***`.
    static func redact(_ text: String) -> String {
        guard let at = text.lastIndex(of: "@"), let scheme = text.range(of: "://"), scheme.upperBound < at else { return text }
        let credentials = text[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}
