#!/usr/bin/env bash
# API fuzzing from the OpenAPI document: Schemathesis (pinned in
# requirements-dev.txt) reads GET /openapi.json of the real `share-resolver`
# binary, which runs against the Graph simulator, generates requests from it
# (examples, coverage and fuzzing phases: schema-valid and schema-invalid
# data, missing or garbage tokens) and checks every answer against the
# document: status codes, content types, bodies, headers, no 5xx, invalid data
# rejected, valid data accepted, no ignored authentication.
#
# A failure means the service and docs/openapi.json disagree: fix the document
# (annotations in src/http/routes.rs, types in src/http/openapi.rs) where it is
# wrong about the contract, or the service where it breaks the contract.
#
# Usage: scripts/api-fuzz.sh      Needs: .venv (scripts/dev-env.sh), cargo, python3.
# Knobs (environment): API_FUZZ_EXAMPLES (test cases per operation and phase,
# default 100), API_FUZZ_SEED (a seed to replay a run; default random, printed),
# API_FUZZ_BUILD_TIMEOUT, API_FUZZ_RUN_TIMEOUT (seconds).
# Output: .tmp/api-fuzz/{schemathesis.txt,junit.xml,report.json,*.log}.
# Ends with "N passed, N failed" (operations, from Schemathesis' JSON report);
# exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

readonly EXAMPLES=${API_FUZZ_EXAMPLES:-100}
readonly SEED=${API_FUZZ_SEED:-}
readonly BUILD_TIMEOUT=${API_FUZZ_BUILD_TIMEOUT:-1800}
readonly RUN_TIMEOUT=${API_FUZZ_RUN_TIMEOUT:-300}
readonly LOGS=.tmp/api-fuzz
readonly ST=.venv/bin/schemathesis
# The demo tenant's cold guest (crates/graph-sim/src/demo.rs).
readonly TENANT=5f1c2f7a-7d4e-4e7b-9a51-1d2c3b4a5f60
readonly GUEST=a1b2c3d4-0000-4000-8000-000000000001

