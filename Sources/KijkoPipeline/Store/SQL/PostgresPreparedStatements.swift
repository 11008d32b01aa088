import Foundation
internal import PostgresNIO
internal import NIOCore

/// The statements each open connection has prepared on the server (SQL-level `PREPARE`), so a
/// worker's hot statements are parsed and planned once per connection, not at every step: with
/// four workers on two cores, parsing and planning was most of the server's time.
///
/// postgres-nio prepares only statements typed at compile time, so the preparing is done in SQL:
/// `PREPARE name AS …` (the server infers each parameter's type, as for any statement), then
/// `EXECUTE name('…', NULL, …)`. `EXECUTE` takes no bound parameters (its arguments are parsed
/// as expressions of its own), so each argument is written as a string literal, which the server
/// converts to its parameter's type: quotes doubled, with `standard_conforming_strings` on for
/// every connection (a backslash is then an ordinary character), and a text holding a NUL —
/// which PostgreSQL refuses anyway — sent the ordinary way. Guarded by its own lock.
final class PostgresPreparedStatements: @unchecked Sendable {
    /// Most statements kept per connection; past them a statement runs unprepared.
    static let perConnection = 32
    /// Each connection's statements: SQL → the name it was prepared under.
    private var byConnection: [ObjectIdentifier: [String: String]] = [:]
    /// Names given so far (a name is never given twice, even to a statement whose preparing failed).
    private var named = 0
    private let lock = NSLock()

    /// The connection is closed or left the pool: what it prepared went with it.
    func forget(_ connection: PostgresConnection) {
        lock.lock(); byConnection[ObjectIdentifier(connection)] = nil; lock.unlock()
    }

    /// Runs `sql` (numbered `$n` placeholders) on `db`'s connection as a prepared statement,
    /// preparing it first if this connection has not; returns its rows.
    func rows(_ sql: String, _ arguments: [any SQLValueConvertible], on db: PostgresTransaction) throws -> [SQLRow] {
        guard let call = Self.call(arguments) else { return try db.rows(sql, arguments) }
        let key = ObjectIdentifier(db.connection)
        lock.lock()
        var name = byConnection[key]?[sql]
        let full = (byConnection[key]?.count ?? 0) >= Self.perConnection
        if name == nil && !full { named += 1 }
        let fresh = "kijko_p\(named)"
        lock.unlock()
        if name == nil {
            guard !full else { return try db.rows(sql, arguments) }
            _ = try db.run("PREPARE \(fresh) AS \(sql)", [])
            lock.lock(); byConnection[key, default: [:]][sql] = fresh; lock.unlock()
            name = fresh
        }
        do {
            return try PostgresTransaction.rows(of: db.connection.query(PostgresQuery(unsafeSQL: "EXECUTE \(name!)(\(call))"), logger: db.logger).wait())
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "26000" {
            // (The server no longer has it: a session reset. Prepared again at the next call.)
            forget(db.connection)
            return try db.rows(sql, arguments)
        } catch {
            throw PostgresTransaction.Failure(underlying: error, sql: sql)
        }
    }

    /// `EXECUTE`'s argument list: each value a string literal (NULL as such); nil when a text
    /// holds a NUL.
    static func call(_ arguments: [any SQLValueConvertible]) -> String? {
        var call = ""
        for (i, argument) in arguments.enumerated() {
            if i > 0 { call += ", " }
            let text: String
            switch argument.sqlValue {
            case .null: call += "NULL"; continue
            case .real(let number) where !number.isFinite: call += "NULL"; continue
            case .integer(let number): text = String(number)
            case .real(let number): text = "\(number)"
            case .text(let value): text = value
            }
            guard !text.utf8.contains(0) else { return nil }
            call += "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
        }
        return call
    }
}
