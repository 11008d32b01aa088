import Foundation
internal import PostgresNIO
internal import NIOCore

/// The statements each open connection has prepared on the server (SQL-level `PREPARE`), so a
/// worker's hot statements are parsed once per connection, not at every step, and planned at most
/// a few times (PostgreSQL plans the first five executions afresh, then keeps one generic plan
/// when it is no worse): with four workers on two cores, parsing and planning was most of the
/// server's time.
///
/// postgres-nio prepares only statements typed at compile time, so the preparing is done in SQL:
/// `PREPARE name AS …` (the server infers each parameter's type, as for any statement), then
/// `EXECUTE name(E'…', NULL, …)`. `EXECUTE` takes no bound parameters (its arguments are parsed
/// as expressions of its own), so each argument is written as an escaped string literal, which
/// the server converts to its parameter's type: quotes and backslashes doubled (right whatever
/// `standard_conforming_strings` says), and a text holding a NUL — which PostgreSQL refuses
/// anyway — sent the ordinary way. A statement the server will not prepare runs the ordinary way.
/// Guarded by its own lock.
final class PostgresPreparedStatements: @unchecked Sendable {
    /// Most statements kept per connection; past them a statement runs unprepared.
    static let perConnection = 32
    /// Each connection's statements (by the pool's id for it, never reused): SQL → the name it was
    /// prepared under, or nil when the server would not prepare it.
    private var byConnection: [Int: [String: String?]] = [:]
    /// Names given so far (a name is never given twice, even to a statement whose preparing failed),
    /// after this process's own prefix.
    private var named = 0
    private let prefix = "kijko_\(String(UInt32.random(in: 0...UInt32.max), radix: 36))_"
    private let lock = NSLock()

    /// The connection is closed or left the pool: what it prepared went with it.
    func forget(_ connection: PostgresConnection) {
        lock.lock(); byConnection[connection.id] = nil; lock.unlock()
    }

    /// Runs `sql` (numbered `$n` placeholders) on `db`'s connection as a prepared statement,
    /// preparing it first if this connection has not; returns its rows.
    func rows(_ sql: String, _ arguments: [any SQLValueConvertible], on db: PostgresTransaction) throws -> [SQLRow] {
        guard let call = Self.call(arguments) else { return try db.rows(sql, arguments) }
        let key = db.connection.id
        lock.lock()
        let known = byConnection[key]?[sql]
        let full = (byConnection[key]?.count ?? 0) >= Self.perConnection
        if known == nil && !full { named += 1 }
        let fresh = prefix + String(named)
        lock.unlock()
        let name: String
        switch known {
        case .some(.some(let given)): name = given
        case .some(.none): return try db.rows(sql, arguments)   // (the server would not prepare it)
        case .none:
            guard !full else { return try db.rows(sql, arguments) }
            do { _ = try db.run("PREPARE \(fresh) AS \(sql)", []) } catch {
                lock.lock(); byConnection[key, default: [:]][sql] = .some(nil); lock.unlock()
                return try db.rows(sql, arguments)
            }
            lock.lock(); byConnection[key, default: [:]][sql] = fresh; lock.unlock()
            name = fresh
        }
        do {
            return try PostgresTransaction.rows(of: db.connection.query(PostgresQuery(unsafeSQL: "EXECUTE \(name)(\(call))"), logger: db.logger).wait())
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "26000" {
            // (The server no longer has it: a session reset. Prepared again at the next call.)
            forget(db.connection)
            return try db.rows(sql, arguments)
        } catch {
            throw PostgresTransaction.Failure(underlying: error, sql: sql)
        }
    }

    /// `EXECUTE`'s argument list: each value an escaped string literal (NULL as such); nil when a
    /// text holds a NUL.
    static func call(_ arguments: [any SQLValueConvertible]) -> String? {
        // (Byte by byte: the texts are a step's input and output, and Foundation's string
        // replacing was two fifths of a worker's own time a step.)
        var call: [UInt8] = []
        call.reserveCapacity(256)
        for (i, argument) in arguments.enumerated() {
            if i > 0 { call.append(contentsOf: ", ".utf8) }
            guard let text = PostgresTransaction.text(argument.sqlValue) else { call.append(contentsOf: "NULL".utf8); continue }
            call.append(contentsOf: "E'".utf8)
            for byte in text.utf8 {
                switch byte {
                case 0: return nil
                case UInt8(ascii: "\\"), UInt8(ascii: "'"): call.append(byte); call.append(byte)   // doubled
                default: call.append(byte)
                }
            }
            call.append(UInt8(ascii: "'"))
        }
        return String(decoding: call, as: UTF8.self)
    }
}
