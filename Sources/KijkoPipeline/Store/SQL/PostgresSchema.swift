import Foundation

/// The store's tables in PostgreSQL, with the specification's types — UUID ids, JSONB documents,
/// NUMERIC money, TIMESTAMPTZ times — and versioned migrations recorded in `kijko_migrations`,
/// applied under an advisory lock so machines starting together migrate once.
///
/// Money is NUMERIC(14,6), not the specification's DECIMAL(10,2): a model call costs fractions of a
/// cent, which two decimals would round to nothing.
enum PostgresSchema {
    /// Migrations in order: name and SQL. A database records those it has run; the rest run in one
    /// transaction each.
    static let migrations: [(name: String, sql: String)] = [
        ("v1", """
            CREATE TABLE production_workflows (
              id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
              name TEXT NOT NULL UNIQUE,
              description TEXT,
              workflow_type TEXT,
              agent_sequence JSONB NOT NULL,
              approval_gates JSONB NOT NULL,
              estimated_duration INTEGER,
              cost_estimate NUMERIC(14,6),
              created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
              updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
            );
            CREATE TABLE production_jobs (
              id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
              workflow_id UUID NOT NULL REFERENCES production_workflows(id),
              client_name TEXT,
              brief_text TEXT NOT NULL,
              brief_attachments JSONB NOT NULL DEFAULT '[]',
              status TEXT NOT NULL,
              current_agent TEXT,
              agent_results JSONB NOT NULL DEFAULT '{}',
              approval_history JSONB NOT NULL DEFAULT '[]',
              total_cost NUMERIC(14,6) NOT NULL DEFAULT 0,
              run_state TEXT NOT NULL,
              budget NUMERIC(14,6),
              max_cost NUMERIC(14,6),
              settings JSONB NOT NULL DEFAULT '{}',
              error_message TEXT,
              created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
              updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
              completed_at TIMESTAMPTZ
            );
            CREATE INDEX production_jobs_run_state ON production_jobs(run_state, updated_at);
            CREATE TABLE production_job_templates (
              production_job_id UUID PRIMARY KEY REFERENCES production_jobs(id),
              template JSONB NOT NULL
            );
            CREATE TABLE agent_executions (
              id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
              production_job_id UUID NOT NULL REFERENCES production_jobs(id),
              step_id TEXT NOT NULL,
              agent_name TEXT NOT NULL,
              agent_type TEXT,
              input_data JSONB,
              output_data JSONB,
              status TEXT NOT NULL,
              llm_calls INTEGER NOT NULL DEFAULT 0,
              tokens_used INTEGER NOT NULL DEFAULT 0,
              cost NUMERIC(14,6) NOT NULL DEFAULT 0,
              duration_seconds DOUBLE PRECISION,
              error_message TEXT,
              superseded INTEGER NOT NULL DEFAULT 0,
              created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
              completed_at TIMESTAMPTZ
            );
            CREATE INDEX agent_executions_job_step ON agent_executions(production_job_id, step_id, superseded);
            CREATE TABLE approval_requests (
              id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
              production_job_id UUID NOT NULL REFERENCES production_jobs(id),
              agent_execution_id UUID REFERENCES agent_executions(id),
              step_id TEXT NOT NULL,
              approver_role TEXT NOT NULL,
              approval_type TEXT NOT NULL,
              content_to_review JSONB NOT NULL,
              content_hash TEXT NOT NULL,
              status TEXT NOT NULL,
              feedback TEXT,
              approved_at TIMESTAMPTZ,
              approved_by TEXT,
              looped INTEGER NOT NULL DEFAULT 0,
              choice JSONB,
              override_reason TEXT,
              override_past JSONB,
              created_at TIMESTAMPTZ NOT NULL DEFAULT now()
            );
            CREATE INDEX approval_requests_job ON approval_requests(production_job_id, step_id, status);
            CREATE TABLE langfuse_traces (
              id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
              production_job_id UUID REFERENCES production_jobs(id),
              agent_execution_id UUID REFERENCES agent_executions(id),
              langfuse_trace_id TEXT UNIQUE,
              langfuse_url TEXT,
              created_at TIMESTAMPTZ NOT NULL DEFAULT now()
            );
            CREATE TABLE llm_calls (
              id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
              agent_execution_id UUID NOT NULL REFERENCES agent_executions(id),
              model TEXT,
              prompt_tokens INTEGER NOT NULL DEFAULT 0,
              completion_tokens INTEGER NOT NULL DEFAULT 0,
              cost NUMERIC(14,6),
              latency_seconds DOUBLE PRECISION,
              created_at TIMESTAMPTZ NOT NULL DEFAULT now()
            );
            CREATE TABLE trace_spans (
              span_id TEXT PRIMARY KEY,
              trace_id TEXT NOT NULL,
              parent_span_id TEXT,
              production_job_id UUID NOT NULL REFERENCES production_jobs(id),
              agent_execution_id UUID REFERENCES agent_executions(id),
              name TEXT NOT NULL,
              kind TEXT NOT NULL,
              start_ns BIGINT NOT NULL,
              end_ns BIGINT NOT NULL,
              attributes JSONB NOT NULL DEFAULT '{}',
              status TEXT NOT NULL DEFAULT 'ok',
              status_message TEXT
            );
            CREATE TABLE trace_exports (
              span_id TEXT NOT NULL REFERENCES trace_spans(span_id),
              destination TEXT NOT NULL,
              exported_at TIMESTAMPTZ NOT NULL,
              note TEXT,
              PRIMARY KEY (span_id, destination)
            );
            CREATE TABLE users (
              id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
              name TEXT NOT NULL UNIQUE,
              role TEXT NOT NULL,
              token_hash TEXT NOT NULL UNIQUE,
              created_at TIMESTAMPTZ NOT NULL DEFAULT now()
            );
            CREATE TABLE job_members (
              production_job_id UUID NOT NULL REFERENCES production_jobs(id),
              user_id UUID NOT NULL REFERENCES users(id),
              PRIMARY KEY (production_job_id, user_id)
            );
            """),
        ("v2-workers", """
            ALTER TABLE agent_executions ADD COLUMN worker TEXT;
            CREATE TABLE kijko_workers (
              name TEXT PRIMARY KEY,
              host TEXT NOT NULL,
              pid INTEGER NOT NULL,
              capabilities TEXT NOT NULL,
              concurrency INTEGER NOT NULL,
              started_at TIMESTAMPTZ NOT NULL,
              seen_at TIMESTAMPTZ NOT NULL,
              stopped_at TIMESTAMPTZ
            );
            CREATE TABLE step_tasks (
              id UUID PRIMARY KEY DEFAULT gen_random_uuid(),
              production_job_id UUID NOT NULL REFERENCES production_jobs(id),
              step_id TEXT NOT NULL,
              capability TEXT NOT NULL,
              needs JSONB NOT NULL DEFAULT '[]',
              state TEXT NOT NULL,
              fence BIGINT NOT NULL DEFAULT 0,
              claims INTEGER NOT NULL DEFAULT 0,
              leased_by TEXT,
              lease_expires TIMESTAMPTZ,
              refusals JSONB NOT NULL DEFAULT '[]',
              created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
              finished_at TIMESTAMPTZ
            );
            CREATE UNIQUE INDEX step_tasks_open ON step_tasks(production_job_id, step_id) WHERE state IN ('ready', 'leased');
            CREATE INDEX step_tasks_claimable ON step_tasks(created_at) WHERE state IN ('ready', 'leased');
            """),
        // An assertion inside one statement (`SELECT kijko_require(…)`): false aborts the whole
        // statement, its writes with it, with SQLSTATE KJ001 (a worker's step written as one statement).
        ("v3-require", """
            CREATE FUNCTION kijko_require(ok BOOLEAN, message TEXT) RETURNS BOOLEAN LANGUAGE plpgsql AS $$ BEGIN IF ok IS NOT TRUE THEN RAISE EXCEPTION USING ERRCODE = 'KJ001', MESSAGE = message; END IF; RETURN TRUE; END $$;
            """),
    ]

