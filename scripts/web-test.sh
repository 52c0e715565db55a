#!/usr/bin/env bash
# The web suite, set-up included, on a fresh Debian machine: Chromium from
# Debian (never a downloaded browser build), web/'s pinned npm packages from
# the committed lockfile, the two binaries, then checks that the generated
# types match docs/openapi.json and that the committed client build
# (web/client/dist) is what tsc makes of the source, what `npm pack` would
# publish, and the tests: the package (pack file list, the tarball installed
# and type-checked in a scratch project, sizes), the retry decision, the
# client against the real service and simulator (Microsoft's Graph JS client
# too, pointed at the service), and the example pages (plain
# and React) in playwright-core driving /usr/bin/chromium, real CORS.
#
# Usage: scripts/web-test.sh   (honours CARGO_TARGET_DIR; ends with "N passed, N failed")
#        GRAPH_SIM_BIN=… SHARE_RESOLVER_BIN=… scripts/web-test.sh   (prebuilt binaries: no cargo build)
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

if [ -n "${GRAPH_SIM_BIN:-}" ] && [ -n "${SHARE_RESOLVER_BIN:-}" ]; then
  step "binaries given: $SHARE_RESOLVER_BIN, $GRAPH_SIM_BIN (no cargo build)"
  [ -x "$SHARE_RESOLVER_BIN" ] && [ -x "$GRAPH_SIM_BIN" ]
else
  step "cargo build (share-resolver, graph-sim)"
  cargo build --bin share-resolver -p share-resolver --bin graph-sim -p graph-sim
fi

step "client build is up to date (tsc; committed web/client/dist)"
npm --prefix web run build
git diff --exit-code -- web/client/dist
untracked=$(git ls-files --others --exclude-standard -- web/client/dist)
if [ -n "$untracked" ]; then
  echo "untracked build output, commit it: $untracked" >&2
  exit 1
fi

step "generated types match docs/openapi.json (openapi-typescript)"
node web/scripts/gen-types.mjs --check

step "npm pack (web/client): what would be published"
(cd web/client && npm pack --dry-run 2>&1 | sed -n '/Tarball Contents/,/Tarball Details/p')

step "package, retry, client and browser tests (node --test)"
status=0
(cd web && node --test --test-reporter=tap --test-concurrency=1 \
  test/package.test.mjs test/retry.test.mjs test/client.test.mjs test/instance.test.mjs \
  test/graph-client.test.mjs test/browser.test.mjs test/shared.test.mjs test/react.test.mjs) 2>&1 | tee .tmp/web-test.log || status=$?

passed=$(grep -Eo '^# pass [0-9]+' .tmp/web-test.log | awk '{s+=$3} END {print s+0}')
failed=$(grep -Eo '^# fail [0-9]+' .tmp/web-test.log | awk '{s+=$3} END {print s+0}')
echo
echo "screenshots: .tmp/screenshots/"
echo "${passed} passed, ${failed} failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