mkdir -p "$LOGS"
rm -f "$LOGS"/*.log "$LOGS"/*.txt "$LOGS"/*.xml "$LOGS"/*.json

sim_pid=
resolver_pid=

cleanup() {
    stop "$resolver_pid"
    stop "$sim_pid"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A set-up step failed: show why, stop (nothing was fuzzed).
die() {
    say "FAIL setup: $1"
    show_logs "${@:2}"
    say "0 passed, 1 failed"
    exit 1
}

# POSTs JSON ($2) to a simulator admin route ($1), prints the answer.
sim_post() {
    python3 - "$sim_url$1" "$2" <<'EOF'
import sys, urllib.request
request = urllib.request.Request(sys.argv[1], data=sys.argv[2].encode(),
                                 headers={"Content-Type": "application/json"})
print(urllib.request.urlopen(request, timeout=5).read().decode())
EOF
}

# --- tools -----------------------------------------------------------------
[ -x "$ST" ] || die "$ST not found: run scripts/dev-env.sh"
command -v python3 >/dev/null 2>&1 || die "python3 not found"
say "$("$ST" --version)"

# --- build -----------------------------------------------------------------
say "building share-resolver and graph-sim (debug)"
timeout "$BUILD_TIMEOUT" cargo build --bin share-resolver -p share-resolver \
    --bin graph-sim -p graph-sim >"$LOGS/build.log" 2>&1 ||
    die "cargo build failed or timed out" "$LOGS/build.log"

# --- Graph simulator -------------------------------------------------------
sim_port=$(free_port)
sim_url=http://127.0.0.1:$sim_port
spawn env "SIM_ADDR=127.0.0.1:$sim_port" target/debug/graph-sim >"$LOGS/graph-sim.log" 2>&1
sim_pid=$!
wait_for 30 "$sim_pid" http_ok "$sim_url/_sim/health" ||
    die "graph-sim did not answer /_sim/health on 127.0.0.1:$sim_port" "$LOGS/graph-sim.log"

# --- share-resolver --------------------------------------------------------
# The in-memory store (no HYDRATION_TABLE), no CORS, a short deadline and two
# attempts so that a request that cannot succeed answers quickly.
port=$(free_port)
base=http://127.0.0.1:$port
spawn env -u HYDRATION_TABLE -u ALLOWED_ORIGINS -u AWS_LAMBDA_RUNTIME_API \
    -u WARMUP_STRATEGIES -u ALLOWED_SHARE_HOSTS \
    "LISTEN_ADDR=127.0.0.1:$port" \
    "GRAPH_BASE_URL=$sim_url/v1.0" \
    "SHAREPOINT_BASE_URL_OVERRIDE=$sim_url" \
    RUST_LOG=warn RESOLVE_DEADLINE_MS=3000 MAX_ATTEMPTS=2 \
    target/debug/share-resolver >"$LOGS/share-resolver.log" 2>&1
resolver_pid=$!
wait_for 30 "$resolver_pid" http_ok "$base/healthz" ||
    die "share-resolver did not answer /healthz on 127.0.0.1:$port" "$LOGS/share-resolver.log"
say "graph-sim on 127.0.0.1:$sim_port, share-resolver on 127.0.0.1:$port"

# --- test data ---------------------------------------------------------------
token=$(sim_post /_sim/tokens "{\"tid\":\"$TENANT\",\"oid\":\"$GUEST\",\"guest\":true}" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])') ||
    die "graph-sim did not mint a token" "$LOGS/graph-sim.log"
# The document's example sharing links become shares the simulator knows, so
# that the examples phase reaches a driveItem (200, with its headers).
python3 - "$base/openapi.json" >"$LOGS/examples.txt" <<'EOF' || die "cannot read the document's examples"
import base64, json, sys, urllib.request
document = json.load(urllib.request.urlopen(sys.argv[1], timeout=5))
found = set()
def walk(node, key=None):
    if isinstance(node, dict):
        for k, v in node.items():
            walk(v, k)
    elif isinstance(node, list):
        for v in node:
            walk(v, key)
    elif isinstance(node, str) and key in ("example", "examples"):
        if node.startswith("u!"):
            node = base64.urlsafe_b64decode(node[2:] + "=" * (-len(node[2:]) % 4)).decode()
        if node.startswith("https://"):
            found.add(node)
walk(document)
print("\n".join(sorted(found)))
EOF
while IFS= read -r url; do
    [ -n "$url" ] || continue
    share=$(python3 -c 'import json, sys; print(json.dumps({"url": sys.argv[1], "driveItem": {
        "id": "01APIFUZZEXAMPLE000000000000000000", "name": "Example.docx", "size": 1024,
        "webUrl": sys.argv[1], "file": {"mimeType": "application/octet-stream"}}}))' "$url")
    sim_post /_sim/shares "$share" >/dev/null || die "graph-sim did not take the share $url" "$LOGS/graph-sim.log"
    say "example share: $url"
done <"$LOGS/examples.txt"

# The document's example drive and item (a folder with two children), so that
# the examples of the /drives routes reach an item and a page of children.
python3 - "$base/openapi.json" >"$LOGS/items.txt" <<'EOF' || die "cannot read the document's drive and item examples"
import json, sys, urllib.request
schemas = json.load(urllib.request.urlopen(sys.argv[1], timeout=5))["components"]["schemas"]
print(schemas["DriveId"]["examples"][0], schemas["ItemId"]["examples"][0])
EOF
read -r drive item <"$LOGS/items.txt"
for child in "" 01APIFUZZCHILDA 01APIFUZZCHILDB; do
    args=$(python3 -c 'import json, sys
drive, folder, child = sys.argv[1:]
item = {"id": child, "name": child + ".txt", "size": 1} if child else {"id": folder, "name": "Example folder", "folder": {"childCount": 2}}
print(json.dumps({"driveId": drive, "parentId": folder if child else None, "item": item}))' "$drive" "$item" "$child")
    sim_post /_sim/items "$args" >/dev/null || die "graph-sim did not take the item $args" "$LOGS/graph-sim.log"
done
say "example folder: $drive/$item"

# --- Schemathesis configuration and contract checks --------------------------
# positive_data_acceptance: a schema-valid request may still be refused with
# 400 by contract, for what no schema can say: `invalid_share` (the host
# allow-list is deployment configuration; a u!-id must decode to an https URL
# on it; Graph may answer 400 invalidRequest for an id, or for a query option
# whose value it cannot read, such as `$expand=x`) and `bad_request` for
# an X-SharePoint-Authorization that is not a token of this user for that
# host, and `bad_request` for a batch whose request ids repeat (JSON Schema
# cannot say that a member is unique across an array's items). 400 is
# therefore accepted here, and the hook check
# `schema_valid_400_is_a_runtime_refusal` fails any other 400 for valid data.
# Both data checks: 413 `payload_too_large` is the contract for a body over
# 16 KiB, valid or not; a schema bounds characters (a 4096-character URL is
# valid), not the bytes of the serialized body (up to 12 per character).
cat >"$LOGS/schemathesis.toml" <<EOF
hooks = "$PWD/$LOGS/hooks.py"

[checks.positive_data_acceptance]
expected-statuses = ["2xx", "3xx", "400", "401", "403", "404", "409", "413", "429", "5xx"]

[checks.negative_data_rejection]
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]
EOF

cat >"$LOGS/hooks.py" <<'EOF'
"""Checks of the contract (docs/api.md) that the document cannot state."""
import schemathesis

# Problem code -> HTTP status (docs/api.md, the contract's table; not_found and
# method_not_allowed for routes and methods outside the document).
STATUS_OF = {
    "missing_token": 401, "malformed_token": 401, "token_expired": 401,
    "wrong_audience": 401, "invalid_token": 401, "claims_challenge": 401,
    "mfa_required": 403, "personal_account_unsupported": 403, "missing_scope": 403,
    "access_denied": 403, "invalid_share": 400, "share_not_found": 404,
    "throttled": 429, "hydration_exhausted": 503, "graph_unavailable": 502,
    "deadline_exceeded": 504, "bad_request": 400, "payload_too_large": 413,
    "not_found": 404, "method_not_allowed": 405,
}
SUCCESS_ONLY = ("x-resolver-hydration", "x-resolver-warmup", "x-resolver-attempts", "server-timing")


def _problem(response):
    if not response.headers.get("content-type", [""])[0].startswith("application/problem+json"):
        return None
    try:
        return response.json()
    except Exception:
        return None


@schemathesis.check
def problem_matches_contract(ctx, response, case):
    """A problem's code, type and status agree with each other and the contract."""
    problem = _problem(response)
    if response.status_code >= 400 and problem is None:
        raise AssertionError(f"{response.status_code} is not an application/problem+json problem")
    if problem is None:
        return
    code = problem.get("code")
    if STATUS_OF.get(code) != response.status_code:
        raise AssertionError(f"problem code {code!r} answered with {response.status_code}, "
                             f"the contract says {STATUS_OF.get(code)}")
    if problem.get("status") != response.status_code or problem.get("type") != f"/problems/{code}":
        raise AssertionError(f"problem status/type {problem.get('status')!r}/{problem.get('type')!r} "
                             f"disagree with {response.status_code} {code!r}")


@schemathesis.check
def resolver_headers_on_success_only(ctx, response, case):
    """x-resolver-* and server-timing never reveal anything on a problem."""
    if response.status_code != 200:
        leaked = [h for h in SUCCESS_ONLY if h in response.headers]
        if leaked:
            raise AssertionError(f"{response.status_code} carries {', '.join(leaked)}")


@schemathesis.check
def schema_valid_400_is_a_runtime_refusal(ctx, response, case):
    """Valid data refused with 400 only for what the schema cannot express."""
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 400:
        return
    problem = _problem(response) or {}
    if problem.get("code") == "invalid_share":
        return
    if problem.get("code") == "bad_request" and "X-SharePoint-Authorization" in problem.get("title", ""):
        return
    if (problem.get("code") == "bad_request" and case.path in ("/v1/$batch", "/v1/batch")
            and "used twice" in problem.get("detail", "")):
        return
    raise AssertionError(f"schema-valid request refused: {problem.get('code')!r}: {problem.get('detail')!r}")
EOF

# --- fuzz ----------------------------------------------------------------------
args=(
    --checks all
    --max-examples "$EXAMPLES"
    --header "Authorization: Bearer $token"
    --request-timeout 10
    --workers 1
    --generation-database none
    --report junit,json
    --report-dir "$LOGS"
    --report-junit-path "$LOGS/junit.xml"
    --report-json-path "$LOGS/report.json"
    --no-color
)
[ -n "$SEED" ] && args+=(--seed "$SEED")
say "schemathesis run $base/openapi.json ${args[*]/Bearer */Bearer [token]}"
started=$SECONDS
status=0
# Hypothesis' own cache goes under $LOGS, not into the repository root.
HYPOTHESIS_STORAGE_DIRECTORY="$PWD/$LOGS/hypothesis" \
    timeout "$RUN_TIMEOUT" "$ST" --config-file "$LOGS/schemathesis.toml" run "$base/openapi.json" "${args[@]}" \
    >"$LOGS/schemathesis.txt" 2>&1 || status=$?
