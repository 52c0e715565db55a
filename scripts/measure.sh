#!/usr/bin/env bash
# Measures the release binary: size, cold-start time to ready (median of
# runs), and peak RSS under a burst of requests against the simulator.
# Usage: scripts/measure.sh [runs=15] [burst=2000] [concurrency=50]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-15}; burst=${2:-2000}; concurrency=${3:-50}
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --quiet --bin share-resolver --bin graph-sim
bin=target/release/share-resolver
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
sim_port=$(free_port)
SIM_ADDR=127.0.0.1:$sim_port target/release/graph-sim > /dev/null &
sim_pid=$!
trap 'kill $sim_pid ${svc_pid:-} 2>/dev/null || true' EXIT
sleep 0.3

echo "binary: $(stat -c %s "$bin") bytes ($(du -h "$bin" | cut -f1)), stripped: $(strip -o /tmp/share-resolver.stripped "$bin" && stat -c %s /tmp/share-resolver.stripped) bytes"

python3 - "$bin" "$runs" "$sim_port" <<'PY'
import os, socket, statistics, subprocess, sys, time, urllib.request
binary, runs, sim_port = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p
for store, extra in (("memory", {}), ("dynamodb client", {"HYDRATION_TABLE": "hydration", "AWS_REGION": "eu-west-1",
        "AWS_ACCESS_KEY_ID": "x", "AWS_SECRET_ACCESS_KEY": "x", "AWS_EC2_METADATA_DISABLED": "true"})):
    samples = []
    for _ in range(runs):
        port = free_port()
        env = dict(os.environ, LISTEN_ADDR=f"127.0.0.1:{port}", GRAPH_BASE_URL=f"http://127.0.0.1:{sim_port}/v1.0", RUST_LOG="warn", **extra)
        started = time.perf_counter()
        proc = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=0.5).read()
                break
            except Exception:
                time.sleep(0.0005)
        samples.append((time.perf_counter() - started) * 1000)
        proc.terminate(); proc.wait()
    print(f"cold start to ready ({store} store), {runs} runs: median {statistics.median(samples):.1f} ms, min {min(samples):.1f}, max {max(samples):.1f}")
PY

svc_port=$(free_port)
LISTEN_ADDR=127.0.0.1:$svc_port GRAPH_BASE_URL=http://127.0.0.1:$sim_port/v1.0 RUST_LOG=warn "$bin" &
svc_pid=$!
sleep 0.3
python3 - "$svc_port" "$burst" "$concurrency" "$svc_pid" <<'PY'
import base64, json, sys, time, uuid, urllib.request
from concurrent.futures import ThreadPoolExecutor
port, burst, conc, pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
def b64(b): return base64.urlsafe_b64encode(b).decode().rstrip("=")
def token():
    now = int(time.time())
    claims = {"aud": "00000003-0000-0000-c000-000000000000", "tid": str(uuid.uuid4()), "oid": str(uuid.uuid4()),
              "scp": "Files.Read.All", "exp": now + 3600, "iat": now, "nbf": now}
    return ".".join([b64(b'{"typ":"JWT","alg":"RS256"}'), b64(json.dumps(claims).encode()), "c2ln"])
url = "https://contoso.sharepoint.com/:w:/s/Marketing/EaBcDeFgHiJkLmNoPqRsTuVw?e=4f2Kx9"
share = "u!" + b64(url.encode())
tokens = [token() for _ in range(max(1, burst // 4))]
def one(i):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/v1/shares/{share}/driveItem", headers={"authorization": "Bearer " + tokens[i % len(tokens)]})
    try:
        return urllib.request.urlopen(req, timeout=30).status
    except urllib.error.HTTPError as e:
        return e.code
started = time.perf_counter()
with ThreadPoolExecutor(conc) as pool:
    statuses = list(pool.map(one, range(burst)))
elapsed = time.perf_counter() - started
hwm = next(l for l in open(f"/proc/{pid}/status") if l.startswith("VmHWM")).split()[1]
rss = next(l for l in open(f"/proc/{pid}/status") if l.startswith("VmRSS")).split()[1]
ok = sum(s == 200 for s in statuses)
print(f"burst: {burst} requests from {len(tokens)} users, {conc} concurrent: {ok} x 200 in {elapsed:.1f} s ({burst/elapsed:.0f} req/s); service peak RSS {hwm} KiB, RSS after {rss} KiB")
PY
