/// The API's OpenAPI 3.0 description, served at `/api/openapi.json`. `ServerAPITests` checks the
/// live server against it (every documented route answers; every answer fits its schema).
enum OpenAPIDocument {
    static let json = #"""
    {
      "openapi": "3.0.3",
      "info": {"title": "Kijko studio API", "version": "1.0.0",
               "description": "Start production jobs, follow them, decide approvals. Authorization: Bearer TOKEN (kijko users add). Errors are {\"error\": \"…\"}."},
      "security": [{"bearer": []}],
      "paths": {
        "/api/workflows": {"get": {"summary": "Workflows a job can start with", "responses": {
          "200": {"description": "The workflows", "content": {"application/json": {"schema": {"type": "object", "required": ["workflows"],
            "properties": {"workflows": {"type": "array", "items": {"$ref": "#/components/schemas/Workflow"}}}}}}},
          "401": {"$ref": "#/components/responses/Error"}}}},
        "/api/me": {"get": {"summary": "Who the token belongs to", "responses": {
          "200": {"description": "The person", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Person"}}}},
          "401": {"$ref": "#/components/responses/Error"}}}},
        "/api/production/start": {"post": {"summary": "Start a job; it runs in the background to its first gate",
          "requestBody": {"required": true, "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/StartRequest"}},
            "multipart/form-data": {"schema": {"$ref": "#/components/schemas/StartRequest"}}}},
          "responses": {
            "201": {"description": "Started", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Started"}}}},
            "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"},
            "403": {"$ref": "#/components/responses/Error"}}}},
        "/api/production": {"get": {"summary": "Jobs the caller sees, newest first",
          "parameters": [{"name": "state", "in": "query", "schema": {"type": "string", "enum": ["running", "waiting", "complete", "completed", "failed", "stopped", "interrupted"]}}],
          "responses": {
            "200": {"description": "Jobs", "content": {"application/json": {"schema": {"type": "object", "required": ["jobs"],
              "properties": {"jobs": {"type": "array", "items": {"$ref": "#/components/schemas/JobSummary"}}}}}}},
            "401": {"$ref": "#/components/responses/Error"}}}},
        "/api/production/{id}": {"get": {"summary": "A job: steps, approvals, artefacts",
          "parameters": [{"$ref": "#/components/parameters/Id"}],
          "responses": {
            "200": {"description": "The job", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Job"}}}},
            "401": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}},
        "/api/production/{id}/events": {"get": {"summary": "Server-sent events: snapshot, step.started, step.progress, step.completed, step.failed, step.state, approval.requested, approval.decided, job.state, note",
          "parameters": [{"$ref": "#/components/parameters/Id"}],
          "responses": {"200": {"description": "An event stream", "content": {"text/event-stream": {"schema": {"type": "string"}}}},
            "401": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}},
        "/api/approval": {"get": {"summary": "Approval requests the caller sees, oldest first",
          "parameters": [{"name": "status", "in": "query", "schema": {"type": "string", "enum": ["pending", "approved", "rejected", "all"], "default": "pending"}}],
          "responses": {
            "200": {"description": "Requests", "content": {"application/json": {"schema": {"type": "object", "required": ["approvals"],
              "properties": {"approvals": {"type": "array", "items": {"$ref": "#/components/schemas/Approval"}}}}}}},
            "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}}}},
        "/api/approval/{id}": {"get": {"summary": "What is to be reviewed, its content hash, files and earlier revisions",
          "parameters": [{"$ref": "#/components/parameters/Id"}],
          "responses": {
            "200": {"description": "The request", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ApprovalView"}}}},
            "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}},
        "/api/approval/{id}/approve": {"post": {"summary": "Approve what the reviewer saw (its content hash); the job goes on in the background",
          "parameters": [{"$ref": "#/components/parameters/Id"}],
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Decision"}}}},
          "responses": {
            "200": {"description": "Recorded", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Decided"}}}},
            "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"},
            "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}},
        "/api/approval/{id}/reject": {"post": {"summary": "Reject with feedback (required); the gate's steps run again",
          "parameters": [{"$ref": "#/components/parameters/Id"}],
          "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Decision"}}}},
          "responses": {
            "200": {"description": "Recorded", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Decided"}}}},
            "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"},
            "404": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}}}},
        "/api/langfuse/agent-metrics": {"get": {"summary": "Per agent, per workflow and per gate: runs, success, durations, cost, tokens, trace links",
          "responses": {"200": {"description": "Metrics", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Metrics"}}}},
            "401": {"$ref": "#/components/responses/Error"}}}},
        "/artefacts/{job}/{path}": {"get": {"summary": "A job's file, with byte ranges (206); nothing outside the job's folder",
          "parameters": [{"name": "job", "in": "path", "required": true, "schema": {"type": "string"}},
                         {"name": "path", "in": "path", "required": true, "schema": {"type": "string"}},
                         {"name": "Range", "in": "header", "schema": {"type": "string"}}],
          "responses": {"200": {"description": "The file"}, "206": {"description": "Part of the file"},
            "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"},
            "404": {"$ref": "#/components/responses/Error"}, "416": {"description": "Range beyond the file"}}}},
        "/api/openapi.json": {"get": {"summary": "This document", "security": [], "responses": {"200": {"description": "OpenAPI 3"}}}}
      },
      "components": {
        "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        "parameters": {"Id": {"name": "id", "in": "path", "required": true, "schema": {"type": "string"}, "description": "The id or its first characters"}},
        "responses": {"Error": {"description": "What is wrong, in one line", "content": {"application/json": {"schema": {
          "type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}}}}}},
        "schemas": {
          "Person": {"type": "object", "required": ["id", "name", "role", "created_at"], "properties": {
            "id": {"type": "string"}, "name": {"type": "string"}, "created_at": {"type": "string"},
            "role": {"type": "string", "enum": ["producer", "creative_director", "editor", "director", "client", "admin"]}}},
          "Workflow": {"type": "object", "required": ["name", "description", "steps", "gates"], "properties": {
            "name": {"type": "string"}, "description": {"type": "string"},
            "estimated_duration": {"type": "integer", "description": "minutes"}, "cost_estimate": {"type": "number", "description": "USD"},
            "steps": {"type": "array", "items": {"type": "object", "required": ["id", "phase", "after"], "properties": {
              "id": {"type": "string"}, "agent": {"type": "string"}, "phase": {"type": "string"}, "after": {"type": "array", "items": {"type": "string"}}}}},
            "gates": {"type": "array", "items": {"type": "object", "required": ["step", "role", "approval", "reviews", "max_loops"], "properties": {
              "step": {"type": "string"}, "role": {"type": "string"}, "approval": {"type": "string"}, "reviews": {"type": "string"}, "max_loops": {"type": "integer"}}}}}},
          "StartRequest": {"type": "object", "required": ["workflow", "brief"], "properties": {
            "workflow": {"type": "string"}, "brief": {"type": "string", "description": "The brief's text (never a path)"},
            "media": {"type": "array", "maxItems": 1, "items": {"type": "string"}, "description": "A folder inside the server's --media-root"},
            "master": {"type": "string"}, "client": {"type": "string"},
            "budget": {"type": "number", "minimum": 0}, "max_cost": {"type": "number", "minimum": 0, "description": "USD"}}},
          "Started": {"type": "object", "required": ["job", "workflow", "state", "events", "page"], "properties": {
            "job": {"type": "string"}, "workflow": {"type": "string"}, "state": {"type": "string"}, "events": {"type": "string"}, "page": {"type": "string"}}},
          "JobSummary": {"type": "object", "required": ["id", "workflow", "status", "run_state", "total_cost", "created_at"], "properties": {
            "id": {"type": "string"}, "workflow": {"type": "string"}, "client": {"type": "string"}, "status": {"type": "string"},
            "run_state": {"type": "string"}, "current_agent": {"type": "string"}, "total_cost": {"type": "number"},
            "cost_estimate": {"type": "number"}, "error": {"type": "string"}, "created_at": {"type": "string"}, "completed_at": {"type": "string"}}},
          "Artefact": {"type": "object", "required": ["name", "type", "path"], "properties": {
            "name": {"type": "string"}, "type": {"type": "string"}, "path": {"type": "string"}, "url": {"type": "string"}}},
          "Step": {"type": "object", "required": ["step", "agent", "status", "cost", "tokens", "earlier", "notes", "artefacts"], "properties": {
            "step": {"type": "string"}, "agent": {"type": "string"},
            "status": {"type": "string", "enum": ["not_started", "running", "completed", "failed", "awaiting_approval", "skipped", "to_run_again"]},
            "duration_seconds": {"type": "number"}, "cost": {"type": "number"}, "tokens": {"type": "integer"}, "error": {"type": "string"},
            "earlier": {"type": "integer"}, "provenance": {"type": "string"}, "summary": {"type": "string"},
            "notes": {"type": "array", "items": {"type": "string"}}, "artefacts": {"type": "array", "items": {"$ref": "#/components/schemas/Artefact"}},
            "gate_role": {"type": "string"}}},
          "Approval": {"type": "object", "required": ["id", "job", "step", "role", "approval", "status", "created_at", "content_hash"], "properties": {
            "id": {"type": "string"}, "job": {"type": "string"}, "step": {"type": "string"}, "role": {"type": "string"}, "approval": {"type": "string"},
            "status": {"type": "string", "enum": ["pending", "approved", "rejected"]}, "feedback": {"type": "string"}, "by": {"type": "string"},
            "created_at": {"type": "string"}, "decided_at": {"type": "string"}, "content": {"type": "object"},
            "content_hash": {"type": "string"}, "choice": {"type": "object"},
            "override": {"type": "string", "description": "Why the approver went past a failing QC"}}},
          "Job": {"type": "object", "required": ["job", "brief", "steps", "approvals", "pending_approvals", "events", "page"], "properties": {
            "job": {"$ref": "#/components/schemas/JobSummary"}, "brief": {"type": "string"},
            "steps": {"type": "array", "items": {"$ref": "#/components/schemas/Step"}},
            "approvals": {"type": "array", "items": {"$ref": "#/components/schemas/Approval"}},
            "pending_approvals": {"type": "array", "items": {"type": "string"}}, "events": {"type": "string"}, "page": {"type": "string"}}},
          "ApprovalView": {"type": "object", "required": ["approval", "workflow", "artefacts", "revisions", "can_decide", "choices", "held"], "properties": {
            "approval": {"$ref": "#/components/schemas/Approval"}, "workflow": {"type": "string"},
            "artefacts": {"type": "array", "items": {"$ref": "#/components/schemas/Artefact"}},
            "revisions": {"type": "array", "items": {"$ref": "#/components/schemas/Approval"}},
            "can_decide": {"type": "boolean"}, "choices": {"type": "array", "items": {"type": "string"}},
            "held": {"type": "array", "items": {"type": "string"}, "description": "Delivered files that failed QC; approving takes an override"}}},
          "Decision": {"type": "object", "required": ["content_hash"], "properties": {
            "content_hash": {"type": "string"}, "feedback": {"type": "string"},
            "choice": {"oneOf": [{"type": "integer", "minimum": 0}, {"type": "string"}], "description": "Index (from 0) or title of one of the choices"},
            "override": {"type": "string", "description": "Why to approve past a failing QC (required when the approval is held)"}}},
          "Decided": {"type": "object", "required": ["approval", "status", "job", "decided_by"], "properties": {
            "approval": {"type": "string"}, "status": {"type": "string", "enum": ["approved", "rejected"]}, "job": {"type": "string"}, "decided_by": {"type": "string"}}},
          "Metrics": {"type": "object", "required": ["agents", "workflows", "approvals", "qc"], "properties": {
            "agents": {"type": "array", "items": {"type": "object", "required": ["agent", "runs", "success_rate", "mean_duration", "p95_duration", "total_cost", "tokens"], "properties": {
              "agent": {"type": "string"}, "runs": {"type": "integer"}, "completed": {"type": "integer"}, "failed": {"type": "integer"},
              "success_rate": {"type": "number"}, "mean_duration": {"type": "number"}, "p95_duration": {"type": "number"},
              "total_cost": {"type": "number"}, "mean_cost": {"type": "number"}, "tokens": {"type": "integer"}, "llm_calls": {"type": "integer"},
              "trace_url": {"type": "string"}}}},
            "workflows": {"type": "array", "items": {"type": "object", "required": ["workflow", "jobs", "complete", "failed", "waiting", "mean_cost", "mean_revisions", "max_revisions"], "properties": {
              "workflow": {"type": "string"}, "jobs": {"type": "integer"}, "complete": {"type": "integer"}, "failed": {"type": "integer"},
              "waiting": {"type": "integer"}, "mean_cost": {"type": "number"}, "estimated_cost": {"type": "number"}, "cost_ratio": {"type": "number"},
              "mean_duration": {"type": "number"}, "median_duration": {"type": "number"}, "p95_duration": {"type": "number"},
              "mean_revisions": {"type": "number"}, "max_revisions": {"type": "integer"}}}},
            "approvals": {"type": "array", "items": {"type": "object", "required": ["role", "approval", "decided", "approved", "rejected", "approval_rate", "mean_seconds", "median_seconds", "p95_seconds", "overridden"], "properties": {
              "role": {"type": "string"}, "approval": {"type": "string"}, "decided": {"type": "integer"}, "approved": {"type": "integer"},
              "rejected": {"type": "integer"}, "approval_rate": {"type": "number"}, "mean_seconds": {"type": "number"},
              "median_seconds": {"type": "number"}, "p95_seconds": {"type": "number"}, "overridden": {"type": "integer"}}}},
            "qc": {"type": "object", "required": ["audits", "failed", "catch_rate", "overridden"], "properties": {
              "audits": {"type": "integer"}, "failed": {"type": "integer"}, "catch_rate": {"type": "number"}, "overridden": {"type": "integer"}}}}}
        }
      }
    }
    """#
}
