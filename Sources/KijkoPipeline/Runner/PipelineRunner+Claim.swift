import Foundation
import GRDB
import KijkoLLM

/// Which process runs a job: ids resolved, a job claimed by pid, a dead holder's interrupted
/// steps marked to run again.
extension PipelineRunner {
    /// The full id of the job `id` names (its full id or a unique prefix).
    public func resolve(_ id: String) throws -> String {
        try store.read { db in
            let ids = try String.fetchAll(db, sql: "SELECT id FROM production_jobs WHERE id = ? OR id LIKE ? LIMIT 2", arguments: [id, id + "%"])
            guard let first = ids.first else { throw PipelineError("no job \(id)") }
            guard ids.count == 1 || first == id else { throw PipelineError("job \(id) is ambiguous: give more of its id") }
            return first
        }
    }

    /// Takes the job for this process. When another live process holds it, returns its pid. A
    /// holder that died (killed mid-run) leaves `running` executions: they are marked interrupted
    /// and superseded, so those steps run again.
    func claim(_ job: String) throws -> Int32? {
        let me = getpid()
        return try store.write { db -> Int32? in
            guard let row = try Row.fetchOne(db, sql: "SELECT settings, run_state FROM production_jobs WHERE id = ?",
                                             arguments: [job]) else { throw PipelineError("no job \(job)") }
            let settings = (try? JSONDecoder().decode([String: String?].self, from: Data((row["settings"] as String).utf8))) ?? [:]
            if let owner = settings["runner_pid"].flatMap({ $0 }).flatMap(Int32.init), owner != me, kill(owner, 0) == 0 { return owner }
            var updated = settings
            updated["runner_pid"] = String(me)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try db.execute(sql: "UPDATE production_jobs SET settings = ? WHERE id = ?",
                           arguments: [String(decoding: try encoder.encode(updated), as: UTF8.self), job])
            try db.execute(sql: """
                UPDATE agent_executions SET status = 'failed', error_message = 'interrupted (the runner stopped mid-step)', superseded = 1
                WHERE production_job_id = ? AND status = 'running'
                """, arguments: [job])
            if (row["run_state"] as String) == "waiting" {
                try db.execute(sql: "UPDATE production_jobs SET run_state = 'running' WHERE id = ?", arguments: [job])
            }
            return nil
        }
    }

    func release(_ job: String) throws {
        try store.write { db in
            guard let text = try String.fetchOne(db, sql: "SELECT settings FROM production_jobs WHERE id = ?", arguments: [job]) else { return }
            var settings = (try? JSONDecoder().decode([String: String?].self, from: Data(text.utf8))) ?? [:]
            guard settings["runner_pid"].flatMap({ $0 }) == String(getpid()) else { return }
            settings["runner_pid"] = nil
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            try db.execute(sql: "UPDATE production_jobs SET settings = ? WHERE id = ?",
                           arguments: [String(decoding: try encoder.encode(settings), as: UTF8.self), job])
        }
    }
}
