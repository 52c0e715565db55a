#!/usr/bin/env bash
# The web suite, set-up included, on a fresh Debian machine: Chromium from
# Debian (never a downloaded browser build), web/'s pinned npm packages from
# the committed lockfile, the two binaries, then a check that the committed
# client build (web/client/dist) is what tsc makes of the source, the client
# tests (node --test, against the real service and simulator) and the browser
# tests (playwright-core driving /usr/bin/chromium, real CORS).
#
# Usage: scripts/web-test.sh   (honours CARGO_TARGET_DIR; ends with "N passed, N failed")
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tmp

step() { printf '\n==> %s\n' "$*"; }
sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

step "system packages (chromium, node)"
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs npm)
if [ "${#missing[@]}" -gt 0 ]; then
  sudo_if_needed apt-get update
  sudo_if_needed apt-get install -y "${missing[@]}"
fi
/usr/bin/chromium --version 2>/dev/null || true
echo "node $(node --version)"

step "npm ci (web/, from the committed lockfile)"
npm ci --prefix web --no-audit --no-fund

step "cargo build (share-resolver, graph-sim)"
cargo build --bin share-resolver -p share-resolver --bin graph-sim -p graph-sim

step "client build is up to date (tsc; committed web/client/dist)"
npm --prefix web run build
git diff --exit-code -- web/client/dist
untracked=$(git ls-files --others --exclude-standard -- web/client/dist)
if [ -n "$untracked" ]; then
  echo "untracked build output, commit it: $untracked" >&2
  exit 1
fi

step "client tests and browser tests (node --test)"
status=0
(cd web && node --test --test-reporter=tap --test-concurrency=1 \
  test/client.test.mjs test/browser.test.mjs) 2>&1 | tee .tmp/web-test.log || status=$?

passed=$(grep -Eo '^# pass [0-9]+' .tmp/web-test.log | awk '{s+=$3} END {print s+0}')
failed=$(grep -Eo '^# fail [0-9]+' .tmp/web-test.log | awk '{s+=$3} END {print s+0}')
echo
echo "screenshots: .tmp/screenshots/"
echo "${passed} passed, ${failed} failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
