"""A small OTLP/HTTP trace collector for Kijko's tests: it decodes every request with
OpenTelemetry's own protocol definitions (opentelemetry-proto) and answers as MODE says.

Usage: otlp_test_server.py MODE LOG
  MODE  ok | partial (rejects one span per request) | unauthorized (401) | flaky (500, then ok)
        | legacy (no OTLP endpoint: 404; the Langfuse ingestion API answers 207, refusing one event
          for good and failing another for now in the first request)
  LOG   each request, decoded, is appended as one JSON line: {"path", "authorization", "spans": [...]}
Prints the port it listens on (127.0.0.1) as its first line, then serves until killed."""
import base64
import json
import signal
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

MODE, LOG = sys.argv[1], sys.argv[2]
state = {"requests": 0}


def hex_ids_to_base64(value):
    """OTLP's JSON encoding writes trace and span ids as hex, where protobuf's JSON mapping has
    base64 (the OTLP specification's one difference): convert before the protobuf parser reads it,
    as collectors do. A malformed id fails the conversion and so the request."""
    if isinstance(value, dict):
        return {k: (base64.b64encode(bytes.fromhex(v)).decode() if k in ("traceId", "spanId", "parentSpanId") and v
                    else hex_ids_to_base64(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [hex_ids_to_base64(v) for v in value]
    return value


class Collector(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        state["requests"] += 1
        if MODE == "legacy":
            if self.path != "/api/public/ingestion":
                return self.reply(404, {"message": "not found"})
            return self.ingest(json.loads(body))
        if MODE == "unauthorized":
            return self.reply(401, {"message": "bad credentials"})
        if MODE == "flaky" and state["requests"] == 1:
            return self.reply(500, {"message": "try later"})
        request = ExportTraceServiceRequest()
        try:
            if self.headers.get("Content-Type", "").startswith("application/json"):
                json_format.Parse(json.dumps(hex_ids_to_base64(json.loads(body))), request)
            else:
                request.ParseFromString(body)
        except Exception as error:  # not valid OTLP: the test sees it in the log
            with open(LOG, "a") as log:
                log.write(json.dumps({"path": self.path, "invalid": str(error)}) + "\n")
            return self.reply(400, {"message": str(error)})
        spans = []
        for resource in request.resource_spans:
            service = {a.key: a.value.string_value for a in resource.resource.attributes}.get("service.name")
            for scope in resource.scope_spans:
                for span in scope.spans:
                    attributes = {}
                    for a in span.attributes:
                        kind = a.value.WhichOneof("value")
                        attributes[a.key] = getattr(a.value, kind) if kind else None
                    spans.append({
                        "service": service, "trace_id": span.trace_id.hex(), "span_id": span.span_id.hex(),
                        "parent_span_id": span.parent_span_id.hex(), "name": span.name, "kind": span.kind,
                        "start": span.start_time_unix_nano, "end": span.end_time_unix_nano,
                        "status": span.status.code, "attributes": attributes,
                    })
        with open(LOG, "a") as log:
            log.write(json.dumps({"path": self.path, "authorization": self.headers.get("Authorization"),
                                  "ingestion_version": self.headers.get("x-langfuse-ingestion-version"), "spans": spans}) + "\n")
        if MODE == "partial":
            return self.reply(200, {"partialSuccess": {"rejectedSpans": "1", "errorMessage": "one span too old"}})
        return self.reply(200, {})


# A test runner may start us with SIGTERM ignored (ignored signals survive exec): take it back.
signal.signal(signal.SIGTERM, signal.SIG_DFL)
def ingest_reply(handler, batch):
    """The Langfuse ingestion API's 207: per event, success or error."""
    events = batch["batch"]
    state["ingestions"] = state.get("ingestions", 0) + 1
    valid_types = {"trace-create", "span-create", "generation-create"}
    successes, errors = [], []
    spans_seen = 0
    for event in events:
        problem = None
        if not event.get("id") or event.get("type") not in valid_types or not event.get("timestamp") or "id" not in event.get("body", {}):
            problem = "malformed event"
        elif event["type"] != "trace-create" and not event["body"].get("traceId"):
            problem = "observation without traceId"
        if event["type"] != "trace-create":
            spans_seen += 1
        if problem:
            errors.append({"id": event.get("id"), "status": 400, "message": problem})
        elif state["ingestions"] == 1 and event["type"] != "trace-create" and spans_seen == 1:
            errors.append({"id": event["id"], "status": 500, "message": "storage busy"})
        elif state["ingestions"] == 1 and event["type"] != "trace-create" and spans_seen == 2:
            errors.append({"id": event["id"], "status": 400, "message": "invalid observation"})
        else:
            successes.append({"id": event["id"], "status": 201})
    with open(LOG, "a") as log:
        log.write(json.dumps({"path": handler.path, "authorization": handler.headers.get("Authorization"),
                              "events": events, "successes": [s["id"] for s in successes]}) + "\n")
    return handler.reply(207, {"successes": successes, "errors": errors})


Collector.ingest = ingest_reply

server = HTTPServer(("127.0.0.1", 0), Collector)
print(server.server_address[1], flush=True)
server.serve_forever()
