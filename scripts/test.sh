#!/usr/bin/env bash
# The whole test suite, set-up included: pinned Python tools in .venv (moto,
# cfn-lint, cargo-lambda), a local DynamoDB-compatible server (moto), format
# and lint checks, unit + integration tests, the infra lint and the Lambda
# smoke test under `cargo lambda watch`.
#
# Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tmp

step() { printf '\n==> %s\n' "$*"; }

step "tools (.venv: moto, cfn-lint, cargo-lambda)"
scripts/dev-env.sh

step "local DynamoDB (moto)"
eval "$(scripts/moto.sh start)"
trap 'scripts/moto.sh stop >/dev/null 2>&1 || true' EXIT
echo "TEST_DYNAMODB_ENDPOINT=$TEST_DYNAMODB_ENDPOINT"

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets -D warnings"
cargo clippy --all-targets --quiet -- -D warnings

step "cargo test (unit + integration)"
cargo test --lib --bins --tests --no-fail-fast 2>&1 | tee .tmp/cargo-test.log
cargo_status=${PIPESTATUS[0]}

step "infra lint (cfn-lint)"
scripts/lint-infra.sh

step "Lambda smoke test (cargo lambda watch + invoke)"
scripts/lambda-smoke.sh 2>&1 | tee .tmp/lambda-smoke.log
smoke_status=${PIPESTATUS[0]}

# One closing line over everything that ran.
passed=$(grep -Eo '[0-9]+ passed' .tmp/cargo-test.log .tmp/lambda-smoke.log | awk -F'[: ]' '{s+=$2} END {print s+0}')
failed=$(grep -Eo '[0-9]+ failed' .tmp/cargo-test.log .tmp/lambda-smoke.log | awk -F'[: ]' '{s+=$2} END {print s+0}')
echo
echo "${passed} passed, ${failed} failed"
[ "$cargo_status" -eq 0 ] && [ "$smoke_status" -eq 0 ] && [ "$failed" -eq 0 ]
