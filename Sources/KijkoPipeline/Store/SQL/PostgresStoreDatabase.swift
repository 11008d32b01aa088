import Foundation
internal import PostgresNIO
internal import NIOCore
internal import NIOPosix
internal import Logging

/// The store in a PostgreSQL database that several machines share (postgres-nio). The store's
/// calls are synchronous, so each statement waits for its reply on the calling thread (never one
/// of NIO's); connections are kept open and reused, one per transaction. Writes are SERIALIZABLE,
/// as SQLite's single writer is, and a transaction that lost a race is run again; reads see one
/// snapshot. Durability is SQLite's (`KIJKO_DB_SYNC`): a step's records are committed without
/// waiting for the log to reach the disk (`synchronous_commit = off`: a killed process loses
/// nothing, the server's own crash at most its last moments of steps, which run again), while
/// people's decisions and workers' claims (whose fences must never be given out twice) wait for
/// it; `KIJKO_DB_SYNC=full` waits on every commit.
final class PostgresStoreDatabase: StoreDatabase, @unchecked Sendable {
    let location: PostgresLocation
    var dialect: SQLDialect { .postgres }
    /// Connections whose commits do not wait for the disk (a step's records), and ones whose do
    /// (decisions, claims): the same but for `synchronous_commit`.
    let configuration: PostgresConnection.Configuration, durableConfiguration: PostgresConnection.Configuration
    let logger = Logger(label: "kijko.store", factory: { _ in SwiftLogNoOpLogHandler() })
    /// Idle connections of each kind (guarded by `lock`), and the ids given to new ones.
    private var idle: [PostgresConnection] = [], idleDurable: [PostgresConnection] = []
    private var opened = 0
    private let lock = NSLock()
    /// What each open connection has prepared (the workers' statements).
    let prepared = PostgresPreparedStatements()
    /// Most idle connections kept open.
    static let keepIdle = 8
    /// A serialisation failure or deadlock is retried this many times.
    static let attempts = 50

    /// Connects (refusing an unreachable server or a refused login in one line naming the URL),
    /// and brings the schema up to date; without `create`, a database with no Kijko schema is refused.
    init(url: String, create: Bool) throws {
        location = try PostgresLocation(url)
        var configuration: PostgresConnection.Configuration
        if let folder = location.socketFolder {
            configuration = .init(unixSocketPath: "\(folder)/.s.PGSQL.\(location.port)", username: location.user,
                                  password: location.password, database: location.database)
        } else {
            configuration = .init(host: location.host, port: location.port, username: location.user, password: location.password,
                                  database: location.database, tls: .disable)
        }
        configuration.options.connectTimeout = .seconds(10)
        // A process paused or cut off inside a transaction must not hold its locks for ever (a
        // claim's SKIP LOCKED would skip that task, other writers would wait): the server ends such
        // a transaction after a minute, and a lock waited for 30 s is a race lost (run again).
        // (client_encoding: the store's text is UTF-8, whatever the database's own encoding.)
        let timeouts = [("idle_in_transaction_session_timeout", "60000"), ("lock_timeout", "30000"), ("client_encoding", "UTF8")]
        configuration.options.additionalStartupParameters = timeouts + [("synchronous_commit", "on")]
        durableConfiguration = configuration
        if try SQLiteStoreDatabase.synchronous() != "FULL" { configuration.options.additionalStartupParameters = timeouts + [("synchronous_commit", "off")] }
        self.configuration = configuration
        try PostgresSchema.migrate(self, create: create)
    }

    deinit {
        for connection in idle + idleDurable { try? connection.close().wait() }
    }

    // MARK: - Connections

    func acquire(durable: Bool = false) throws -> PostgresConnection {
        lock.lock()
        if let connection = durable ? idleDurable.popLast() : idle.popLast() {
            lock.unlock()
            if !connection.isClosed { return connection }
            prepared.forget(connection)
            return try acquire(durable: durable)
        }
        opened += 1
        let id = opened
        lock.unlock()
        do {
            return try PostgresConnection.connect(on: NIOSingletons.posixEventLoopGroup.next(), configuration: durable ? durableConfiguration : configuration,
                                                  id: id, logger: logger).wait()
        } catch {
            throw PipelineError("\(location.redacted): cannot connect (\(Self.describe(error)))")
        }
    }

