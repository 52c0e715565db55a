#!/usr/bin/env bash
# Lints the SAM template infra/template.yaml with cfn-lint (pinned 1.58.0),
# offline and without AWS credentials. Errors AND warnings fail the run.
#
# cfn-lint 1.x validates SAM resources against SAM's own schemas (it no longer
# runs the SAM transform), so it needs neither AWS nor aws-sam-translator.
#
# Usage: scripts/lint-infra.sh [template...]   (default: infra/template.yaml)
# Tools: .venv/bin/cfn-lint of the repository (scripts/dev-env.sh), else PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly PINNED=1.58.0
# Regions the stack is meant for; arm64 + provided.al2023 exist in all.
readonly REGIONS=(us-east-1 eu-west-1)

if [ -x .venv/bin/cfn-lint ]; then
    cfn_lint=.venv/bin/cfn-lint
elif command -v cfn-lint >/dev/null 2>&1; then
    cfn_lint=$(command -v cfn-lint)
else
    echo "lint-infra: cfn-lint not found (run scripts/dev-env.sh to create .venv)" >&2
    exit 2
fi

version=$("$cfn_lint" --version 2>&1 | awk '{print $NF}')
if [ "$version" != "$PINNED" ]; then
    echo "lint-infra: $cfn_lint is cfn-lint $version, the project pins $PINNED (run scripts/dev-env.sh)" >&2
    exit 2
fi

templates=("$@")
[ ${#templates[@]} -gt 0 ] || templates=(infra/template.yaml)

# No credentials, profile or config file reach cfn-lint: it must not need them.
if env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN \
    -u AWS_PROFILE -u AWS_DEFAULT_PROFILE \
    AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
    "$cfn_lint" --non-zero-exit-code warning --format parseable \
    --regions "${REGIONS[@]}" -- "${templates[@]}"; then
    echo "lint-infra: ok: cfn-lint $version found no errors or warnings in ${templates[*]} (regions ${REGIONS[*]})"
else
    status=$?
    echo "lint-infra: FAILED: cfn-lint $version reported errors or warnings in ${templates[*]} (exit $status)" >&2
    exit 1
fi