say "schemathesis exited $status after $((SECONDS - started)) s; its output: $LOGS/schemathesis.txt"
# Its failures and errors (first lines), then its summary.
awk '/^=+ (FAILURES|ERRORS) =+$/ { show = 1 } /^=+ (WARNINGS|SUMMARY) =+$/ { show = 0 } show' \
    "$LOGS/schemathesis.txt" | head -n 150
sed -n '/^=* SUMMARY =*$/,$p' "$LOGS/schemathesis.txt"

# --- summary -------------------------------------------------------------------
# Operations: tested, minus those with a failure or an error.
summary=$(python3 - "$LOGS/report.json" "$status" <<'EOF'
import json, sys
try:
    report = json.load(open(sys.argv[1]))
except (OSError, ValueError):
    print("0 1 no JSON report: Schemathesis did not finish")
    sys.exit()
operations = report["operations"]
failing = {op for failure in report.get("failures", []) for op in failure.get("operations", [])}
# Errors name no operation; count the operations that errored.
failed = len(failing) + operations.get("errored", 0)
if not failed and (sys.argv[2] != "0" or report.get("errors")):
    failed = 1
tested = operations["tested"]
cases = report["test_cases"]
note = (f"{operations['selected']} operations, {cases['generated']} test cases, "
        f"{cases['with_failures']} with failures, seed {report.get('seed')}")
print(max(tested - failed, 0), failed, note)
EOF
)
read -r passed failed note <<<"$summary"
say "$note"
say "${passed} passed, ${failed} failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