    func release(_ connection: PostgresConnection, durable: Bool = false, reuse: Bool) {
        lock.lock()
        if reuse && !connection.isClosed && (durable ? idleDurable : idle).count < Self.keepIdle {
            if durable { idleDurable.append(connection) } else { idle.append(connection) }
            lock.unlock()
        } else {
            lock.unlock()
            prepared.forget(connection)
            let closing: EventLoopFuture<Void> = connection.close()
            _ = closing
        }
    }

    /// Runs `body` on a connection of its own (`durable`: one whose commits wait for the disk),
    /// between `begin` and COMMIT (ROLLBACK when it throws); with no `begin`, one statement in a
    /// transaction of its own (autocommit: one round trip). BEGIN is queued without the calling
    /// thread waiting for its reply (the reply is checked before COMMIT). A serialisation failure
    /// or deadlock runs the whole transaction again.
    func transaction<T>(_ begin: String?, durable: Bool = false, _ body: (PostgresTransaction) throws -> T) throws -> T {
        try retrying {
            let connection = try acquire(durable: durable)
            let transaction = PostgresTransaction(connection: connection, logger: logger, location: location, deferring: begin != nil)
            do {
                guard let begin else {
                    let value = try body(transaction)
                    release(connection, durable: durable, reuse: true)
                    return value
                }
                let begun = [connection.query(PostgresQuery(unsafeSQL: begin), logger: logger)]
                let value: T
                do { value = try body(transaction) } catch {
                    for reply in begun { _ = try? reply.wait() }
                    try? transaction.settle()
                    throw error
                }
                for reply in begun {
                    do { _ = try reply.wait() } catch { throw PostgresTransaction.Failure(underlying: error, sql: begin) }
                }
                try transaction.settle()
                try transaction.simple("COMMIT")
                release(connection, durable: durable, reuse: true)
                return value
            } catch {
                var healthy = true
                if !connection.isClosed && begin != nil { healthy = (try? transaction.simple("ROLLBACK")) != nil }
                release(connection, durable: durable, reuse: healthy)
                throw error
            }
        }
    }

    /// Runs `attempt` again while it loses a serialisation race or a deadlock (up to ``attempts``
    /// times, backing off a random, growing while); the server's errors become one line naming the store.
    private func retrying<T>(_ attempt: () throws -> T) throws -> T {
        var attempts = 0
        while true {
            attempts += 1
            do {
                return try attempt()
            } catch {
                if Self.isRace(error) {
                    if attempts < Self.attempts {
                        // Back off a random while, growing, so writers that collided do not collide again.
                        usleep(UInt32.random(in: 0...UInt32(min(50_000, 500 << min(attempts, 7)))))
                        continue
                    }
                    throw PipelineError("\(location.redacted): gave up after \(attempts) attempts, each losing a race with other writers (\(Self.describe(error)))")
                }
                if let error = error as? PipelineError { throw error }
                if let error = error as? DecisionConflict { throw error }
                if error is PSQLError { throw PipelineError("\(location.redacted): \(Self.describe(error))") }
                throw error
            }
        }
    }

    func write<T>(_ body: (any SQLTransaction) throws -> T) throws -> T {
        try transaction("BEGIN ISOLATION LEVEL SERIALIZABLE", body)
    }

    func durableWrite<T>(_ body: (any SQLTransaction) throws -> T) throws -> T {
        try transaction("BEGIN ISOLATION LEVEL SERIALIZABLE", durable: true, body)
    }

    /// Runs `batch` as one statement in a transaction of its own (`durable`: waiting for the disk),
    /// prepared on the connection (``PostgresPreparedStatements``).
    /// Returns its one row (`kijko_returned`: the batch's `returning`), or nil when its assertion
    /// failed (nothing was written).
    func runAsOne(_ batch: SQLStatementBatch, durable: Bool = false) throws -> SQLRow? {
        let (sql, arguments) = batch.statement()
        do {
            // (Prepared on each connection: a worker sends the same few shapes at every step.)
            return try transaction(nil, durable: durable) { db in try prepared.rows(sql, arguments, on: db).first }
        } catch let error as PostgresTransaction.Failure where Self.sqlState(error) == "KJ001" {
            return nil
        }
    }

    static func sqlState(_ error: any Error) -> String? {
        ((error as? PostgresTransaction.Failure)?.underlying as? PSQLError)?.serverInfo?[.sqlState] ?? (error as? PSQLError)?.serverInfo?[.sqlState]
    }

