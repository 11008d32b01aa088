import Foundation
internal import GRDB
import KijkoCore

/// The store in one SQLite file (GRDB, WAL mode, schema by versioned migrations): the default,
/// for one machine. Two processes share it safely (a busy timeout, and writers that take the
/// lock before they read what they change).
final class SQLiteStoreDatabase: StoreDatabase {
    let path: String
    let pool: DatabasePool
    /// The `synchronous` setting of every commit but people's decisions (`KIJKO_DB_SYNC`).
    let sync: String
    var dialect: SQLDialect { .sqlite }

    /// Opens the store at `path` (absolute; creating it, and its folder, when `create`) and brings
    /// its schema up to date. A file that is not a Kijko store, or is damaged, is an error naming
    /// it; nothing is written to it.
    init(path: String, create: Bool) throws {
        self.path = path
        if !create && !FileManager.default.fileExists(atPath: path) {
            throw PipelineError("\(path): no job database there (a job starts one: kijko run …; or check --db / KIJKO_DB)")
        }
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try FileError.makeFolder(folder, what: "--db") }
        let sync = try Self.synchronous()
        self.sync = sync
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            // Checkpoints (copying the log into the database, with an fsync) every 10,000 pages
            // instead of 1,000: a step's commit rewrites the same few pages, so a rarer checkpoint
            // copies each of them once for many steps, and a job's steps rarely wait on one (the
            // last connection's close checkpoints what is left). The log is cut back to 4 MiB after.
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 10000")
            try db.execute(sql: "PRAGMA journal_size_limit = 4194304")
            // 1 KiB pages for a new store (an existing one keeps its own): a step changes a few
            // hundred bytes in each of a few pages, and every commit logs whole pages, so smaller
            // ones write, sync and checkpoint about 40 % as many bytes (bench pipeline).
            try db.execute(sql: "PRAGMA page_size = 1024")
        }
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isFolder)
        if exists && isFolder.boolValue { throw PipelineError("\(path): a folder, not a database file (give --db a file's path)") }
        // A pipe, a device or a socket would hang or mislead SQLite: only a plain file is a store.
        var status = stat()
        if exists, stat(path, &status) == 0, status.st_mode & S_IFMT != S_IFREG {
            throw PipelineError("\(path): not a plain file (a pipe, device or socket); give --db a database file's path")
        }
        if exists && access(path, R_OK) != 0 { throw PipelineError("\(path): permission denied (cannot read the database)") }
        do {
            if exists { try Self.checkForeign(path) } else { try Self.createAtomically(path, configuration) }
            pool = try DatabasePool(path: path, configuration: configuration)
            // WAL with NORMAL sync: a commit survives the process being killed at any moment
            // (people's decisions are synced to disk as well: `durableWrite`). FULL
            // (`KIJKO_DB_SYNC=full`) syncs every commit, steps too, against power cuts. (Set after
            // the pool opens: opening its writer in WAL mode sets NORMAL.)
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = \(sync)") }
            try Self.migrator.migrate(pool)
        } catch let error as PipelineError {
            throw error
        } catch {
            throw PipelineError("\(path): not a usable Kijko database (\(Self.describe(error)))")
        }
    }

    /// A new store is made whole in a temporary folder beside `path` — schema migrated, log
    /// checkpointed, closed — and then linked to `path` (`link` never replaces a file: when another
    /// process made the store first, its store is kept). A process killed while creating leaves
    /// only that folder (the half-made file with SQLite's journal or log inside it), never a
    /// half-made store that every command would refuse, nor files strewn beside it.
    static func createAtomically(_ path: String, _ configuration: Configuration) throws {
        let folder = AtomicFile.temporaryPath(for: path)
        guard mkdir(folder, 0o700) == 0 else {
            throw PipelineError("\(path): cannot create the database (\(String(cString: strerror(errno))))")
        }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let temporary = (folder as NSString).appendingPathComponent((path as NSString).lastPathComponent)
        let pool = try DatabasePool(path: temporary, configuration: configuration)
        try migrator.migrate(pool)
        try pool.close()
        if link(temporary, path) != 0 && errno != EEXIST {
            throw PipelineError("\(path): cannot create the database (\(String(cString: strerror(errno))))")
        }
    }

    /// `KIJKO_DB_SYNC`: `normal` (the default) or `full`.
    static func synchronous(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        switch environment["KIJKO_DB_SYNC"]?.lowercased() {
        case nil, "", "normal": return "NORMAL"
        case "full": return "FULL"
        case let other?: throw PipelineError("KIJKO_DB_SYNC: expected normal or full, got \(other)")
        }
    }

    /// Refuses a file that is not SQLite, or a SQLite database of someone else's (tables, but
    /// none of ours), before anything is written to it. (Damage elsewhere in the file is found
    /// where it is read — every read and write says so, naming the file, and changes nothing —
    /// or by `check()`: a full check on every open would read the whole store each time.)
    static func checkForeign(_ path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw PipelineError("\(path): cannot read the database") }
        let head = handle.readData(ofLength: 16)
        try? handle.close()
        if head.isEmpty { return }
        guard head == Data("SQLite format 3\0".utf8) else { throw PipelineError("\(path): not a SQLite database") }
        try readOnly(path).read { db in
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            if !tables.isEmpty && !tables.contains("production_jobs") {
                throw PipelineError("\(path): a SQLite database of something else (tables \(tables.prefix(5).joined(separator: ", "))), not Kijko's")
            }
        }
    }

    static func describe(_ error: Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        return "\(error)"
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE production_workflows (
                  id TEXT PRIMARY KEY,
                  name TEXT NOT NULL UNIQUE,
                  description TEXT,
                  workflow_type TEXT,
                  agent_sequence TEXT NOT NULL,
                  approval_gates TEXT NOT NULL,
                  estimated_duration INTEGER,
                  cost_estimate REAL,
                  created_at TEXT NOT NULL,
                  updated_at TEXT NOT NULL
                );
                CREATE TABLE production_jobs (
                  id TEXT PRIMARY KEY,
                  workflow_id TEXT NOT NULL REFERENCES production_workflows(id),
                  client_name TEXT,
                  brief_text TEXT NOT NULL,
                  brief_attachments TEXT NOT NULL DEFAULT '[]',
                  status TEXT NOT NULL,
                  current_agent TEXT,
                  agent_results TEXT NOT NULL DEFAULT '{}',
                  approval_history TEXT NOT NULL DEFAULT '[]',
                  total_cost REAL NOT NULL DEFAULT 0,
                  run_state TEXT NOT NULL,
                  budget REAL,
                  max_cost REAL,
                  settings TEXT NOT NULL DEFAULT '{}',
                  error_message TEXT,
                  created_at TEXT NOT NULL,
                  updated_at TEXT NOT NULL,
                  completed_at TEXT
                );
                CREATE TABLE production_job_templates (
                  production_job_id TEXT PRIMARY KEY REFERENCES production_jobs(id),
                  template TEXT NOT NULL
                );
                CREATE TABLE agent_executions (
                  id TEXT PRIMARY KEY,
                  production_job_id TEXT NOT NULL REFERENCES production_jobs(id),
                  step_id TEXT NOT NULL,
                  agent_name TEXT NOT NULL,
                  agent_type TEXT,
                  input_data TEXT,
                  output_data TEXT,
                  status TEXT NOT NULL,
                  llm_calls INTEGER NOT NULL DEFAULT 0,
                  tokens_used INTEGER NOT NULL DEFAULT 0,
                  cost REAL NOT NULL DEFAULT 0,
                  duration_seconds REAL,
                  error_message TEXT,
                  superseded INTEGER NOT NULL DEFAULT 0,
                  created_at TEXT NOT NULL,
                  completed_at TEXT
                );
                CREATE INDEX agent_executions_job_step ON agent_executions(production_job_id, step_id, superseded);
                CREATE TABLE approval_requests (
                  id TEXT PRIMARY KEY,
                  production_job_id TEXT NOT NULL REFERENCES production_jobs(id),
                  agent_execution_id TEXT REFERENCES agent_executions(id),
                  step_id TEXT NOT NULL,
                  approver_role TEXT NOT NULL,
                  approval_type TEXT NOT NULL,
                  content_to_review TEXT NOT NULL,
                  content_hash TEXT NOT NULL,
                  status TEXT NOT NULL,
                  feedback TEXT,
                  approved_at TEXT,
                  approved_by TEXT,
                  looped INTEGER NOT NULL DEFAULT 0,
                  created_at TEXT NOT NULL
                );
                CREATE INDEX approval_requests_job ON approval_requests(production_job_id, step_id, status);
                CREATE TABLE langfuse_traces (
                  id TEXT PRIMARY KEY,
                  production_job_id TEXT REFERENCES production_jobs(id),
                  agent_execution_id TEXT REFERENCES agent_executions(id),
                  langfuse_trace_id TEXT UNIQUE,
                  langfuse_url TEXT,
                  created_at TEXT NOT NULL
                );
                CREATE TABLE llm_calls (
                  id TEXT PRIMARY KEY,
                  agent_execution_id TEXT NOT NULL REFERENCES agent_executions(id),
                  model TEXT,
                  prompt_tokens INTEGER NOT NULL DEFAULT 0,
                  completion_tokens INTEGER NOT NULL DEFAULT 0,
                  cost REAL,
                  latency_seconds REAL,
                  created_at TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("v2-traces") { db in
            // Every job is a trace (its id is the job's UUID as 32 hex digits), every execution
            // and every approval decision a span in it, written in the same transaction as what
            // it records; trace_exports says which destination has accepted which span.
            try db.execute(sql: """
                CREATE TABLE trace_spans (
                  span_id TEXT PRIMARY KEY,
                  trace_id TEXT NOT NULL,
                  parent_span_id TEXT,
                  production_job_id TEXT NOT NULL REFERENCES production_jobs(id),
                  agent_execution_id TEXT REFERENCES agent_executions(id),
                  name TEXT NOT NULL,
                  kind TEXT NOT NULL,
                  start_ns INTEGER NOT NULL,
                  end_ns INTEGER NOT NULL,
                  attributes TEXT NOT NULL DEFAULT '{}',
                  status TEXT NOT NULL DEFAULT 'ok',
                  status_message TEXT
                );
                CREATE TABLE trace_exports (
                  span_id TEXT NOT NULL REFERENCES trace_spans(span_id),
                  destination TEXT NOT NULL,
                  exported_at TEXT NOT NULL,
                  note TEXT,
                  PRIMARY KEY (span_id, destination)
                );
                """)
        }
        migrator.registerMigration("v3-people") { db in
            // People who use the server, by role, each with a token (only its SHA-256 is kept);
            // who was added to which job (a client sees only those); what an approver chose.
            try db.execute(sql: """
                CREATE TABLE users (
                  id TEXT PRIMARY KEY,
                  name TEXT NOT NULL UNIQUE,
                  role TEXT NOT NULL,
                  token_hash TEXT NOT NULL UNIQUE,
                  created_at TEXT NOT NULL
                );
                CREATE TABLE job_members (
                  production_job_id TEXT NOT NULL REFERENCES production_jobs(id),
                  user_id TEXT NOT NULL REFERENCES users(id),
                  PRIMARY KEY (production_job_id, user_id)
                );
                ALTER TABLE approval_requests ADD COLUMN choice TEXT;
                """)
        }
        migrator.registerMigration("v4-spent-loops") { db in
            // `looped = 2` marks the rejection that spent a gate's revisions and so ended its job
            // (1: a rejection that sent the job back). Only such a job stays failed on resume.
            try db.execute(sql: """
                UPDATE approval_requests SET looped = 2 WHERE status = 'rejected' AND looped = 1 AND id IN (
                  SELECT r.id FROM approval_requests r JOIN production_jobs j ON j.id = r.production_job_id
                  WHERE j.run_state = 'failed' AND j.error_message LIKE r.step_id || ': rejected % times, more than the %'
                    AND r.created_at = (SELECT MAX(created_at) FROM approval_requests
                                        WHERE production_job_id = r.production_job_id AND step_id = r.step_id AND status = 'rejected'))
                """)
        }
        migrator.registerMigration("v5-overrides") { db in
            // Why a person approved past a failing check (QC), and the failures it goes past (JSON
            // list of lines), recorded with the decision.
            try db.execute(sql: """
                ALTER TABLE approval_requests ADD COLUMN override_reason TEXT;
                ALTER TABLE approval_requests ADD COLUMN override_past TEXT;
                """)
        }
        migrator.registerMigration("v6-workers") { db in
            // Which worker ran an execution (PostgreSQL stores' workers; empty in one process).
            try db.execute(sql: "ALTER TABLE agent_executions ADD COLUMN worker TEXT")
        }
        return migrator
    }

    // MARK: - Transactions

    /// Runs `body` in one write transaction (`BEGIN IMMEDIATE`: writers queue for the one lock, so
    /// what a transaction reads stays true until it commits).
    @discardableResult
    func write<T>(_ body: (any SQLTransaction) throws -> T) throws -> T {
        try naming { try pool.write { db in try body(SQLiteTransaction(db: db)) } }
    }

    /// `write`, with the log synced to disk before it returns (`synchronous = FULL` for this one
    /// transaction): for people's decisions, which must survive a power cut too, not only a killed
    /// process. A step's records need not: a step lost that way runs again.
    @discardableResult
    func durableWrite<T>(_ body: (any SQLTransaction) throws -> T) throws -> T {
        try naming { try pool.writeWithoutTransaction { db -> T in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            defer { try? db.execute(sql: "PRAGMA synchronous = \(sync)") }
            var value: T?
            try db.inTransaction(.immediate) {
                value = try body(SQLiteTransaction(db: db))
                return .commit
            }
            return value!
        } }
    }

    /// (One writer at a time: every write sees what was committed before it.)
    func lockingWrite<T>(_ body: (any SQLTransaction) throws -> T) throws -> T { try write(body) }

    func read<T>(_ body: (any SQLTransaction) throws -> T) throws -> T {
        try naming { try pool.read { db in try body(SQLiteTransaction(db: db)) } }
    }

    /// Runs `body`, turning SQLite's word for a damaged file into one line naming the store.
    /// (The transaction that met the damage is rolled back: nothing of it is kept.)
    func naming<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CORRUPT || error.resultCode == .SQLITE_NOTADB {
            throw PipelineError("\(path): the database is damaged (\(error.message ?? "\(error.resultCode)")); "
                                + "`kijko check-store` lists what is wrong — restore a copy, or run `sqlite3 \(path) .recover`")
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            throw PipelineError("\(path): the disk is full (nothing of this write was kept); free space, then resume")
        }
    }

    /// `PRAGMA integrity_check` over the whole store: nil when it is sound, else SQLite's findings
    /// (at most 100). Reads every page: for people to run, not on every open.
    func check() throws -> [String]? {
        try naming { try pool.read(Self.findings) }
    }

    /// The same for the file at `path`, opened read-only and not migrated, so that a store too
    /// damaged to open is still examined; a file that is not SQLite is one finding. Nothing is written.
    static func check(path: String) throws -> [String]? {
        guard FileManager.default.fileExists(atPath: path) else { throw PipelineError("\(path): no such database") }
        do {
            return try readOnly(path).read(findings)
        } catch let error as DatabaseError {
            return [error.message ?? "\(error.resultCode)"]
        }
    }

    /// The file at `path` opened read-only: nothing is written to it, not even WAL mode.
    static func readOnly(_ path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    static func findings(_ db: Database) throws -> [String]? {
        let found = try String.fetchAll(db, sql: "PRAGMA integrity_check(100)")
            .flatMap { $0.split(separator: "\n").map(String.init) }
            .filter { !$0.hasPrefix("*** in database") }
        return found == ["ok"] ? nil : found
    }

}

