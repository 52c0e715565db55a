#!/usr/bin/env bash
# Creates .venv with the pinned tools of requirements-dev.txt. Idempotent:
# reinstalls only when requirements-dev.txt changed.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=.venv/.requirements.sha256
want=$(sha256sum requirements-dev.txt | cut -d' ' -f1)
if [ -x .venv/bin/python ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  echo ".venv is up to date"
  exit 0
fi
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
echo "$want" > "$stamp"
echo ".venv ready: $(.venv/bin/moto_server --version 2>/dev/null || echo moto), $(.venv/bin/cfn-lint --version), $(.venv/bin/cargo-lambda lambda --version 2>/dev/null || echo cargo-lambda)"
