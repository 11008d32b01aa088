import Foundation

/// Writes gathered to be sent to PostgreSQL as one statement: each a data-modifying `WITH` entry
/// (INSERT, UPDATE, with `ON CONFLICT` and `RETURNING` as they are), led by one entry the others
/// depend on, and ended by an assertion over the lead (``PostgresStoreDatabase/runAsOne(_:durable:)``):
/// the statement is its own transaction, so it writes everything or, when the assertion fails,
/// nothing — one round trip where a transaction of its statements would take one each.
/// Its entries cannot see each other's writes, and none may write a row another writes.
final class SQLStatementBatch: SQLTransaction {
    var dialect: SQLDialect { .postgres }
    private(set) var entries: [(name: String, sql: String, arguments: [any SQLValueConvertible])] = []
    /// The condition (SQL over the entries' names) the statement asserts, and the message when it fails.
    var requirement = "TRUE", message = ""
    /// When this condition holds at the end, workers are notified of queued work.
    var notifyWhen: String?
    /// An expression over the entries whose value the statement returns (`kijko_returned`).
    var returning: String?

    /// Adds the entry the assertion reads, or one named for `notifyWhen`.
    func add(_ name: String, _ sql: String, _ arguments: [any SQLValueConvertible]) {
        entries.append((name, sql, arguments))
    }

    func execute(_ sql: String, _ arguments: [any SQLValueConvertible]) throws {
        guard Self.isWrite(sql) else { throw PipelineError("a statement batch takes writes only, not: \(sql.prefix(40))") }
        entries.append(("w\(entries.count)", sql, arguments))
    }

    /// Whether `sql` begins, after white space, with INSERT, UPDATE or DELETE (in any case).
    static func isWrite(_ sql: String) -> Bool {
        let word = sql.utf8.drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }.prefix(6).map { $0 & 0xDF }   // (ASCII letters upper-cased)
        return ["INSERT", "UPDATE", "DELETE"].contains { $0.utf8.elementsEqual(word) }
    }

    func rows(_ sql: String, _ arguments: [any SQLValueConvertible]) throws -> [SQLRow] {
        throw PipelineError("a statement batch cannot read rows: \(sql.prefix(40))")
    }

    func ahead(_ sql: String, _ arguments: [any SQLValueConvertible]) throws -> SQLRowsAhead {
        throw PipelineError("a statement batch cannot read rows: \(sql.prefix(40))")
    }

    /// The one statement, its `?` placeholders numbered across the entries, and its arguments.
    func statement() -> (sql: String, arguments: [any SQLValueConvertible]) {
        var sql = "WITH ", arguments: [any SQLValueConvertible] = []
        for (i, entry) in entries.enumerated() {
            sql += (i == 0 ? "" : ",\n  ") + "\(entry.name) AS (\(PostgresTransaction.numbered(entry.sql, from: arguments.count + 1)))"
            arguments += entry.arguments
        }
        arguments.append(message)
        sql += "\nSELECT kijko_require(\(requirement), $\(arguments.count)) AS kijko_ok"
        if let returning { sql += ", \(returning) AS kijko_returned" }
        if let notifyWhen { sql += ", CASE WHEN \(notifyWhen) THEN pg_notify('\(PipelineStore.queueChannel)', '') END" }
        return (sql, arguments)
    }
}
