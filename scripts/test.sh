#!/usr/bin/env bash
# The whole test suite, set-up included, on a fresh machine: pinned Python
# tools in .venv (moto, cfn-lint, cargo-lambda, schemathesis, aws-sam-cli,
# pytest), a local DynamoDB and Secrets Manager (moto), format and lint
# checks, every Rust test (the DynamoDB ones too: they are #[ignore]d for a
# plain `cargo test`), a short fault soak (scripts/soak.sh --short), the
# infra lint, the Lambda smoke test under `cargo lambda watch`, the deploy
# path (template tests, sam validate --lint, sam build, and the built
# bootstrap, which is also the deployable zip's, under a Lambda runtime
# API), that bootstrap's measures and its bursts (2,000 requests; 500
# pages of 20 links as batches: scripts/measure.sh), the web client and
# browser tests (Chromium from Debian), and API fuzzing from the OpenAPI
# document.
#
# Usage: scripts/test.sh            Ends with one line: "N passed, N failed".
# Knobs: SKIP_WEB=1, SKIP_API_FUZZ=1 skip those stages (local use);
# SKIP_ZIP=1 skips the release build: the SAM stage then only runs the
# template tests and sam validate.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tmp
logs=()

step() { printf '\n==> %s\n' "$*"; }

step "tools (.venv: moto, cfn-lint, cargo-lambda, schemathesis, aws-sam-cli, pytest)"
scripts/dev-env.sh

step "local DynamoDB and Secrets Manager (moto)"
eval "$(scripts/moto.sh start)"
trap 'scripts/moto.sh stop >/dev/null 2>&1 || true' EXIT
echo "TEST_DYNAMODB_ENDPOINT=$TEST_DYNAMODB_ENDPOINT (Secrets Manager on the same endpoint)"

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy --all-targets -D warnings (workspace)"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "cargo test (workspace: unit, integration over HTTP, DynamoDB and Secrets Manager against moto)"
status=0
# The obo secret test reads OBO_CLIENT_SECRET_ARN through aws-sdk-secretsmanager:
# the SDK's standard endpoint variable sends it to moto. Only for this stage,
# so that nothing else (sam, the smoke test) is pointed at moto by accident.
AWS_ENDPOINT_URL_SECRETS_MANAGER=$TEST_DYNAMODB_ENDPOINT \
    cargo test --workspace --no-fail-fast -- --include-ignored 2>&1 | tee .tmp/cargo-test.log || status=$?
logs+=(.tmp/cargo-test.log)

step "short fault soak (scripts/soak.sh --short: 2,000 requests, Graph and DynamoDB faults, forged tokens)"
# The unoptimised build the stage above made, against its moto; the full,
# optimised soak is scripts/soak.sh run by hand. Ends "N passed, N failed".
scripts/soak.sh --short 2>&1 | tee .tmp/soak.log || status=$?
logs+=(.tmp/soak.log)

step "infra lint (cfn-lint)"
scripts/lint-infra.sh

step "Lambda smoke test (cargo lambda watch + invoke)"
scripts/lambda-smoke.sh 2>&1 | tee .tmp/lambda-smoke.log || status=$?
logs+=(.tmp/lambda-smoke.log)

step "deploy path: template tests, sam validate --lint, sam build (x86_64); its bootstrap = the zip's, under a Lambda runtime API"
# One release build: sam build's; lambda-zip.sh's cargo lambda build finds it fresh.
SAM_VALIDATE_ONLY=${SKIP_ZIP:-} scripts/sam-build.sh 2>&1 | tee .tmp/sam-build.log || status=$?
logs+=(.tmp/sam-build.log)

step "artefact measures and two bursts (scripts/measure.sh 5 2000 50: 2,000 requests from 500 new guests with signed tokens, then 500 more guests' pages of 20 links as one \$batch each)"
# The release bootstrap sam build made (the deployable one), against the
# smoke stage's simulator build; with SKIP_ZIP=1 there is none, and the
# debug build's burst still gates (its size, start-up and RSS are not the
# figures: the targets line is informative). Fails under 99 % of a burst's
# links answered 200.
measure_bin=infra/.aws-sam/build/ResolverFunction/bootstrap
[ "${SKIP_ZIP:-}" = 1 ] && measure_bin=target/debug/share-resolver
SKIP_BUILD=1 MEASURE_BIN=$measure_bin MEASURE_SIM=target/debug/graph-sim \
    scripts/measure.sh 5 2000 50 2>&1 | tee .tmp/measure.log || status=$?
logs+=(.tmp/measure.log)

if [ "${SKIP_WEB:-}" != 1 ]; then
    step "web client and browser tests"
    scripts/web-test.sh 2>&1 | tee .tmp/web.log || status=$?
    logs+=(.tmp/web.log)
fi

if [ "${SKIP_API_FUZZ:-}" != 1 ]; then
    step "API fuzzing from the OpenAPI document (schemathesis)"
    # The suite is a gate, so it replays one seed: a red run is then the
    # change's doing and reproducible. Explore with new seeds by running
    # scripts/api-fuzz.sh alone (random seed, printed) or API_FUZZ_SEED=random.
    seed=${API_FUZZ_SEED:-43713044070543940152465314559277439784}
    [ "$seed" = random ] && seed=
    API_FUZZ_SEED=$seed scripts/api-fuzz.sh 2>&1 | tee .tmp/api-fuzz.log || status=$?
    logs+=(.tmp/api-fuzz.log)
fi

# One closing line over everything that ran: cargo's "test result" lines
# and each script's own "N passed, N failed" line.
sum() {
    grep -hEo "(^test result: .*|^[0-9]+ passed, [0-9]+ failed.*)" "${logs[@]}" \
        | grep -Eo "[0-9]+ $1" | awk '{s+=$1} END {print s+0}'
}
passed=$(sum passed)
failed=$(sum failed)
echo
echo "${passed} passed, ${failed} failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
