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
    /// Most statements kept per connection; past them the one run least recently is let go
    /// (`DEALLOCATE`) for the new one: a statement's text changes with what a step queues and how
    /// many model calls it made, so the shapes a long-running worker meets keep coming.
    var limit = 32
    /// Each connection's statements (by the pool's id for it, never reused): SQL → the name it was
    /// prepared under (nil when the server would not prepare it) and when it last ran (a count).
    private var byConnection: [Int: [String: (name: String?, used: Int)]] = [:]
    /// Names given so far (a name is never given twice, even to a statement whose preparing failed),
    /// after this process's own prefix; and statements run, the clock of `used`.
    private var named = 0, runs = 0
    private let prefix = "kijko_\(String(UInt32.random(in: 0...UInt32.max), radix: 36))_"
    private let lock = NSLock()

    /// The connection is closed or left the pool: what it prepared went with it.
    func forget(_ connection: PostgresConnection) {
        lock.lock(); byConnection[connection.id] = nil; lock.unlock()
    }

    private func remember(_ sql: String, as name: String?, on key: Int) {
        lock.lock(); byConnection[key, default: [:]][sql] = (name, runs); lock.unlock()
    }

    /// Runs `sql` (numbered `$n` placeholders) on `db`'s connection as a prepared statement,
    /// preparing it first if this connection has not; returns its rows.
    func rows(_ sql: String, _ arguments: [any SQLValueConvertible], on db: PostgresTransaction) throws -> [SQLRow] {
        guard let call = Self.call(arguments) else { return try db.rows(sql, arguments) }
        let key = db.connection.id
        lock.lock()
        runs += 1
        let known = byConnection[key]?[sql]
        var evicted: String?
        if known != nil {
            byConnection[key]?[sql]?.used = runs
        } else {
            named += 1
            if let statements = byConnection[key], statements.count >= limit, let oldest = statements.min(by: { $0.value.used < $1.value.used }) {
                byConnection[key]?[oldest.key] = nil
                evicted = oldest.value.name
            }
        }
        let fresh = prefix + String(named)
        lock.unlock()
        let name: String
        if let known {
            guard let given = known.name else { return try db.rows(sql, arguments) }   // (the server would not prepare it)
            name = given
        } else {
            // (Each its own transaction: a failure here aborts nothing. One not let go stays
            // prepared on the server, unused, until the connection closes.)
            if let evicted { _ = try? db.run("DEALLOCATE \(evicted)", []) }
            do { _ = try db.run("PREPARE \(fresh) AS \(sql)", []) } catch {
                remember(sql, as: nil, on: key)
                return try db.rows(sql, arguments)
            }
            remember(sql, as: fresh, on: key)
            name = fresh
        }
        do {
            return try PostgresTransaction.rows(of: db.connection.query(PostgresQuery(unsafeSQL: call.isEmpty ? "EXECUTE \(name)" : "EXECUTE \(name)(\(call))"), logger: db.logger).wait())
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