    func lockingWrite<T>(_ body: (any SQLTransaction) throws -> T) throws -> T {
        try transaction("BEGIN ISOLATION LEVEL READ COMMITTED", body)
    }

    func read<T>(_ body: (any SQLTransaction) throws -> T) throws -> T {
        try transaction("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", body)
    }

    /// PostgreSQL checks its own pages (checksums, WAL); nothing to add here.
    func check() throws -> [String]? { nil }

    /// A serialisation failure (40001) or deadlock (40P01): the transaction is worth running again.
    static func isRace(_ error: any Error) -> Bool {
        let state = sqlState(error)
        return state == "40001" || state == "40P01" || state == "55P03"
    }

    /// The server's message for an error of its own, else what failed (a refused connection, a closed one).
    static func describe(_ error: any Error) -> String {
        if let failure = error as? PostgresTransaction.Failure { return describe(failure.underlying) }
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] {
                return message + (error.serverInfo?[.detail].map { " (\($0))" } ?? "")
            }
            if let underlying = error.underlying { return "\(underlying)" }
            return "\(error.code)"
        }
        return "\(error)"
    }
}

/// One transaction on one PostgreSQL connection: `?` placeholders become `$1…`, every argument goes
/// as text of no stated type (the server reads it as its column's type: UUID, JSONB, TIMESTAMPTZ,
/// NUMERIC), and each value read back becomes the store's own form. Inside BEGIN…COMMIT a statement
/// whose rows are not wanted is sent without waiting for its reply (`deferring`): the replies are
/// read, and a failure thrown, before the next query's rows or the COMMIT — a transaction's
/// statements cost one wake-up of the calling thread each time it needs an answer, not one each.
/// (A statement that failed aborts the transaction in the server, so nothing after it takes effect.)
struct PostgresTransaction: SQLTransaction {
    let connection: PostgresConnection
    let logger: Logger
    let location: PostgresLocation
    var deferring = false
    private let pending = PendingReplies()
    var dialect: SQLDialect { .postgres }

    init(connection: PostgresConnection, logger: Logger, location: PostgresLocation, deferring: Bool = false) {
        self.connection = connection
        self.logger = logger
        self.location = location
        self.deferring = deferring
    }

    /// Waits for the replies to statements sent without waiting; throws the first failure.
    func settle() throws {
        var first: (any Error)?
        for (sql, reply) in pending.take() {
            do { _ = try reply.wait() } catch { if first == nil { first = Failure(underlying: error, sql: sql) } }
        }
        if let first { throw first }
    }

    /// A statement that failed, keeping the server's error (for retries) and the SQL.
    struct Failure: Error, CustomStringConvertible {
        let underlying: any Error
        let sql: String
        var description: String { PostgresStoreDatabase.describe(underlying) }
    }

    /// Runs `sql`: statements without arguments, each ending with a semicolon at the end of a line.
    func simple(_ sql: String) throws {
        for statement in sql.components(separatedBy: ";\n") {
            let text = statement.trimmingCharacters(in: .whitespacesAndNewlines)
            if text.isEmpty { continue }
            do { _ = try connection.query(PostgresQuery(unsafeSQL: text), logger: logger).wait() }
            catch { throw Failure(underlying: error, sql: text) }
        }
    }

    func execute(_ sql: String, _ arguments: [any SQLValueConvertible]) throws {
        if deferring {
            pending.add(sql, connection.query(PostgresQuery(unsafeSQL: Self.numbered(sql), binds: Self.bindings(arguments)), logger: logger))
            return
        }
        _ = try run(sql, arguments)
    }

    func rows(_ sql: String, _ arguments: [any SQLValueConvertible]) throws -> [SQLRow] {
        try settle()
        return try Self.rows(of: run(sql, arguments))
    }

    func ahead(_ sql: String, _ arguments: [any SQLValueConvertible]) throws -> SQLRowsAhead {
        guard deferring else {
            let rows = try rows(sql, arguments)
            return SQLRowsAhead { rows }
        }
        let reply = connection.query(PostgresQuery(unsafeSQL: Self.numbered(sql), binds: Self.bindings(arguments)), logger: logger)
        return SQLRowsAhead { [self] in
            try settle()
            do { return try Self.rows(of: reply.wait()) } catch { throw Failure(underlying: error, sql: sql) }
        }
    }