/// A GRDB connection inside a transaction, as the store's SQL speaks to it. Statements go through
/// the connection's cache (compiled once, reused for every step).
struct SQLiteTransaction: SQLTransaction {
    let db: Database
    var dialect: SQLDialect { .sqlite }

    func execute(_ sql: String, _ arguments: [any SQLValueConvertible]) throws {
        try db.cachedStatement(sql: sql).execute(arguments: Self.arguments(arguments))
    }

    func ahead(_ sql: String, _ arguments: [any SQLValueConvertible]) throws -> SQLRowsAhead {
        let rows = try rows(sql, arguments)
        return SQLRowsAhead { rows }
    }

    func rows(_ sql: String, _ arguments: [any SQLValueConvertible]) throws -> [SQLRow] {
        let statement = try db.cachedStatement(sql: sql)
        let columns = SQLColumns(statement.columnNames)
        let cursor = try Row.fetchCursor(statement, arguments: Self.arguments(arguments))
        var rows: [SQLRow] = []
        while let row = try cursor.next() {
            rows.append(SQLRow(columns: columns, values: row.databaseValues.map(Self.value)))
        }
        return rows
    }

    static func arguments(_ values: [any SQLValueConvertible]) -> StatementArguments {
        StatementArguments(values.map { value -> DatabaseValue in
            switch value.sqlValue {
            case .null: return .null
            case .integer(let number): return number.databaseValue
            case .real(let number): return number.databaseValue
            case .text(let text): return text.databaseValue
            }
        })
    }

    static func value(_ value: DatabaseValue) -> SQLValue {
        switch value.storage {
        case .null: return .null
        case .int64(let number): return .integer(number)
        case .double(let number): return .real(number)
        case .string(let text): return .text(text)
        case .blob(let data): return .text(String(decoding: data, as: UTF8.self))
        }
    }
}
