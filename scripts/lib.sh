# Shared helpers of the scripts that run the service and the simulator as
# background processes (lambda-smoke.sh, lambda-zip.sh, api-fuzz.sh).
# Sourced, not run: `. scripts/lib.sh` from the repository root.

say() { printf '%s\n' "$*"; }

# Runs a command in the background, in its own session where setsid exists,
# so that `stop` reaches everything it starts. `$!` is its pid.
spawn() {
    if command -v setsid >/dev/null 2>&1; then
        setsid "$@" &
    else
        "$@" &
    fi
}

# Stops a background process started by `spawn` and everything it started
# (its process group is its pid): TERM, up to 5 s, then KILL.
stop() {
    local pid=$1
    [ -n "$pid" ] || return 0
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# Prints the last lines of each non-empty log given (why a step failed).
show_logs() {
    local log
    for log in "$@"; do
        [ -s "$log" ] && { say "--- last lines of $log"; tail -n 25 "$log"; }
    done
    return 0
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Polls a command every $POLL_INTERVAL s (default 0.2) until it succeeds (0),
# the process `pid` dies (2), or `seconds` pass (1).
wait_for() {
    local seconds=$1 pid=$2
    shift 2
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        kill -0 "$pid" 2>/dev/null || return 2
        [ "$SECONDS" -lt "$deadline" ] || return 1
        sleep "${POLL_INTERVAL:-0.2}"
    done
}

http_ok() {
    python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$1"
}

port_open() {
    python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=1).close()' "$1"
}
