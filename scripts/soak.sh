#!/usr/bin/env bash
# On-demand fault soak (benches/soak/): the real service against the Graph
# simulator and a local DynamoDB-compatible server (moto) behind a proxy the
# soak breaks on purpose, with Graph faults, forged tokens and many guests,
# a quarter of the requests batches of 5 to 20 links (POST /v1/$batch).
# Prints a report, writes .tmp/soak/report.txt, exits non-zero when a target
# is missed.
#
# Usage: scripts/soak.sh                 the full soak, optimised (`cargo bench`)
#        scripts/soak.sh --short         2,000 requests from 100 guests, on the
#                                        unoptimised build `cargo test` makes (no
#                                        release build): scripts/test.sh's gate.
#                                        Its latencies and RSS are not the figures
#                                        to quote; its targets are the same.
# Knobs: SOAK_REQUESTS (10000), SOAK_USERS (500), SOAK_CONCURRENCY (50);
#        more in benches/soak/main.rs (SOAK_RTT_MS, SOAK_LAG_MS, SOAK_NEVER_PCT,
#        SOAK_FORGED_PCT, SOAK_BATCH_PCT, SOAK_SEED).
#
# Starts its own moto server (state in .tmp/soak/), not scripts/moto.sh's:
# that one's pid file is shared, so stopping it here could stop the server a
# concurrent scripts/test.sh is using. With TEST_DYNAMODB_ENDPOINT already
# set, that server is used and nothing is started or stopped.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tmp/soak

short=
case "${1:-}" in
    --short) short=1 ;;
    "") ;;
    *) echo "usage: scripts/soak.sh [--short]" >&2; exit 2 ;;
esac
if [ -n "$short" ]; then
    export SOAK_REQUESTS=${SOAK_REQUESTS:-2000}
    export SOAK_USERS=${SOAK_USERS:-100}
fi
export SOAK_REQUESTS=${SOAK_REQUESTS:-10000}
export SOAK_USERS=${SOAK_USERS:-500}
export SOAK_CONCURRENCY=${SOAK_CONCURRENCY:-50}

readonly logfile=.tmp/soak/moto.log
moto_pid=

stop_moto() {
    if [ -n "$moto_pid" ] && kill -0 "$moto_pid" 2>/dev/null; then
        kill "$moto_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$moto_pid" 2>/dev/null || break
            sleep 0.1
        done
        echo "soak: moto stopped (pid $moto_pid)" >&2
    fi
}

if [ -z "${TEST_DYNAMODB_ENDPOINT:-}" ]; then
    scripts/dev-env.sh
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    endpoint="http://127.0.0.1:$port"
    .venv/bin/moto_server -H 127.0.0.1 -p "$port" </dev/null >"$logfile" 2>&1 &
    moto_pid=$!
    echo "$moto_pid" >.tmp/soak/moto.pid
    trap stop_moto EXIT
    ready=
    for _ in $(seq 1 150); do
        kill -0 "$moto_pid" 2>/dev/null || { echo "soak: moto exited; see $logfile" >&2; exit 1; }
        if python3 - "$endpoint" <<'EOF' 2>/dev/null; then
import json, sys, urllib.request
with urllib.request.urlopen(sys.argv[1] + "/moto-api/data.json", timeout=1) as r:
    json.load(r)
EOF
            ready=1
            break
        fi
        sleep 0.1
    done
    [ -n "$ready" ] || { echo "soak: moto did not answer on $endpoint; see $logfile" >&2; exit 1; }
    echo "soak: moto listening on $endpoint (pid $moto_pid)" >&2
    export TEST_DYNAMODB_ENDPOINT=$endpoint
else
    echo "soak: using TEST_DYNAMODB_ENDPOINT=$TEST_DYNAMODB_ENDPOINT" >&2
fi

# The bench target has no test harness: `cargo test --bench` runs the same
# main, built in the test profile.
if [ -n "$short" ]; then cargo=(cargo test --bench soak); else cargo=(cargo bench --bench soak); fi
echo "soak: ${cargo[*]} (SOAK_REQUESTS=$SOAK_REQUESTS SOAK_USERS=$SOAK_USERS SOAK_CONCURRENCY=$SOAK_CONCURRENCY)" >&2
"${cargo[@]}"