    /// Brings `database` up to date. Without `create`, a database with none of Kijko's tables is
    /// refused (nothing is written to it); a database of something else is refused either way.
    static func migrate(_ database: PostgresStoreDatabase, create: Bool) throws {
        let location = database.location.redacted
        try database.transaction("BEGIN") { db in
            // One machine migrates at a time; the others wait here, then find it done.
            try db.execute("SELECT pg_advisory_xact_lock(726179001)")
            let tables = try db.values(String.self, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            if !tables.contains("production_jobs") {
                if !tables.filter({ $0 != "kijko_migrations" }).isEmpty {
                    throw PipelineError("\(location): a database of something else (tables \(tables.sorted().prefix(5).joined(separator: ", "))), not Kijko's")
                }
                if !create {
                    throw PipelineError("\(location): no Kijko store there yet (a job starts one: kijko run …; or check --db / KIJKO_DB)")
                }
            }
            try db.execute("CREATE TABLE IF NOT EXISTS kijko_migrations (name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
            let applied = Set(try db.values(String.self, "SELECT name FROM kijko_migrations"))
            let known = Set(migrations.map(\.name))
            if let unknown = applied.subtracting(known).sorted().first {
                throw PipelineError("\(location): the store was migrated by a newer Kijko (migration \(unknown)); update kijko on this machine")
            }
            for migration in migrations where !applied.contains(migration.name) {
                try db.simple(migration.sql)
                try db.execute("INSERT INTO kijko_migrations (name) VALUES (?)", [migration.name])
            }
        }
    }
}
