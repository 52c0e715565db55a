#!/usr/bin/env bash
# Smoke test of the binary's Lambda mode: the real `share-resolver` binary runs
# under `cargo lambda watch` (the Lambda runtime API emulator) against the
# Graph simulator, and each API Gateway HTTP API event in events/ is invoked
# through `cargo lambda invoke`; the response's statusCode and problem `code`
# must match events/expected.tsv.
#
# Usage: scripts/lambda-smoke.sh
# Tools: .venv/bin/cargo-lambda of the repository (scripts/dev-env.sh), else
# PATH. Nothing is downloaded; no AWS account is needed.
# Knobs (environment): SMOKE_GRAPH_SIM=command to run instead of
# target/debug/graph-sim (it must serve GET /_sim/health on $SIM_ADDR);
# SMOKE_BUILD_TIMEOUT, SMOKE_START_TIMEOUT, SMOKE_INVOKE_TIMEOUT (seconds).
# Logs: .tmp/lambda-smoke/{build,graph-sim,watch}.log
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
# Its readiness check is a whole `cargo lambda invoke`: poll gently.
POLL_INTERVAL=0.5

readonly BUILD_TIMEOUT=${SMOKE_BUILD_TIMEOUT:-1800}
# Covers `cargo run` inside watch rebuilding the binary, if it has to.
readonly START_TIMEOUT=${SMOKE_START_TIMEOUT:-300}
readonly INVOKE_TIMEOUT=${SMOKE_INVOKE_TIMEOUT:-60}
readonly LOGS=.tmp/lambda-smoke
readonly FUNCTION=share-resolver

mkdir -p "$LOGS"
rm -f "$LOGS"/*.log "$LOGS"/*.env

passed=0
failed=0
sim_pid=
watch_pid=

summary() { say "${passed} passed, ${failed} failed"; }

cleanup() {
    stop "$watch_pid"
    stop "$sim_pid"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A set-up step failed: show why, count it, stop.
die() {
    say "FAIL setup: $1"
    show_logs "${@:2}"
    failed=$((failed + 1))
    summary
    exit 1
}

# --- tools -----------------------------------------------------------------
[ -d .venv/bin ] && export PATH="$PWD/.venv/bin:$PATH"
command -v cargo-lambda >/dev/null 2>&1 ||
    die "cargo-lambda not found in .venv/bin or PATH (run scripts/dev-env.sh)"
command -v python3 >/dev/null 2>&1 || die "python3 not found"
say "cargo-lambda: $(cargo lambda --version 2>&1 | head -n 1)"

# --- build -----------------------------------------------------------------
say "building share-resolver and graph-sim (debug)"
timeout "$BUILD_TIMEOUT" cargo build --bin share-resolver --bin graph-sim \
    >"$LOGS/build.log" 2>&1 || die "cargo build failed or timed out" "$LOGS/build.log"

# --- Graph simulator -------------------------------------------------------
sim_port=$(free_port)
sim_cmd=${SMOKE_GRAPH_SIM:-target/debug/graph-sim}
read -ra sim_argv <<<"$sim_cmd"
spawn env "SIM_ADDR=127.0.0.1:$sim_port" "${sim_argv[@]}" >"$LOGS/graph-sim.log" 2>&1
sim_pid=$!
status=0
wait_for 30 "$sim_pid" http_ok "http://127.0.0.1:$sim_port/_sim/health" || status=$?
case $status in
    0) ;;
    2) die "graph-sim ($sim_cmd) exited before answering /_sim/health" "$LOGS/graph-sim.log" ;;
    *) die "graph-sim did not answer /_sim/health on 127.0.0.1:$sim_port within 30 s" "$LOGS/graph-sim.log" ;;
esac
say "graph-sim ready on 127.0.0.1:$sim_port"

# --- cargo lambda watch ----------------------------------------------------
# --ignore-changes: no file watching or reloads; --disable-cors: watch's own
# permissive CORS (function URL emulation) stays out of the picture. The
# function gets the in-memory store (no HYDRATION_TABLE) and the simulator.
# The function's variables go through --env-file: --env-var splits its value
# on commas (KEY=A,OTHER=B), which lists such as WARMUP_STRATEGIES contain.
invoke_port=$(free_port)
printf '%s\n' "GRAPH_BASE_URL=http://127.0.0.1:$sim_port/v1.0" "RUST_LOG=info" \
    >"$LOGS/function.env"
spawn env -u HYDRATION_TABLE -u ALLOWED_ORIGINS -u AWS_LAMBDA_RUNTIME_API \
    cargo lambda watch --ignore-changes --disable-cors --color never \
    --invoke-address 127.0.0.1 --invoke-port "$invoke_port" \
    --env-file "$LOGS/function.env" \
    >"$LOGS/watch.log" 2>&1
watch_pid=$!
wait_for 60 "$watch_pid" port_open "$invoke_port" ||
    die "cargo lambda watch did not listen on 127.0.0.1:$invoke_port within 60 s" "$LOGS/watch.log"

invoke() {
    local seconds=$1 file=$2
    timeout "$seconds" cargo lambda invoke "$FUNCTION" --color never \
        --invoke-address 127.0.0.1 --invoke-port "$invoke_port" \
        --data-file "$file"
}

# Ready when the function itself answers (watch starts it on first invoke).
# A function that exits at start-up (bad configuration) fails at once.
ready() {
    if grep -q 'command exited' "$LOGS/watch.log"; then
        kill -TERM "$watch_pid" 2>/dev/null
        return 1
    fi
    invoke 20 events/healthz.json 2>>"$LOGS/invoke.log" | grep -q '"statusCode":200'
}
wait_for "$START_TIMEOUT" "$watch_pid" ready ||
    die "the function did not answer events/healthz.json within ${START_TIMEOUT} s, or exited" "$LOGS/watch.log" "$LOGS/invoke.log"
say "cargo lambda watch ready on 127.0.0.1:$invoke_port"

# --- the events --------------------------------------------------------------
# Prints "<statusCode> <code or ->" of a Lambda proxy response, or fails.
read_response() {
    python3 -c '
import json, sys
r = json.loads(sys.stdin.read())
status = r["statusCode"]
headers = {k.lower(): v for k, v in (r.get("headers") or {}).items()}
code = "-"
if "problem+json" in headers.get("content-type", ""):
    code = json.loads(r.get("body") or "{}").get("code", "?")
print(status, code)
'
}

while IFS=$'\t' read -r file want_status want_code _; do
    case "$file" in '' | '#'*) continue ;; esac
    if ! out=$(invoke "$INVOKE_TIMEOUT" "events/$file" 2>>"$LOGS/invoke.log"); then
        say "FAIL $file: cargo lambda invoke failed or timed out (see $LOGS/invoke.log)"
        failed=$((failed + 1))
        continue
    fi
    if ! got=$(printf '%s' "$out" | read_response 2>/dev/null); then
        say "FAIL $file: not a Lambda proxy response: ${out:0:200}"
        failed=$((failed + 1))
        continue
    fi
    read -r got_status got_code <<<"$got"
    if [ "$got_status" = "$want_status" ] && [ "$got_code" = "$want_code" ]; then
        say "ok $file $got_status $got_code"
        passed=$((passed + 1))
    else
        say "FAIL $file: expected $want_status $want_code, got $got_status $got_code"
        failed=$((failed + 1))
    fi
done <events/expected.tsv

[ $((passed + failed)) -gt 0 ] || { say "FAIL no event in events/expected.tsv"; failed=1; }
summary
[ "$failed" -eq 0 ]
