public import Foundation
import KijkoCore

/// The store that holds every job, every agent execution and every approval: one SQLite file on
/// one machine (the default), or a PostgreSQL database that several machines share
/// (`postgres://USER@HOST:PORT/DB`). Every change is one transaction, so a process killed at any
/// moment leaves the store as it was after its last commit, and processes share it safely.
///
/// Tables as the product spec names them — `production_workflows`, `production_jobs`,
/// `agent_executions`, `approval_requests`, `langfuse_traces` — plus `llm_calls` for each model
/// call and `production_job_templates` (each job's snapshot of its workflow graph, kept out of the
/// job's row, which changes at every step). Ids are UUIDs; structured values are JSON. A job's
/// `agent_results` (every current step output by step id) is written whenever its run stops —
/// complete, waiting, failed — while each output is in its execution row as it is made.
public final class PipelineStore: Sendable {
    /// The SQLite file's absolute path, or the PostgreSQL URL without its password.
    public let path: String
    /// Where jobs' step files go: `artefacts/` beside a SQLite file; for PostgreSQL, `KIJKO_ARTEFACTS`
    /// (a folder every machine sees), else `artefacts/` beside the default store.
    public let artefactRoot: String
    let database: any StoreDatabase

    /// Opens the store `location` names — a SQLite file's path, or `postgres://USER[:PASSWORD]@HOST[:PORT]/DB`
    /// — creating it when `create` (only a command that starts a job does; one that reads or
    /// decides never makes a store where there was none) and bringing its schema up to date.
    /// A file or database that is not a Kijko store, or is damaged, is an error naming it;
    /// nothing is written to it. `artefacts` overrides where step files go (else `KIJKO_ARTEFACTS`).
    public init(path location: String, create: Bool = true, artefacts: String? = nil,
                environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let given = artefacts ?? environment["KIJKO_ARTEFACTS"].flatMap { $0.isEmpty ? nil : $0 }
        if PostgresLocation.names(location) {
            let postgres = try PostgresStoreDatabase(url: location, create: create)
            database = postgres
            path = postgres.location.redacted
            let beside = (Self.defaultPath(environment) as NSString).deletingLastPathComponent
            artefactRoot = URL(fileURLWithPath: given ?? (beside as NSString).appendingPathComponent("artefacts")).standardizedFileURL.path
        } else {
            // Absolute, so artefact paths derived from it are too (and an approval hashes the files they name).
            let file = URL(fileURLWithPath: location).standardizedFileURL.path
            database = try SQLiteStoreDatabase(path: file, create: create)
            path = file
            let beside = ((file as NSString).deletingLastPathComponent as NSString).appendingPathComponent("artefacts")
            artefactRoot = URL(fileURLWithPath: given ?? beside).standardizedFileURL.path
        }
    }

    /// Whether `location` names a shared PostgreSQL store rather than a SQLite file.
    public static func isShared(_ location: String) -> Bool { PostgresLocation.names(location) }

    /// Whether the store is a shared PostgreSQL database (workers can take its steps).
    public var isShared: Bool { database.dialect == .postgres }

    /// The folder a job's step files go in: `JOB8/` under the artefact root.
    public func artefactFolder(job: String) -> String {
        (artefactRoot as NSString).appendingPathComponent(String(job.prefix(8)))
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

    // MARK: - Transactions

    /// Runs `body` in one write transaction; commits are counted for fault injection
    /// (`KIJKO_FAULT_KILL_AFTER_WRITES=N` kills the process with SIGKILL right after the Nth
    /// commit — how the tests prove a kill at any moment loses nothing).
    @discardableResult
    func write<T>(_ body: (any SQLTransaction) throws -> T) throws -> T {
        let value = try database.write(body)
        FaultInjection.committed()
        return value
    }

    /// `write`, with the commit on disk before it returns: for people's decisions, which must
    /// survive a power cut too, not only a killed process. A step's records need not: a step lost
    /// that way runs again.
    @discardableResult
    func durableWrite<T>(_ body: (any SQLTransaction) throws -> T) throws -> T {
        let value = try database.durableWrite(body)
        FaultInjection.committed()
        return value
    }

    /// A write whose consistency comes from the rows it locks (`FOR UPDATE`, `FOR SHARE`), not
    /// from serialisable isolation: a worker's step on PostgreSQL, where every statement sees
    /// what was committed before it and no unrelated writer makes it fail and run again. (SQLite's
    /// one writer gives that already.)
    @discardableResult
    func lockingWrite<T>(_ body: (any SQLTransaction) throws -> T) throws -> T {
        let value = try database.lockingWrite(body)
        FaultInjection.committed()
        return value
    }

    func read<T>(_ body: (any SQLTransaction) throws -> T) throws -> T { try database.read(body) }

    /// The database's own check over the whole store (SQLite: `PRAGMA integrity_check`): nil when
    /// it is sound, else its findings (at most 100). Reads every page: for people to run, not on every open.
    public func check() throws -> [String]? { try database.check() }

    /// The same for the SQLite file at `path`, opened read-only and not migrated, so that a store
    /// too damaged to open is still examined; a file that is not SQLite is one finding. Nothing is written.
    public static func check(path: String) throws -> [String]? { try SQLiteStoreDatabase.check(path: path) }

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

    /// Now as the store writes times (``now()``), for lines a command prints beside them.
    public static func timestamp() -> String { now() }

    /// Now as ISO 8601 UTC with milliseconds ("2026-11-26T14:43:46.123Z"), the form every
    /// timestamp column holds (it sorts as text). (Made by hand: Foundation's formatter costs
    /// more than a worker's whole step.)
    static func now() -> String {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return iso(seconds: Int64(time.tv_sec), milliseconds: Int(time.tv_nsec / 1_000_000))
    }

    /// `date` in the same form, to the nearest millisecond (a time the store wrote comes back as
    /// written, though PostgreSQL's reply reaches a `Date` through floating point).
    static func iso(_ date: Date) -> String {
        let milliseconds = (date.timeIntervalSince1970 * 1000).rounded()
        guard milliseconds.isFinite, abs(milliseconds) < 1e15 else { return "0000-01-01T00:00:00.000Z" }
        let whole = Int64(milliseconds)
        let (seconds, remainder) = whole.quotientAndRemainder(dividingBy: 1000)
        return remainder < 0 ? iso(seconds: seconds - 1, milliseconds: Int(remainder + 1000)) : iso(seconds: seconds, milliseconds: Int(remainder))
    }

    static func iso(seconds: Int64, milliseconds: Int) -> String {
        var seconds = time_t(seconds)
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
        put(milliseconds, at: 22, width: 3)
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

    /// `KIJKO_FAULT_STEP_SECONDS`: every step takes at least this long (so a test's kill lands mid-step).
    static let stepSeconds: Double? = ProcessInfo.processInfo.environment["KIJKO_FAULT_STEP_SECONDS"].flatMap(Double.init)

    static func inStep(_ step: String) {
        if let killInStep, killInStep == step { kill(getpid(), SIGKILL) }
        if let stepSeconds, stepSeconds > 0, stepSeconds < 60 { Thread.sleep(forTimeInterval: stepSeconds) }
    }
}
