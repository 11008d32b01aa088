"""Checks a live Kijko server against its own OpenAPI document: every documented route answers
(never 404 for a path that exists, never 405), and every JSON answer to a GET fits the schema the
document gives for its status. Run by ServerAPITests with the server's URL, a token and a job id:

    openapi_check.py URL TOKEN JOB APPROVAL
"""
import json, sys, urllib.request, urllib.error
import jsonschema

url, token, job, approval = sys.argv[1:5]


def get(path, auth=True):
    request = urllib.request.Request(url + path, headers={"Authorization": f"Bearer {token}"} if auth else {})
    try:
        with urllib.request.urlopen(request) as reply:
            return reply.status, reply.headers.get("Content-Type", ""), reply.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


status, _, body = get("/api/openapi.json", auth=False)
assert status == 200, f"openapi.json: {status}"
document = json.loads(body)
failures = []


def resolve(schema):
    """The schema with the document's components reachable for $ref."""
    return {**schema, "components": document["components"]}


for path, methods in document["paths"].items():
    concrete = path.replace("{id}", approval if path.startswith("/api/approval/") else job).replace("{job}", job) \
        .replace("{path}", "brief_intake-0/vrd.md")
    for method, operation in methods.items():
        if method != "get" or path.endswith("/events"):
            continue
        status, kind, body = get(concrete)
        documented = operation["responses"].get(str(status))
        if documented is None:
            failures.append(f"GET {path}: {status} is not documented")
            continue
        schema = documented.get("content", {}).get("application/json", {}).get("schema")
        if "$ref" in documented:
            ref = documented["$ref"].split("/")[-1]
            schema = document["components"]["responses"][ref]["content"]["application/json"]["schema"]
        if schema is None or not kind.startswith("application/json"):
            continue
        try:
            jsonschema.validate(json.loads(body), resolve(schema))
        except jsonschema.ValidationError as error:
            failures.append(f"GET {path}: {error.message} at {list(error.absolute_path)}")
# Unauthorised answers fit the error schema too.
status, _, body = get("/api/production", auth=False)
if status != 401 or "error" not in json.loads(body):
    failures.append("GET /api/production without a token is not a 401 error")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print(f"openapi: {len(document['paths'])} paths answer as documented")
