import Foundation
@testable import KijkoPipeline
import KijkoTestSupport
import Testing

/// `kill -9` at every write of a job's life, then `kijko resume` (and the approvals people would
/// give): every job completes, no completed step ran twice, no approval is lost, the file is sound.
@Suite(.serialized) struct DurabilityTests {
    static let brief = "Teaser clips for the Acme cold brew launch."

    static func kijko(_ arguments: [String], db: String, fault: [String: String] = [:]) throws -> ProgramResult {
        try Program.run(Program.kijko, arguments + ["--db", db], environment: fault)
    }

    /// Drives the job in `db` to its end as people would: resume it, approve what waits.
    static func finish(_ db: String) throws {
        for _ in 0..<20 {
            let listed = try kijko(["jobs", "--json"], db: db)
            // (No store yet — killed before it was made — is an error from `jobs`, and no jobs.)
            let jobs = (try? JSONSerialization.jsonObject(with: Data(listed.stdout.utf8))) as? [[String: Any]] ?? []
            guard let job = jobs.first, let id = job["id"] as? String else {
                _ = try kijko(["run", PipelineFixture.workflows + "/social.yaml", "--brief", brief, "--json"], db: db)  // killed before the job was written
                continue
            }
            if job["run_state"] as? String == "complete" { return }
            let waiting = try kijko(["approvals", "--json"], db: db)
            let pending = try JSONSerialization.jsonObject(with: Data(waiting.stdout.utf8)) as? [[String: Any]] ?? []
            if let request = pending.first?["id"] as? String {
                _ = try kijko(["approve", request, "--by", "client", "--json"], db: db)
            } else {
                _ = try kijko(["resume", id, "--json"], db: db)
            }
        }
    }

    static func check(_ db: String, context: String) throws {
        let store = try PipelineStore(path: db)
        #expect(try store.check() == nil, "\(context)")
        let jobs = try store.jobs()
        #expect(jobs.count == 1 && jobs.first?.runState == "complete", "\(context): \(jobs.map(\.runState))")
        guard let job = jobs.first else { return }
        let counts = try store.read { db in
            try db.rows("""
                SELECT step_id, SUM(status = 'completed') AS done, SUM(status = 'running') AS hanging FROM agent_executions
                WHERE production_job_id = ? AND agent_type != 'approval' GROUP BY step_id
                """, [job.id])
        }
        #expect(counts.count == 6, "\(context): \(counts.count) steps")
        for row in counts {
            #expect((row["done"] as Int) == 1 && (row["hanging"] as Int) == 0, "\(context): step \(row["step_id"] as String) completed \(row["done"] as Int) times")
        }
        let approvals = try store.read { db in try db.values(String.self, "SELECT status FROM approval_requests WHERE production_job_id = ?", [job.id]) }
        #expect(approvals == ["approved"], "\(context): \(approvals)")
    }

    @Test func killedAfterEveryWriteOfARunAndResumed() throws {
        var n = 1
        while n < 60 {
            let db = try PipelineFixture.scratch()
            let first = try Self.kijko(["run", PipelineFixture.workflows + "/social.yaml", "--brief", Self.brief, "--json"], db: db, fault: ["KIJKO_FAULT_KILL_AFTER_WRITES": "\(n)"])
            try Self.finish(db)
            try Self.check(db, context: "run killed after write \(n)")
            if !first.signalled { break }  // the run got to its gate with fewer writes: every point covered
            n += 1
        }
        #expect(n > 5 && n < 60)
    }

    @Test func killedAfterEveryWriteOfAnApprovalAndResumed() throws {
        var n = 1
        while n < 60 {
            let db = try PipelineFixture.scratch()
            _ = try Self.kijko(["run", PipelineFixture.workflows + "/social.yaml", "--brief", Self.brief, "--json"], db: db)
            let waiting = try Self.kijko(["approvals", "--json"], db: db)
            let request = try #require((try JSONSerialization.jsonObject(with: Data(waiting.stdout.utf8)) as? [[String: Any]])?.first?["id"] as? String)
            let approval = try Self.kijko(["approve", request, "--json"], db: db, fault: ["KIJKO_FAULT_KILL_AFTER_WRITES": "\(n)"])
            try Self.finish(db)
            try Self.check(db, context: "approval killed after write \(n)")
            if !approval.signalled { break }
            n += 1
        }
        #expect(n > 2 && n < 60)
    }

    /// `kill -9` while a new store is being made, at moments from its very start: the next command
    /// finds either no store or a whole one — never one it refuses — and no half-made file stays.
    @Test func killedWhileCreatingTheStore() throws {
        for delay in [0, 2, 5, 10, 20, 40, 80] {
            let db = try PipelineFixture.scratch()
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Program.kijko)
            process.arguments = ["run", PipelineFixture.workflows + "/social.yaml", "--brief", Self.brief, "--db", db, "--quiet"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(useconds_t(delay * 1000))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            let listed = try Self.kijko(["jobs", "--json"], db: db)
            #expect(listed.status == 0 || listed.stderr.contains("no job database there"), "killed after \(delay) ms: \(listed.stderr)")
            #expect(!listed.stderr.contains("not a usable"), "killed after \(delay) ms: \(listed.stderr)")
            // And the job can be started and finished on it.
            try Self.finish(db)
            let jobs = try JSONSerialization.jsonObject(with: Data(try Self.kijko(["jobs", "--json"], db: db).stdout.utf8)) as? [[String: Any]]
            #expect(jobs?.first?["run_state"] as? String == "complete", "killed after \(delay) ms")
            let folder = (db as NSString).deletingLastPathComponent
            let left = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.contains(".partial-") }
            #expect(left.count <= 1, "at most the one temporary file a kill can leave: \(left)")
        }
    }

    @Test func killedInTheMiddleOfAStepAndResumed() throws {
        for step in ["trends", "captions", "schedule"] {
            let db = try PipelineFixture.scratch()
            let fault = ["KIJKO_FAULT_KILL_IN_STEP": step]
            let run = try Self.kijko(["run", PipelineFixture.workflows + "/social.yaml", "--brief", Self.brief, "--json"], db: db, fault: step == "schedule" ? [:] : fault)
            if step == "schedule" {
                #expect(!run.signalled)
                let waiting = try Self.kijko(["approvals", "--json"], db: db)
                let request = try #require((try JSONSerialization.jsonObject(with: Data(waiting.stdout.utf8)) as? [[String: Any]])?.first?["id"] as? String)
                #expect(try Self.kijko(["approve", request, "--json"], db: db, fault: fault).signalled)
            } else {
                #expect(run.signalled)
            }
            // The interrupted step is on record as interrupted, and runs again on resume (with the
            // step running beside it, when the kill caught that one in flight too).
            let store = try PipelineStore(path: db)
            let hanging = try store.read { db in try db.values(String.self, "SELECT step_id FROM agent_executions WHERE status = 'running'") }
            let inFlight: Set<String> = step == "captions" ? ["captions", "platform_versions"] : [step]
            #expect(hanging.contains(step) && Set(hanging).isSubset(of: inFlight), "\(hanging)")
            try Self.finish(db)
            try Self.check(db, context: "killed inside \(step)")
            let interrupted = try store.read { db in
                try db.values(String.self, "SELECT error_message FROM agent_executions WHERE step_id = ? AND status = 'failed'", [step])
            }
            #expect(interrupted.count == 1 && interrupted[0].contains("interrupted"))
        }
    }
}