    /// A reply's rows in the store's own values.
    static func rows(of result: PostgresQueryResult) throws -> [SQLRow] {
        guard let first = result.rows.first else { return [] }
        let columns = SQLColumns(first.map(\.columnName))
        return try result.rows.map { row in SQLRow(columns: columns, values: try row.map(Self.value)) }
    }

    func run(_ sql: String, _ arguments: [any SQLValueConvertible]) throws -> PostgresQueryResult {
        do {
            return try connection.query(PostgresQuery(unsafeSQL: Self.numbered(sql), binds: Self.bindings(arguments)), logger: logger).wait()
        } catch {
            throw Failure(underlying: error, sql: sql)
        }
    }

    static func bindings(_ arguments: [any SQLValueConvertible]) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            if let text = text(argument.sqlValue) { bindings.append(UntypedText(text)) } else { bindings.appendNull() }
        }
        return bindings
    }

    /// A value as the text the server reads it from; nil for NULL (and a number that is not finite).
    static func text(_ value: SQLValue) -> String? {
        switch value {
        case .null: return nil
        case .integer(let number): return String(number)
        case .real(let number): return number.isFinite ? "\(number)" : nil
        case .text(let text): return text
        }
    }

    /// `?` → `$1`, `$2`… (from `$first`) outside quoted text.
    static func numbered(_ sql: String, from first: Int = 1) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(sql.utf8.count + 16)
        var n = first - 1, quoted = false
        for byte in sql.utf8 {
            if byte == UInt8(ascii: "'") { quoted.toggle() }
            if byte == UInt8(ascii: "?") && !quoted {
                n += 1
                out.append(UInt8(ascii: "$"))
                out.append(contentsOf: String(n).utf8)
            } else {
                out.append(byte)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A cell as the store reads values: integers and booleans as integers, floats and NUMERIC as
    /// reals, timestamps in the store's ISO form, everything else (UUID, JSON, text) as text.
    static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .float4, .float8: return .real(try cell.decode(Double.self))
        case .numeric: return .real(NSDecimalNumber(decimal: try cell.decode(Decimal.self)).doubleValue)
        case .timestamptz, .timestamp: return .text(PipelineStore.iso(try cell.decode(Date.self)))
        case .uuid: return .text(try cell.decode(String.self).lowercased())   // as the store writes ids
        default: return .text(try cell.decode(String.self))
        }
    }
}

/// Replies to statements sent without waiting, in order (a transaction runs on one thread at a time).
final class PendingReplies: @unchecked Sendable {
    private var replies: [(String, EventLoopFuture<PostgresQueryResult>)] = []
    private let lock = NSLock()

    func add(_ sql: String, _ reply: EventLoopFuture<PostgresQueryResult>) {
        lock.lock(); replies.append((sql, reply)); lock.unlock()
    }

    func take() -> [(String, EventLoopFuture<PostgresQueryResult>)] {
        lock.lock(); defer { lock.unlock() }
        let taken = replies
        replies = []
        return taken
    }
}

/// Text of no stated type: the server infers the parameter's type from where it stands.
struct UntypedText: PostgresDynamicTypeEncodable {
    let text: String
    init(_ text: String) { self.text = text }
    var psqlType: PostgresDataType { .null }
    var psqlFormat: PostgresFormat { .text }
    func encode<JSONEncoder: PostgresJSONEncoder>(into buffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>) {
        buffer.writeString(text)
    }
}

extension PostgresStoreDatabase {
    /// A connection of its own that LISTENs on `channel` and calls `heard` for each notification
    /// (on one of NIO's threads: `heard` must only signal). Close it with `close()`.
    final class Listener: @unchecked Sendable {
        let connection: PostgresConnection
        init(connection: PostgresConnection) { self.connection = connection }
        var isClosed: Bool { connection.isClosed }
        func close() { try? connection.close().wait() }
    }

    func listen(_ channel: String, heard: @escaping @Sendable () -> Void) throws -> Listener {
        let connection = try acquire()
        connection.addListener(channel: channel) { _, _ in heard() }
        do {
            _ = try connection.query(PostgresQuery(unsafeSQL: "LISTEN \(channel)"), logger: logger).wait()
        } catch {
            try? connection.close().wait()
            throw PipelineError("\(location.redacted): cannot LISTEN (\(Self.describe(error)))")
        }
        return Listener(connection: connection)
    }
}
