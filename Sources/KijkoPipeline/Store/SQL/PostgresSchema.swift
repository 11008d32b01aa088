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
        // Workers' statements. kijko_require: an assertion inside one statement (`SELECT
        // kijko_require(…)`): false aborts the whole statement, its writes with it, with SQLSTATE
        // KJ001. (This migration also made the first kijko_claim; v4 makes it afresh, and a store
        // migrated since has it from there.)
        ("v3-workers-statements", """
            CREATE FUNCTION kijko_require(ok BOOLEAN, message TEXT) RETURNS BOOLEAN LANGUAGE plpgsql AS $$ BEGIN IF ok IS NOT TRUE THEN RAISE EXCEPTION USING ERRCODE = 'KJ001', MESSAGE = message; END IF; RETURN TRUE; END $$;
            """),
        // kijko_claim: a worker's claim with its job's state, and when the job was created (for
        // the root span of a job whose last step completes it). PL/pgSQL keeps its plan per
        // connection: the server parses and plans it once, not at every step.
        ("v4-claim-with-created", """
            DROP FUNCTION IF EXISTS kijko_claim(TEXT, DOUBLE PRECISION, TEXT, TEXT);
            CREATE FUNCTION kijko_claim(claimer TEXT, seconds DOUBLE PRECISION, wanted TEXT, skipped TEXT)
            RETURNS TABLE (task_id TEXT, task_job TEXT, task_step TEXT, task_capability TEXT, task_needs TEXT, task_fence BIGINT,
              task_claims BIGINT, kijko_version TEXT, brief_text TEXT, client_name TEXT, budget DOUBLE PRECISION, max_cost DOUBLE PRECISION,
              total_cost DOUBLE PRECISION, run_state TEXT, error_message TEXT, current_agent TEXT, status TEXT, settings TEXT,
              kijko_executions TEXT, kijko_rejections TEXT, kijko_template TEXT, created_at TIMESTAMPTZ)
            LANGUAGE plpgsql AS $$
            #variable_conflict use_column
            BEGIN
            RETURN QUERY WITH claimed AS (
              UPDATE step_tasks t SET state = 'leased', leased_by = claimer, lease_expires = clock_timestamp() + make_interval(secs => seconds),
                fence = t.fence + 1, claims = t.claims + 1
              WHERE t.id = (SELECT s.id FROM step_tasks s
                            WHERE (s.state = 'ready' OR (s.state = 'leased' AND s.lease_expires < clock_timestamp()))
                              AND s.capability = ANY(string_to_array(wanted, ',')) AND NOT (CAST(s.id AS TEXT) = ANY(string_to_array(skipped, ',')))
                            ORDER BY s.created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
              RETURNING t.id, t.production_job_id, t.step_id, t.capability, t.needs, t.fence, t.claims)
            SELECT CAST(c.id AS TEXT), CAST(c.production_job_id AS TEXT), c.step_id, c.capability, CAST(c.needs AS TEXT), c.fence,
              CAST(c.claims AS BIGINT), CAST(j.xmin AS TEXT), j.brief_text, j.client_name, CAST(j.budget AS DOUBLE PRECISION),
              CAST(j.max_cost AS DOUBLE PRECISION), CAST(j.total_cost AS DOUBLE PRECISION), j.run_state, j.error_message, j.current_agent,
              j.status, CAST(j.settings AS TEXT),
              (SELECT CAST(json_agg(json_build_array(e.step_id, e.status, CAST(e.output_data AS TEXT)) ORDER BY e.created_at) AS TEXT)
                 FROM agent_executions e WHERE e.production_job_id = j.id AND e.superseded = 0),
              (SELECT CAST(json_agg(json_build_array(a.step_id, a.feedback) ORDER BY a.created_at) AS TEXT)
                 FROM approval_requests a WHERE a.production_job_id = j.id AND a.status = 'rejected'),
              (SELECT CAST(p.template AS TEXT) FROM production_job_templates p WHERE p.production_job_id = j.id), j.created_at
            FROM claimed c LEFT JOIN production_jobs j ON j.id = c.production_job_id ; END $$;
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
