import Foundation

/// Which database's SQL a transaction speaks, where the two differ (JSON functions).
enum SQLDialect: String, Sendable {
    case sqlite, postgres
}

/// One transaction on the store's database. Its SQL is the subset SQLite and PostgreSQL both run
/// as written, with `?` for each argument: `ON CONFLICT` rather than `INSERT OR …`, `CAST(x AS TEXT)`
/// where an id is matched as text, `CASE` where SQLite would sum a comparison. The few queries that
/// cannot be one text (JSON paths, JSON aggregates) ask the `dialect`.
protocol SQLTransaction {
    var dialect: SQLDialect { get }
    /// Runs a statement that returns no rows.
    func execute(_ sql: String, _ arguments: [any SQLValueConvertible]) throws
    /// Runs a query and returns every row.
    func rows(_ sql: String, _ arguments: [any SQLValueConvertible]) throws -> [SQLRow]
    /// Sends a query whose rows are read later, with ``SQLRowsAhead/get()``: on PostgreSQL the
    /// calling thread waits once for several queries sent ahead, not once each. (SQLite runs it at once.)
    func ahead(_ sql: String, _ arguments: [any SQLValueConvertible]) throws -> SQLRowsAhead
}

/// A query's rows, the query sent ahead of reading them (``SQLTransaction/ahead(_:_:)``).
struct SQLRowsAhead {
    private let rows: () throws -> [SQLRow]
    init(_ rows: @escaping () throws -> [SQLRow]) { self.rows = rows }
    /// Waits for the rows (and for every statement sent before them); throws the first failure.
    func get() throws -> [SQLRow] { try rows() }
}

extension SQLTransaction {
    func execute(_ sql: String) throws { try execute(sql, []) }

    func rows(_ sql: String) throws -> [SQLRow] { try rows(sql, []) }

    /// The first row, if any.
    func row(_ sql: String, _ arguments: [any SQLValueConvertible] = []) throws -> SQLRow? {
        try rows(sql, arguments).first
    }

    /// The first column of the first row as `T`; nil when there is no row or the value is NULL.
    func value<T: SQLValueConvertible>(_ type: T.Type = T.self, _ sql: String, _ arguments: [any SQLValueConvertible] = []) throws -> T? {
        try rows(sql, arguments).first.flatMap { T(sqlValue: $0.first) }
    }

    /// The first column of every row, as `T` (NULLs left out).
    func values<T: SQLValueConvertible>(_ type: T.Type = T.self, _ sql: String, _ arguments: [any SQLValueConvertible] = []) throws -> [T] {
        try rows(sql, arguments).compactMap { T(sqlValue: $0.first) }
    }

    /// `column` as text where it is compared with text people give (an id or its first characters):
    /// a UUID column in PostgreSQL is cast; SQLite's text ids are compared as they are (and keep their index).
    func text(_ column: String) -> String { dialect == .postgres ? "CAST(\(column) AS TEXT)" : column }

    /// Whether the query returns a row.
    func exists(_ sql: String, _ arguments: [any SQLValueConvertible] = []) throws -> Bool {
        try !rows(sql, arguments).isEmpty
    }
}

/// The database behind a ``PipelineStore``: SQLite through GRDB on one machine, PostgreSQL through
/// postgres-nio when machines share it. Every change is one transaction, committed or not at all.
protocol StoreDatabase: Sendable {
    var dialect: SQLDialect { get }
    /// Runs `body` in one write transaction. (A body may run more than once: PostgreSQL retries a
    /// transaction that lost a serialisation race, so a body only reads and writes the database.)
    func write<T>(_ body: (any SQLTransaction) throws -> T) throws -> T
    /// `write`, and the commit on disk before it returns, for people's decisions.
    func durableWrite<T>(_ body: (any SQLTransaction) throws -> T) throws -> T
    /// `write` at read-committed isolation, for a body that locks the rows it depends on.
    func lockingWrite<T>(_ body: (any SQLTransaction) throws -> T) throws -> T
    /// Runs `body` on one consistent snapshot.
    func read<T>(_ body: (any SQLTransaction) throws -> T) throws -> T
    /// Damage the database finds in itself: nil when sound.
    func check() throws -> [String]?
}
