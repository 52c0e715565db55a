#!/usr/bin/env bash
# Creates the project-local .venv with the pinned tools of requirements-dev.txt
# (moto, cfn-lint, cargo-lambda, schemathesis, aws-sam-cli, pytest). Idempotent and quick when nothing changed: a
# stamp holds the hash of the requirements and of the venv's Python, and pip
# runs only when that hash differs (a failed install leaves no stamp).
#
# Usage: scripts/dev-env.sh          Needs: python3 (>= 3.9) with venv; no sudo.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly venv=.venv
readonly requirements=requirements-dev.txt
readonly stamp=$venv/.requirements.sha256

# What the installed set depends on: the pins and the interpreter they run on
# (a system Python upgrade breaks a venv's site-packages).
wanted() {
    { cat "$requirements"; "$venv/bin/python" -c 'import sys; print(sys.version)'; } | sha256sum | cut -d' ' -f1
}

if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(wanted 2>/dev/null)" ]; then
    echo "dev-env: $venv is up to date"
    exit 0
fi

command -v python3 >/dev/null || { echo "dev-env: python3 is required" >&2; exit 2; }
python3 -c 'import sys; sys.exit(sys.version_info < (3, 9))' \
    || { echo "dev-env: python3 >= 3.9 is required, found $(python3 --version 2>&1)" >&2; exit 2; }

if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -m pip --version >/dev/null 2>&1; then
    # --clear: a half-made or stale venv (e.g. an interrupted first run) is rebuilt.
    if ! python3 -m venv --clear "$venv"; then
        echo "dev-env: 'python3 -m venv' failed; on Debian/Ubuntu the venv module is the python3-venv package" >&2
        exit 2
    fi
fi

rm -f "$stamp"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --require-virtualenv -r "$requirements"
wanted > "$stamp"

"$venv/bin/python" - <<'EOF'
from importlib.metadata import version
print("dev-env: .venv ready: " + ", ".join(f"{p} {version(p)}" for p in ("moto", "cfn-lint", "cargo-lambda", "schemathesis", "aws-sam-cli", "pytest")))
EOF
