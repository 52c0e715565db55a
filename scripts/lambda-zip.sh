#!/usr/bin/env bash
# Builds the deployable zip the way users do (`cargo lambda build --release
# --x86-64 --output-format zip --bin share-resolver`, as infra/README.md and
# SAM's rust-cargolambda build do, for x86_64: this machine cannot install the
# arm64 standard library), prints its size, then runs the zip's `bootstrap`
# AS A LAMBDA: under scripts/lambda_runtime_api.py (a Lambda Runtime API,
# Python standard library only) against the Graph simulator, with every event
# of events/expected.tsv. Each response's statusCode and problem `code` must
# match expected.tsv (as in scripts/lambda-smoke.sh); then the function's
# stdout must hold one request line per metered invocation, that is both its
# JSON log line and its EMF document (an object with `_aws`), carrying that
# invocation's Lambda request id (`lambda_request_id`), and none for the
# unmetered routes.
#
# Usage: scripts/lambda-zip.sh          Ends with "N passed, N failed" (one
# per event, plus the stdout check); exits non-zero on any failure.
# Tools: .venv/bin/cargo-lambda of the repository (scripts/dev-env.sh), else
# PATH; python3. Nothing is downloaded; no AWS account is needed.
# Knobs (environment): ZIP_SKIP_BUILD=1 checks the existing zip (ZIP_FILE,
# default target/lambda/share-resolver/bootstrap.zip);
# ZIP_SAME_AS=FILE: the zip's bootstrap must be byte-identical to FILE
# (scripts/sam-build.sh passes what `sam build` built, so the runtime API
# check below is also the check of the artefact `sam deploy` uploads);
# ZIP_BUILD_TIMEOUT, ZIP_INVOKE_TIMEOUT (seconds);
# ZIP_RUST_LOG (default warn,share_resolver=info; the request line is
# written whatever the level, as it carries the metrics).
# Output: .tmp/lambda-zip/{size.txt (zip size in bytes), build.log,
# bootstrap, graph-sim.log, runtime-api.log, results.jsonl, function.stdout,
# function.stderr}
#
# Note: `cargo lambda build --release` adds its own release settings (panic =
# "abort", codegen-units = 1, lto = "thin", strip = "symbols") for every one
# that [profile.release] leaves unset, and RUSTFLAGS="-C target-cpu=haswell"
# (x86_64; neoverse-n1 for arm64). [profile.release] sets all four, so the zip
# is built with the profile the repository chose (panic = "unwind" matters:
# the service turns a panic into a problem response).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

readonly BUILD_TIMEOUT=${ZIP_BUILD_TIMEOUT:-3600}
readonly INVOKE_TIMEOUT=${ZIP_INVOKE_TIMEOUT:-25}
readonly FUNCTION_RUST_LOG=${ZIP_RUST_LOG:-warn,share_resolver=info}
readonly OUT=.tmp/lambda-zip
readonly ZIP=${ZIP_FILE:-target/lambda/share-resolver/bootstrap.zip}
# Routes that answer without a request line.
readonly UNMETERED_PATHS="/healthz /openapi.json"

