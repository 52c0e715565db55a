#!/usr/bin/env bash
# A local AWS (moto, from .venv) for the tests and for running the service
# locally: DynamoDB (HYDRATION_TABLE) and Secrets Manager (OBO_CLIENT_SECRET_ARN,
# AUTH_MODE=obo). moto[server] serves every service it implements on the one
# port (it routes by the request's signing name / target), and its
# Secrets Manager needs no extra beyond `server` (requirements-dev.txt).
#
#   eval "$(scripts/moto.sh start)"   # exports TEST_DYNAMODB_ENDPOINT=http://127.0.0.1:PORT
#                                     # (the Secrets Manager endpoint too: point
#                                     # AWS_ENDPOINT_URL_SECRETS_MANAGER at it)
#   scripts/moto.sh table [NAME]      # creates the hydration table there (default
#                                     # share-resolver-hydration), as infra/template.yaml does
#   scripts/moto.sh secret NAME VALUE # creates (or updates) a secret there whose
#                                     # SecretString is VALUE; prints its ARN
#   scripts/moto.sh stop
#
# The port is $MOTO_PORT, else a free one. State: .tmp/moto.{pid,endpoint,log}.
# `start` is idempotent: a server already running is reused. Only the export
# line goes to stdout (it is meant for eval); messages go to stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly pidfile=.tmp/moto.pid
readonly endpointfile=.tmp/moto.endpoint
readonly logfile=.tmp/moto.log

# The pid in $pidfile, if that process is still our moto server (a recycled
# pid must never be killed).
running_pid() {
    [ -f "$pidfile" ] || return 1
    local pid
    pid=$(cat "$pidfile")
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q moto_server || return 1
    echo "$pid"
}

# Whether both services the tests use answer on $1 (an old or trimmed moto
# might serve DynamoDB alone).
serves_both() {
    AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN= \
        .venv/bin/python - "$1" <<'EOF'
import sys
import boto3

endpoint = sys.argv[1]
boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1").list_tables(Limit=1)
boto3.client("secretsmanager", endpoint_url=endpoint, region_name="us-east-1").list_secrets(MaxResults=1)
EOF
}

# Whether a moto server answers on $1 (its management API, not just any HTTP server).
answers() {
    python3 - "$1" <<'EOF' 2>/dev/null
import json, sys, urllib.request
with urllib.request.urlopen(sys.argv[1] + "/moto-api/data.json", timeout=1) as r:
    json.load(r)
EOF
}

start() {
    local pid port endpoint
    mkdir -p .tmp
    if pid=$(running_pid) && [ -f "$endpointfile" ]; then
        echo "moto: already running (pid $pid)" >&2
        echo "export TEST_DYNAMODB_ENDPOINT=$(cat "$endpointfile")"
        return 0
    fi
    if [ ! -x .venv/bin/moto_server ]; then
        echo "moto: .venv/bin/moto_server not found; run scripts/dev-env.sh first" >&2
        return 2
    fi
    port=${MOTO_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}
    endpoint="http://127.0.0.1:$port"
    # Output to the log, so that `$(scripts/moto.sh start)` returns at once.
    .venv/bin/moto_server -H 127.0.0.1 -p "$port" </dev/null >"$logfile" 2>&1 &
    pid=$!
    echo "$pid" >"$pidfile"
    rm -f "$endpointfile"
    for _ in $(seq 1 150); do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "moto: the server exited (port $port taken?); last lines of $logfile:" >&2
            tail -n 5 "$logfile" >&2 || true
            rm -f "$pidfile"
            return 1
        fi
        if answers "$endpoint"; then
            if ! serves_both "$endpoint" >>"$logfile" 2>&1; then
                echo "moto: $endpoint does not serve DynamoDB and Secrets Manager; see $logfile" >&2
                kill "$pid" 2>/dev/null || true
                rm -f "$pidfile"
                return 1
            fi
            echo "$endpoint" >"$endpointfile"
            echo "moto: listening on $endpoint (pid $pid; DynamoDB, Secrets Manager)" >&2
            echo "export TEST_DYNAMODB_ENDPOINT=$endpoint"
            return 0
        fi
        sleep 0.1
    done
    echo "moto: no answer on $endpoint after 15 s; see $logfile" >&2
    kill "$pid" 2>/dev/null || true
    rm -f "$pidfile"
    return 1
}

stop() {
    local pid
    if pid=$(running_pid); then
        kill "$pid"
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        echo "moto: stopped (pid $pid)" >&2
    fi
    rm -f "$pidfile" "$endpointfile"
}

# The table of infra/template.yaml (and of the test kit's `dynamo::create_table`,
# which the Rust tests use): on-demand, `pk` hash key, TTL on `expiresAt`. Idempotent.
table() {
    local name=${1:-share-resolver-hydration}
    if ! running_pid >/dev/null || [ ! -f "$endpointfile" ]; then
        echo "moto: not running; scripts/moto.sh start first" >&2
        return 2
    fi
    AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN= \
        .venv/bin/python - "$(cat "$endpointfile")" "$name" <<'EOF'
import sys
import boto3

endpoint, name = sys.argv[1], sys.argv[2]
ddb = boto3.client("dynamodb", endpoint_url=endpoint, region_name="us-east-1")
try:
    ddb.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
    )
except ddb.exceptions.ResourceInUseException:
    pass
ttl = ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"]
if ttl.get("AttributeName") != "expiresAt" or ttl.get("TimeToLiveStatus") not in ("ENABLED", "ENABLING"):
    ddb.update_time_to_live(
        TableName=name,
        TimeToLiveSpecification={"AttributeName": "expiresAt", "Enabled": True},
    )
print(f"moto: table {name} ready (TTL on expiresAt) at {endpoint}", file=sys.stderr)
EOF
}

# A secret for OBO_CLIENT_SECRET_ARN (AUTH_MODE=obo): SecretString = the
# value, as the function reads it. Idempotent: an existing one gets the new
# value. The ARN (moto adds the 6-character suffix, as AWS does) to stdout.
secret() {
    local name=${1:-} value=${2:-}
    if [ -z "$name" ] || [ -z "$value" ]; then
        echo "usage: $0 secret NAME VALUE" >&2
        return 2
    fi
    if ! running_pid >/dev/null || [ ! -f "$endpointfile" ]; then
        echo "moto: not running; scripts/moto.sh start first" >&2
        return 2
    fi
    SECRET_VALUE=$value AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_SESSION_TOKEN= \
        .venv/bin/python - "$(cat "$endpointfile")" "$name" <<'EOF'
import os, sys
import boto3

endpoint, name = sys.argv[1], sys.argv[2]
sm = boto3.client("secretsmanager", endpoint_url=endpoint, region_name="us-east-1")
try:
    arn = sm.create_secret(Name=name, SecretString=os.environ["SECRET_VALUE"])["ARN"]
except sm.exceptions.ResourceExistsException:
    arn = sm.put_secret_value(SecretId=name, SecretString=os.environ["SECRET_VALUE"])["ARN"]
print(arn)
print(f"moto: secret {name} ready at {endpoint} (region us-east-1)", file=sys.stderr)
EOF
}

case "${1:-}" in
    start) start ;;
    table) table "${2:-}" ;;
    secret) secret "${2:-}" "${3:-}" ;;
    stop) stop ;;
    *)
        echo "usage: $0 start|table [NAME]|secret NAME VALUE|stop" >&2
        exit 2
        ;;
esac
