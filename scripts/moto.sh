#!/usr/bin/env bash
# A local DynamoDB-compatible server (moto) for the tests.
#   scripts/moto.sh start   # prints: export TEST_DYNAMODB_ENDPOINT=http://127.0.0.1:PORT
#   scripts/moto.sh stop
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tmp
pidfile=.tmp/moto.pid
case "${1:-}" in
  start)
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "export TEST_DYNAMODB_ENDPOINT=$(cat .tmp/moto.endpoint)"
      exit 0
    fi
    port=${MOTO_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
    .venv/bin/moto_server -H 127.0.0.1 -p "$port" > .tmp/moto.log 2>&1 &
    echo $! > "$pidfile"
    endpoint="http://127.0.0.1:$port"
    for _ in $(seq 1 100); do
      if python3 -c "import urllib.request,sys; urllib.request.urlopen('$endpoint/moto-api/', timeout=1)" 2>/dev/null; then
        echo "$endpoint" > .tmp/moto.endpoint
        echo "export TEST_DYNAMODB_ENDPOINT=$endpoint"
        exit 0
      fi
      sleep 0.2
    done
    echo "moto did not start; see .tmp/moto.log" >&2
    exit 1
    ;;
  stop)
    if [ -f "$pidfile" ]; then kill "$(cat "$pidfile")" 2>/dev/null || true; rm -f "$pidfile" .tmp/moto.endpoint; fi
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
