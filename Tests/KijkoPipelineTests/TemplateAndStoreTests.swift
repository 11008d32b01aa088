import Foundation
import GRDB
@testable import KijkoPipeline
import KijkoLLM
import KijkoTestSupport
import Testing
import KijkoCore

/// Workflow templates are validated on load; the store refuses files that are not its own.
@Suite struct TemplateAndStoreTests {
    /// Reading and deciding never make a store where there was none: a typo in `--db` is an error
    /// naming the path, and neither the file nor its folder appears.
    @Test func readingCommandsCreateNoStore() throws {
        let base = (try PipelineFixture.scratch() as NSString).deletingLastPathComponent
        let typo = base + "/typo.sqlite", deep = base + "/nowhere/x.sqlite"
        for arguments in [["jobs", "--db", typo], ["status", "abc", "--db", deep], ["approvals", "--db", typo],
                          ["metrics", "--db", deep], ["resume", "abc", "--db", typo], ["approve", "abc", "--db", typo]] {
            let run = try Program.run(Program.kijko, arguments)
            #expect(run.status == 1, "\(arguments): exit \(run.status)")
            #expect(run.stderr.contains("no job database there"), "\(arguments): \(run.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: typo) && !FileManager.default.fileExists(atPath: base + "/nowhere"))
    }

    /// A `--db` that is a pipe is refused at once (SQLite would wait on it for ever), in one line.
    @Test func aPipeIsNoStore() throws {
        let fifo = (try PipelineFixture.scratch() as NSString).deletingLastPathComponent + "/pipe.sqlite"
        #expect(mkfifo(fifo, 0o644) == 0)
        let run = try Program.run(Program.kijko, ["jobs", "--db", fifo])
        #expect(run.status == 1 && run.stderr.contains("not a plain file"), "\(run.stderr)")
    }

    /// A relative `--master` or `--media` is kept absolute, so `resume` works from any folder.
    @Test func mediaPathsAreKeptAbsolute() throws {
        let runner = PipelineRunner(store: try PipelineStore(path: try PipelineFixture.scratch()))
        let job = try runner.start(try PipelineFixture.template("social"), brief: "Clips",
                                   options: .init(media: "footage/day1", master: "./cut/../master.mov"))
        let settings = try runner.store.jobState(job).settings
        let here = FileManager.default.currentDirectoryPath
        #expect(settings["media"] == URL(fileURLWithPath: here + "/footage/day1").standardizedFileURL.path)
        #expect(settings["master"] == URL(fileURLWithPath: here + "/master.mov").standardizedFileURL.path)
    }

    /// A job whose runner was killed shows `interrupted`, not `running` for ever; one whose runner
    /// lives shows `running`.
    @Test func aKilledRunnersJobIsInterrupted() throws {
        let runner = PipelineRunner(store: try PipelineStore(path: try PipelineFixture.scratch()))
        let job = try runner.start(try PipelineFixture.template("social"), brief: "Clips")
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        for (pid, expected) in [(gone.processIdentifier, "interrupted"), (getpid(), "running")] {
            try runner.store.write { db in
                try db.execute("UPDATE production_jobs SET settings = ? WHERE id = ?", ["{\"runner_pid\":\"\(pid)\"}", job])
            }
            #expect(try runner.store.jobs().first?.runState == expected)
            #expect(try runner.store.detail(job: job).job.runState == expected)
        }
    }

    /// `--db` naming a folder is one error naming it (it was a trap).
    @Test func aFolderIsNoStore() throws {
        let folder = (try PipelineFixture.scratch() as NSString).deletingLastPathComponent
        #expect { _ = try PipelineStore(path: folder) } throws: { "\($0)".contains("\(folder): a folder, not a database file") }
    }

    @Test func shippedTemplatesLoad() throws {
        for name in ["film", "advertising", "social"] {
            let template = try PipelineFixture.template(name)
            #expect(template.name == name && template.steps.contains { $0.gate != nil })
        }
        let film = try PipelineFixture.template("film")
        #expect(film.step("production_ai")?.when == .init(step: "budget", field: "method", equals: "ai"))
        #expect(film.downstream(of: "assembly") == ["qc", "editor_review", "director_approval"])
    }

    @Test(arguments: [
        ("steps:\n  a: {agent: vrd, after: [b]}\n  b: {agent: vrd, after: [a]}\n", "custom.yaml:3: steps.a.after: b comes later: a cycle"),
        ("steps:\n  a: {agent: vrd}\n  g:\n    after: [a]\n    gate: {role: Client, approval: x, reviews: a, on_reject: a}\n",
         "steps.g.gate.max_loops: a gate that sends the job back needs max_loops"),
        ("steps:\n  a: {agent: nobody}\n", "steps.a.agent: unknown agent nobody"),
        ("steps:\n  a: {agent: vrd, after: [ghost]}\n", "steps.a.after: unknown step ghost"),
        ("steps:\n  a: {agent: vrd, colour: red}\n", "colour"),
        ("steps:\n  a: {agent: vrd, phase: lunch}\n", "steps.a.phase: expected one of"),
        // Hardening: one step defined twice, numbers out of range, and nesting that would overflow the parser's stack.
        ("steps:\n  a: {agent: vrd}\n  a: {agent: vrd}\n", "custom.yaml:4: steps.a: given twice (the first at line 3)"),
        ("steps:\n  a: {agent: vrd, cost_estimate: 1e308}\n", "steps.a.cost_estimate: expected 0 to 1e+07, got 1e+308"),
        ("steps:\n  a: " + String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000) + "\n", "nested 5002 levels deep (at most 64)"),
        ("steps:\n" + (1...3_000).map { String(repeating: " ", count: $0) + "k\($0):" }.joined(separator: "\n") + " 1\n", "levels deep (at most 64)"),
    ])
    func badTemplatesAreNamedErrors(body: String, expected: String) throws {
        let file = try PipelineFixture.templateFile("name: custom\n" + body)
        #expect { _ = try WorkflowTemplate.load(path: file, agents: BuiltinAgents.registry.names) } throws: {
            "\($0)".contains(expected) && "\($0)".contains("custom.yaml")
        }
    }

    /// What an approval is bound to: the content's JSON (key order aside) and the bytes of the
    /// files it names.
    @Test func theContentHashFollowsTheJSONAndTheFilesItNames() throws {
        let folder = (try PipelineFixture.scratch() as NSString).deletingLastPathComponent
        let cut = folder + "/cut.mp4"
        try Data("first cut".utf8).write(to: URL(fileURLWithPath: cut))
        let content: JSONValue = ["title": "Rough cut", "file": .string(cut), "notes": ["tighter", "warmer"]]
        let reordered: JSONValue = ["notes": ["tighter", "warmer"], "file": .string(cut), "title": "Rough cut"]
        let first = try ContentHash.of(content)
        #expect(try ContentHash.of(reordered) == first)
        #expect(try ContentHash.of(["title": "Rough cut 2", "file": .string(cut), "notes": ["tighter", "warmer"]]) != first)
        try Data("second cut".utf8).write(to: URL(fileURLWithPath: cut))
        #expect(try ContentHash.of(content) != first, "the same path with new bytes is new content")
    }

    @Test func foreignAndDamagedFilesAreRefusedUntouched() throws {
        let folder = (try PipelineFixture.scratch() as NSString).deletingLastPathComponent
        let text = folder + "/notes.sqlite"
        try Data("these are my notes, not a database".utf8).write(to: URL(fileURLWithPath: text))
        #expect { _ = try PipelineStore(path: text) } throws: { "\($0)".contains("notes.sqlite: not a SQLite database") }

        let foreign = folder + "/other.sqlite"
        let queue = try DatabaseQueue(path: foreign)
        try queue.write { db in try db.execute(sql: "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)") }
        try queue.close()
        let before = try FileDigest.sha256(path: foreign)
        #expect { _ = try PipelineStore(path: foreign) } throws: { "\($0)".contains("a SQLite database of something else (tables invoices)") }
        #expect(try FileDigest.sha256(path: foreign) == before)

        // A store damaged in the middle (its pages overwritten) is not half-read: opening reads its
        // header and schema only (a full check on every open would read the whole store), and the
        // first read that meets the damage is one line naming the file; the file is unchanged,
        // and `kijko check-store` lists what is wrong while a sound store checks "ok".
        let damaged = folder + "/damaged.sqlite"
        let store = try PipelineStore(path: damaged)
        let runner = PipelineRunner(store: store)
        for _ in 0..<20 { _ = try runner.start(try PipelineFixture.template("film"), brief: String(repeating: "A long brief. ", count: 200)) }
        try (store.database as! SQLiteStoreDatabase).pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        #expect(try store.check() == nil)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: damaged))
        for i in stride(from: 8192, to: min(bytes.count, 40_000), by: 1) { bytes[i] = 0x5A }
        let copy = damaged + ".copy"
        try bytes.write(to: URL(fileURLWithPath: copy))
        let copied = try FileDigest.sha256(path: copy)
        #expect { _ = try PipelineStore(path: copy).jobs() } throws: {
            "\($0)".contains("\(copy): the database is damaged") || "\($0)".contains("not a usable")
        }
        #expect(try FileDigest.sha256(path: copy) == copied)
        let checked = try Program.run(Program.kijko, ["check-store", "--json", "--db", copy])
        #expect(checked.status == 1)
        let report = try JSONSerialization.jsonObject(with: Data(checked.stdout.utf8)) as? [String: Any]
        #expect(report?["ok"] as? Bool == false)
        #expect(((report?["problems"] as? [String]) ?? []).isEmpty == false)
        let sound = try Program.run(Program.kijko, ["check-store", "--db", damaged])
        #expect(sound.status == 0 && sound.stdout.contains(": ok"))
    }

    /// The store's timestamps and trace ids are written and read by hand (for speed): they must
    /// agree with the clock and with what a date formatter and Foundation would make.
    @Test func timestampsAndTraceIDsAreWhatTheySay() throws {
        let before = TraceRecorder.nanoseconds()
        let stamp = PipelineStore.now()
        let after = TraceRecorder.nanoseconds()
        #expect(stamp.count == 24 && stamp.hasSuffix("Z"))
        let read = try #require(TraceRecorder.nanoseconds(iso: stamp))
        #expect(read >= before / 1_000_000 * 1_000_000 - 1_000_000 && read <= after)
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        #expect(format.string(from: Date(timeIntervalSince1970: Double(read) / 1e9)) == stamp)
        #expect(TraceRecorder.nanoseconds(iso: "2026-02-28T23:59:59.999Z") == 1_772_323_199_999_000_000)
        #expect(TraceRecorder.nanoseconds(iso: "2026-13-01T00:00:00.000Z") == nil)
        #expect(TraceRecorder.nanoseconds(iso: "yesterday") == nil)
        let ids = (0..<1000).map { _ in PipelineStore.newID() }
        #expect(Set(ids).count == ids.count)
        for id in ids.prefix(20) {
            #expect(UUID(uuidString: id)?.uuidString.lowercased() == id)
            #expect(Array(id)[14] == "4" && "89ab".contains(Array(id)[19]))
        }
        let uuid = UUID().uuidString
        #expect(TraceRecorder.traceID(job: uuid) == uuid.replacingOccurrences(of: "-", with: "").lowercased())
        #expect(TraceRecorder.spanID(uuid) == String(uuid.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)))
    }

    /// A decision's transaction runs with the log synced (FULL) and leaves the connection as it
    /// found it (NORMAL), whether it commits or throws (and then nothing of it is kept).
    @Test func durableWritesSyncAndRestoreTheConnection() throws {
        let store = try PipelineStore(path: try PipelineFixture.scratch())
        let inside = try store.durableWrite { db in
            try db.execute("CREATE TABLE probe (x)")
            try db.execute("INSERT INTO probe VALUES (1)")
            return try db.value(Int.self, "PRAGMA synchronous")
        }
        #expect(inside == 2)
        #expect(try store.write { db in try db.value(Int.self, "PRAGMA synchronous") } == 1)
        #expect(throws: PipelineError.self) {
            try store.durableWrite { db in
                try db.execute("INSERT INTO probe VALUES (2)")
                throw PipelineError("no")
            }
        }
        #expect(try store.write { db in try db.value(Int.self, "PRAGMA synchronous") } == 1)
        #expect(try store.read { db in try db.value(Int.self, "SELECT COUNT(*) FROM probe") } == 1)
        // KIJKO_DB_SYNC chooses the setting of every other commit; a value it does not know is refused.
        #expect(try SQLiteStoreDatabase.synchronous([:]) == "NORMAL")
        #expect(try SQLiteStoreDatabase.synchronous(["KIJKO_DB_SYNC": "Full"]) == "FULL")
        #expect { _ = try SQLiteStoreDatabase.synchronous(["KIJKO_DB_SYNC": "off"]) } throws: { "\($0)".contains("KIJKO_DB_SYNC: expected normal or full, got off") }
    }
}
