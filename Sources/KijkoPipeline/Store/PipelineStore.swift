public import Foundation
internal import GRDB
import KijkoCore

/// The one SQLite file that holds every job, every agent execution and every approval (GRDB, WAL
/// mode, schema by versioned migrations). Every change is one transaction, so a process killed at
/// any moment leaves the store as it was after its last commit; two processes share it safely
/// (a busy timeout, and writes that re-read what they change inside their transaction).
///
/// Tables as the product spec names them — `production_workflows`, `production_jobs`,
/// `agent_executions`, `approval_requests`, `langfuse_traces` — plus `llm_calls` for each model
/// call and `production_job_templates` (each job's snapshot of its workflow graph, kept out of the
/// job's row, which changes at every step). Ids are UUID text; structured values are JSON text.
/// A job's `agent_results` (every current step output by step id) is written whenever its run
/// stops — complete, waiting, failed — while each output is in its execution row as it is made.
public final class PipelineStore: Sendable {
    public let path: String
    let pool: DatabasePool
    /// The `synchronous` setting of every commit but people's decisions (`KIJKO_DB_SYNC`).
    let sync: String

    /// Opens the store at `path` (creating it, and its folder, when `create` — only a command that
    /// starts a job does; one that reads or decides never makes a store where there was none) and
    /// brings its schema up to date. A file that is not a Kijko store, or is damaged, is an error
    /// naming it; nothing is written to it.
    public init(path: String, create: Bool = true) throws {
        // Absolute, so artefact paths derived from it are too (and an approval hashes the files they name).
        self.path = URL(fileURLWithPath: path).standardizedFileURL.path
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

    /// A new store is made whole under a temporary name — schema migrated, log checkpointed, closed —
    /// and then linked to `path` (`link` never replaces a file: when another process made the store
    /// first, its store is kept). A process killed while creating leaves only the temporary file,
    /// never a half-made store that every command would refuse.
    static func createAtomically(_ path: String, _ configuration: Configuration) throws {
        let temporary = AtomicFile.temporaryPath(for: path)
        defer { for suffix in ["", "-wal", "-shm"] { unlink(temporary + suffix) } }
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

    /// The folder a job's step files go in: `artefacts/JOB8/` beside the database.
    public func artefactFolder(job: String) -> String {
        ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent("artefacts/\(job.prefix(8))")
    }

    /// The default store: `KIJKO_DB`, else `$XDG_DATA_HOME/kijko/kijko.sqlite`
    /// (`~/.local/share/kijko/kijko.sqlite`; `~/Library/Application Support/kijko/` on macOS).
    public static func defaultPath(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["KIJKO_DB"], !path.isEmpty { return path }
        #if os(macOS)
        let base = (NSHomeDirectory() as NSString).appendingPathComponent("Library/Application Support")
        #else
        let base = environment["XDG_DATA_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (NSHomeDirectory() as NSString).appendingPathComponent(".local/share")
        #endif
        return (base as NSString).appendingPathComponent("kijko/kijko.sqlite")
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
        return migrator
    }

    // MARK: - Access

    /// Runs `body` in one write transaction; commits are counted for fault injection
    /// (`KIJKO_FAULT_KILL_AFTER_WRITES=N` kills the process with SIGKILL right after the Nth
    /// commit — how the tests prove a kill at any moment loses nothing).
    @discardableResult
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        let value = try naming { try pool.write(body) }
        FaultInjection.committed()
        return value
    }

    /// `write`, with the log synced to disk before it returns (`synchronous = FULL` for this one
    /// transaction): for people's decisions, which must survive a power cut too, not only a killed
    /// process. A step's records need not: a step lost that way runs again.
    @discardableResult
    func durableWrite<T>(_ body: (Database) throws -> T) throws -> T {
        let value = try naming { try pool.writeWithoutTransaction { db -> T in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            defer { try? db.execute(sql: "PRAGMA synchronous = \(sync)") }
            var value: T?
            try db.inTransaction(.immediate) {
                value = try body(db)
                return .commit
            }
            return value!
        } }
        FaultInjection.committed()
        return value
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T { try naming { try pool.read(body) } }

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
    public func check() throws -> [String]? {
        try naming { try pool.read(Self.findings) }
    }

    /// The same for the file at `path`, opened read-only and not migrated, so that a store too
    /// damaged to open is still examined; a file that is not SQLite is one finding. Nothing is written.
    public static func check(path: String) throws -> [String]? {
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

    /// A new random (version 4) UUID as the store writes ids: lower case, with dashes. (Made from
    /// the system's random source directly; Foundation's `UUID()` opens a file for every one.)
    static func newID() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64, low = generator.next() as UInt64
        var text: [UInt8] = []
        text.reserveCapacity(36)
        for i in 0..<16 {
            var byte = UInt8(truncatingIfNeeded: (i < 8 ? high : low) >> (56 - 8 * UInt64(i % 8)))
            if i == 6 { byte = byte & 0x0F | 0x40 }  // version 4
            if i == 8 { byte = byte & 0x3F | 0x80 }  // RFC 4122 variant
            if i == 4 || i == 6 || i == 8 || i == 10 { text.append(UInt8(ascii: "-")) }
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 15)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Now as ISO 8601 UTC with milliseconds ("2026-11-26T14:43:46.123Z"), the form every
    /// timestamp column holds (it sorts as text).
    static func now() -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        var seconds = time_t(time.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        // Digits written by hand: `String(format:)` was a measurable part of a no-op step.
        var text: [UInt8] = Array("0000-00-00T00:00:00.000Z".utf8)
        func put(_ value: Int, at end: Int, width: Int) {
            var v = value
            for i in stride(from: end, to: end - width, by: -1) { text[i] = UInt8(48 + v % 10); v /= 10 }
        }
        put(Int(parts.tm_year) + 1900, at: 3, width: 4)
        put(Int(parts.tm_mon) + 1, at: 6, width: 2)
        put(Int(parts.tm_mday), at: 9, width: 2)
        put(Int(parts.tm_hour), at: 12, width: 2)
        put(Int(parts.tm_min), at: 15, width: 2)
        put(Int(parts.tm_sec), at: 18, width: 2)
        put(Int(time.tv_nsec / 1_000_000), at: 22, width: 3)
        return String(decoding: text, as: UTF8.self)
    }
}

/// An error of the pipeline: one line naming what is wrong.
public struct PipelineError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Test-only crash points, read from the environment once.
enum FaultInjection {
    nonisolated(unsafe) static var commits = 0
    static let lock = NSLock()
    static let killAfter: Int? = ProcessInfo.processInfo.environment["KIJKO_FAULT_KILL_AFTER_WRITES"].flatMap(Int.init)
    static let killInStep: String? = ProcessInfo.processInfo.environment["KIJKO_FAULT_KILL_IN_STEP"]

    static func committed() {
        guard let killAfter else { return }
        lock.lock()
        commits += 1
        let now = commits
        lock.unlock()
        if now >= killAfter { kill(getpid(), SIGKILL) }
    }

    static func inStep(_ step: String) {
        if let killInStep, killInStep == step { kill(getpid(), SIGKILL) }
    }
}