mkdir -p "$OUT"
rm -f "$OUT"/*.log "$OUT"/results.jsonl "$OUT"/function.* "$OUT"/port

passed=0
failed=0
sim_pid=
api_pid=
fn_pid=
script_started=$SECONDS

summary() { say "${passed} passed, ${failed} failed (in $((SECONDS - script_started)) s)"; }

cleanup() {
    stop "$fn_pid"
    stop "$api_pid"
    stop "$sim_pid"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

die() {
    say "FAIL setup: $1"
    show_logs "${@:2}"
    failed=$((failed + 1))
    summary
    exit 1
}

# --- tools -------------------------------------------------------------------
[ -d .venv/bin ] && export PATH="$PWD/.venv/bin:$PATH"
command -v python3 >/dev/null 2>&1 || die "python3 not found"
if [ -z "${ZIP_SKIP_BUILD:-}" ]; then
    command -v cargo-lambda >/dev/null 2>&1 ||
        die "cargo-lambda not found in .venv/bin or PATH (run scripts/dev-env.sh)"
    say "cargo-lambda: $(cargo lambda --version 2>&1 | head -n 1)"
fi

# --- the zip -------------------------------------------------------------------
if [ -z "${ZIP_SKIP_BUILD:-}" ]; then
    say "building: cargo lambda build --release --x86-64 --output-format zip --bin share-resolver"
    build_started=$SECONDS
    timeout "$BUILD_TIMEOUT" cargo lambda build --release --x86-64 --output-format zip \
        --bin share-resolver --color never >"$OUT/build.log" 2>&1 ||
        die "cargo lambda build failed or timed out" "$OUT/build.log"
    say "built in $((SECONDS - build_started)) s (log: $OUT/build.log)"
fi
[ -f "$ZIP" ] || die "$ZIP not found"
rm -f "$OUT/bootstrap"
python3 - "$ZIP" "$OUT" <<'PY' || die "cannot unzip $ZIP"
import os, sys, zipfile
zip_path, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(zip_path) as z:
    names = z.namelist()
    assert names == ["bootstrap"], f"the zip holds {names}, expected just bootstrap"
    info = z.getinfo("bootstrap")
    z.extract(info, out)
    mode = (info.external_attr >> 16) & 0o777
    assert mode & 0o100, f"bootstrap is not executable in the zip (mode {oct(mode)})"
    os.chmod(os.path.join(out, "bootstrap"), mode)
PY
if [ -n "${ZIP_SAME_AS:-}" ]; then
    [ -f "$ZIP_SAME_AS" ] || die "ZIP_SAME_AS=$ZIP_SAME_AS not found"
    if cmp -s "$OUT/bootstrap" "$ZIP_SAME_AS"; then
        say "ok bootstrap: the zip's bootstrap is byte-identical to $ZIP_SAME_AS ($(sha256sum "$ZIP_SAME_AS" | cut -c1-16)…)"
        passed=$((passed + 1))
    else
        say "FAIL bootstrap: the zip's bootstrap differs from $ZIP_SAME_AS"
        failed=$((failed + 1))
    fi
fi
zip_bytes=$(stat -c %s "$ZIP")
bootstrap_bytes=$(stat -c %s "$OUT/bootstrap")
printf '%s\n' "$zip_bytes" >"$OUT/size.txt"
say "zip: $ZIP $zip_bytes bytes; bootstrap (unzipped): $bootstrap_bytes bytes"
say "bootstrap: $(file -b "$OUT/bootstrap" 2>/dev/null | cut -d, -f1-2 || echo ?)"

# --- Graph simulator -------------------------------------------------------------
if [ ! -x target/debug/graph-sim ]; then
    say "building target/debug/graph-sim"
    cargo build -p graph-sim --bin graph-sim >"$OUT/graph-sim-build.log" 2>&1 ||
        die "cargo build -p graph-sim failed" "$OUT/graph-sim-build.log"
fi
sim_port=$(free_port)
spawn env "SIM_ADDR=127.0.0.1:$sim_port" target/debug/graph-sim >"$OUT/graph-sim.log" 2>&1
sim_pid=$!
status=0
wait_for 30 "$sim_pid" http_ok "http://127.0.0.1:$sim_port/_sim/health" || status=$?
[ "$status" -eq 0 ] || die "graph-sim did not answer /_sim/health on 127.0.0.1:$sim_port" "$OUT/graph-sim.log"

# --- Runtime API with the events, then the function ---------------------------------
events=()
while IFS=$'\t' read -r file _; do
    case "$file" in '' | '#'*) continue ;; esac
    events+=("events/$file")
done <events/expected.tsv
[ "${#events[@]}" -gt 0 ] || die "no event in events/expected.tsv"

spawn python3 scripts/lambda_runtime_api.py --port-file "$OUT/port" \
    --results "$OUT/results.jsonl" --timeout "$INVOKE_TIMEOUT" --start-timeout 30 \
    --function-name share-resolver --region us-east-1 "${events[@]}" >"$OUT/runtime-api.log" 2>&1
api_pid=$!
wait_for 10 "$api_pid" test -s "$OUT/port" || die "the runtime API did not start" "$OUT/runtime-api.log"
api_port=$(cat "$OUT/port")

# The function's environment: what Lambda sets, plus the service's own
# variables; nothing inherited from this shell (env -i).
invoke_started=$(date +%s%N)
spawn env -i PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 TZ=:UTC \
    "AWS_LAMBDA_RUNTIME_API=127.0.0.1:$api_port" \
    AWS_LAMBDA_FUNCTION_NAME=share-resolver AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256 \
    'AWS_LAMBDA_FUNCTION_VERSION=$LATEST' AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 \
    "LAMBDA_TASK_ROOT=$PWD/$OUT" _HANDLER=bootstrap \
    "GRAPH_BASE_URL=http://127.0.0.1:$sim_port/v1.0" \
    "SHAREPOINT_BASE_URL_OVERRIDE=http://127.0.0.1:$sim_port" \
    "RUST_LOG=$FUNCTION_RUST_LOG" \
    "$OUT/bootstrap" >"$OUT/function.stdout" 2>"$OUT/function.stderr"
fn_pid=$!

# The runtime API exits once every event is answered (or on an init error,
# a timeout, or a function that never polls).
while kill -0 "$api_pid" 2>/dev/null && kill -0 "$fn_pid" 2>/dev/null; do sleep 0.05; done
fn_died=
kill -0 "$fn_pid" 2>/dev/null || { sleep 0.3; kill -0 "$api_pid" 2>/dev/null && fn_died=1; }
[ -z "$fn_died" ] || stop "$api_pid"
api_status=0
wait "$api_pid" || api_status=$?
api_pid=
invoke_ms=$((($(date +%s%N) - invoke_started) / 1000000))
sleep 0.2 # the last lines of stdout
stop "$fn_pid"
fn_pid=
if [ -n "$fn_died" ]; then
    say "FAIL the function exited before answering every event"
    failed=$((failed + 1))
fi
case $api_status in
    0) say "runtime API: ${#events[@]} invocations answered in $invoke_ms ms (cold start included)" ;;
    2) say "runtime API: an invocation passed its ${INVOKE_TIMEOUT} s deadline" ;;
    3) say "runtime API: the function reported an init error" ;;
    4) say "runtime API: the function never asked for an event" ;;
    6) say "runtime API: stopped" ;;
    *) say "runtime API: exited with $api_status" ;;
esac
[ -s "$OUT/results.jsonl" ] ||
    die "no results from the runtime API" "$OUT/runtime-api.log" "$OUT/function.stderr" "$OUT/function.stdout"

# --- checks ------------------------------------------------------------------------
# One line per event ("ok|FAIL <event> ..."), then the stdout check; the
# last line is "<passed> <failed>".
set +e
python3 - "$OUT/results.jsonl" "$OUT/function.stdout" events/expected.tsv "$UNMETERED_PATHS" <<'PY' >"$OUT/checks.txt"
import json, sys
results_path, stdout_path, expected_path, unmetered = sys.argv[1:5]
unmetered = set(unmetered.split())
expected = []
for line in open(expected_path):
    line = line.rstrip("\n")
    if not line or line.startswith("#"):
        continue
    file, status, code = line.split("\t")[:3]
    expected.append((file, int(status), code))
results = {}
for line in open(results_path):
    r = json.loads(line)
    if r.get("index") is not None:
        results[r["index"]] = r
    elif r.get("outcome") == "init_error":
        print(f"FAIL init error: {r.get('error_type')}: {r.get('payload', '')[:300]}")
passed = failed = 0

# Each event: the Lambda proxy response's statusCode and problem code.
for i, (file, want_status, want_code) in enumerate(expected):
    r = results.get(i)
    if r is None or r.get("outcome") != "response":
        outcome = r.get("outcome") if r else "missing"
        detail = (r or {}).get("payload", "")[:200]
        print(f"FAIL {file}: {outcome} {(r or {}).get('error_type') or ''} {detail}".rstrip())
        failed += 1
        continue
    try:
        resp = json.loads(r["payload"])
        status = resp["statusCode"]
        headers = {k.lower(): v for k, v in (resp.get("headers") or {}).items()}
        code = "-"
        if "problem+json" in headers.get("content-type", ""):
            code = json.loads(resp.get("body") or "{}").get("code", "?")
    except Exception as e:  # noqa: BLE001
        print(f"FAIL {file}: not a Lambda proxy response ({e}): {r['payload'][:200]}")
        failed += 1
        continue
    if status == want_status and code == want_code:
        print(f"ok {file} {status} {code} ({r['duration_ms']:.1f} ms)")
        passed += 1
    else:
        print(f"FAIL {file}: expected {want_status} {want_code}, got {status} {code}")
        failed += 1

# stdout: one request line (log line and EMF document in one) per metered
# invocation, with its Lambda request id; none for the unmetered routes.
lines, other = {}, 0
for line in open(stdout_path, errors="replace"):
    try:
        doc = json.loads(line)
    except ValueError:
        other += 1
        continue
    if not isinstance(doc, dict):
        other += 1
    elif "_aws" in doc:
        lines.setdefault(doc.get("lambda_request_id"), []).append(doc)
problems, metered = [], 0
for i, (file, _, _) in enumerate(expected):
    r = results.get(i)
    if r is None or r.get("outcome") != "response":
        continue
    path = json.load(open(f"events/{file}")).get("rawPath", "")
    n = len(lines.pop(r["request_id"], []))
    if path in unmetered:
        if n:
            problems.append(f"{file}: {n} request lines for an unmetered route")
        continue
    metered += 1
    if n != 1:
        problems.append(f"{file}: {n} request lines with its lambda_request_id (expected 1)")
stray = sum(len(v) for v in lines.values())
if stray:
    problems.append(f"{stray} request lines without a known lambda_request_id: {list(lines)[:3]}")
if other:
    problems.append(f"{other} stdout lines are not JSON objects")
if problems:
    print("FAIL stdout: " + "; ".join(problems))
    failed += 1
elif metered == 0:
    print("FAIL stdout: no metered invocation to check")
    failed += 1
else:
    print(f"ok stdout: one request line (log and EMF in one) per metered invocation ({metered}),"
          f" each with the invocation's Lambda request id; none for {' '.join(sorted(unmetered))}")
    passed += 1
print(passed, failed)
PY
check_status=$?
set -e
[ "$check_status" -eq 0 ] || die "the checks could not run" "$OUT/checks.txt"
sed '$d' "$OUT/checks.txt"
read -r p f < <(tail -n 1 "$OUT/checks.txt")
passed=$((passed + p))
failed=$((failed + f))
if [ "$failed" -gt 0 ]; then
    for log in "$OUT/function.stdout" "$OUT/function.stderr" "$OUT/runtime-api.log"; do
        [ -s "$log" ] && { say "--- last lines of $log"; tail -n 5 "$log" | cut -c1-400; }
    done
fi
[ "$api_status" -eq 0 ] || { [ "$failed" -gt 0 ] || failed=1; }
summary
[ "$failed" -eq 0 ]
