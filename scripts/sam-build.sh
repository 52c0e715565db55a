#!/usr/bin/env bash
# The deploy path of infra/README.md, checked offline (no AWS account, no
# credentials, nothing downloaded): what `sam build && sam deploy` ships.
#
#   1. the template tests (pytest tests/infra: the alias, the canary and its
#      rollback alarms, the alarm topic, the alarms, the README's tables,
#      Cargo.toml's cargo-lambda deploy settings; the rendered template
#      cfn-lint clean);
#   2. `sam validate` (the SAM transform runs) and `sam validate --lint`;
#   3. `sam build` from infra/ with its samconfig.toml (beta features on),
#      for Architecture=x86_64 (this machine cannot install the arm64 standard
#      library): BuildMethod rust-cargolambda runs `cargo lambda build
#      --release --bin share-resolver` in the repository root;
#   4. the built artefact: .aws-sam/build/ResolverFunction holds one
#      executable `bootstrap` for the architecture;
#   5. scripts/lambda-zip.sh with ZIP_SAME_AS=that bootstrap: its `cargo
#      lambda build --release --x86-64 --output-format zip` finds sam build's
#      compilation fresh (same target, profile and flags) and only packs the
#      zip, whose bootstrap must be byte-identical to sam build's; that
#      bootstrap then answers every event of events/expected.tsv under a
#      Lambda runtime API. One release build serves both deploy paths.
#
# Usage: scripts/sam-build.sh     Ends with "N passed, N failed" for steps
# 1 to 4 (each test and check counts one); lambda-zip.sh prints its own.
# Knobs: SAM_VALIDATE_ONLY=1 stops after step 2 (no build).
# Tools: .venv of the repository (scripts/dev-env.sh): sam, pytest,
# cargo-lambda. Output: .tmp/sam-build/*.log, infra/.aws-sam/ (ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

readonly OUT=.tmp/sam-build
readonly ARCH=x86_64
readonly REGION=us-east-1
readonly BUILT=infra/.aws-sam/build
mkdir -p "$OUT"
rm -f "$OUT"/*.log "$OUT"/*.xml

passed=0
failed=0
started=$SECONDS
summary() { say "${passed} passed, ${failed} failed (in $((SECONDS - started)) s)"; }
pass() { say "ok $*"; passed=$((passed + 1)); }
fail() { say "FAIL $*"; failed=$((failed + 1)); }

[ -x .venv/bin/sam ] && [ -x .venv/bin/pytest ] || {
    fail "setup: .venv/bin/sam or .venv/bin/pytest missing (run scripts/dev-env.sh)"
    summary
    exit 1
}
export PATH="$PWD/.venv/bin:$PATH"
pinned=$(sed -n 's/^aws-sam-cli==\([^ ]*\).*/\1/p' requirements-dev.txt)
version=$(sam --version | awk '{print $NF}')
if [ "$version" != "$pinned" ]; then
    fail "setup: .venv has SAM CLI $version, requirements-dev.txt pins $pinned (run scripts/dev-env.sh)"
    summary
    exit 1
fi
say "SAM CLI $version, $(cargo lambda --version 2>&1 | head -n 1)"

# No telemetry, no credentials, no profile: nothing here may need AWS.
offline() {
    env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN \
        -u AWS_PROFILE -u AWS_DEFAULT_PROFILE \
        AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null \
        SAM_CLI_TELEMETRY=0 "$@" </dev/null
}

# --- 1. template tests -----------------------------------------------------------
set +e
offline .venv/bin/pytest -q -p no:cacheprovider --junitxml="$OUT/pytest.xml" tests/infra >"$OUT/pytest.log" 2>&1
pytest_status=$?
set -e
read -r tests bad < <(python3 - "$OUT/pytest.xml" <<'PY' || echo "0 1"
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
tests = sum(int(s.get("tests", 0)) - int(s.get("skipped", 0)) for s in suites)
bad = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
print(tests - bad, bad)
PY
)
passed=$((passed + tests))
failed=$((failed + bad))
if [ "$pytest_status" -eq 0 ] && [ "$bad" -eq 0 ] && [ "$tests" -gt 0 ]; then
    say "ok template tests: $tests passed (pytest tests/infra)"
else
    [ "$bad" -gt 0 ] || failed=$((failed + 1))
    say "FAIL template tests: $bad failed (pytest exit $pytest_status; log $OUT/pytest.log)"
    grep -E "^(FAILED|ERROR)" "$OUT/pytest.log" | head -n 20 || tail -n 20 "$OUT/pytest.log"
fi

# --- 2. sam validate ---------------------------------------------------------------
if (cd infra && offline sam validate --region "$REGION") >"$OUT/validate.log" 2>&1; then
    pass "sam validate: the SAM transform accepts infra/template.yaml"
else
    fail "sam validate (log $OUT/validate.log)"
    tail -n 20 "$OUT/validate.log"
fi
if (cd infra && offline sam validate --lint --region "$REGION") >"$OUT/validate-lint.log" 2>&1; then
    pass "sam validate --lint: no cfn-lint match ($REGION)"
else
    fail "sam validate --lint (log $OUT/validate-lint.log)"
    tail -n 20 "$OUT/validate-lint.log"
fi

if [ "${SAM_VALIDATE_ONLY:-}" = 1 ]; then
    summary
    [ "$failed" -eq 0 ]
    exit
fi

# --- 3. sam build --------------------------------------------------------------------
rm -rf "$BUILT"
build_started=$SECONDS
if (cd infra && offline sam build --parameter-overrides "Architecture=$ARCH") >"$OUT/build.log" 2>&1; then
    pass "sam build (Architecture=$ARCH, BuildMethod rust-cargolambda) in $((SECONDS - build_started)) s"
else
    fail "sam build (log $OUT/build.log)"
    tail -n 30 "$OUT/build.log"
    summary
    exit 1
fi

# --- 4. the built artefact -----------------------------------------------------------
if .venv/bin/python - "$BUILT" "$ARCH" >"$OUT/artefact.log" 2>&1 <<'PY'; then
import os, sys
from samtranslator.yaml_helper import yaml_parse
built, arch = sys.argv[1], sys.argv[2]
template = yaml_parse(open(os.path.join(built, "template.yaml")).read())
fn = template["Resources"]["ResolverFunction"]["Properties"]
code = os.path.join(built, fn["CodeUri"])
assert os.listdir(code) == ["bootstrap"], f"{code} holds {os.listdir(code)}, expected only bootstrap"
assert fn["Handler"] == "bootstrap" and fn["Runtime"] == "provided.al2023", (fn["Handler"], fn["Runtime"])
path = os.path.join(code, "bootstrap")
assert os.access(path, os.X_OK), f"{path} is not executable"
header = open(path, "rb").read(20)
machine = {0x3E: "x86_64", 0xB7: "arm64"}.get(int.from_bytes(header[18:20], "little"))
assert header[:4] == b"\x7fELF" and header[4] == 2, "not a 64-bit ELF"
assert machine == arch, f"bootstrap is for {machine}, the build was for {arch}"
print(f"{path}: {os.path.getsize(path)} bytes, ELF {machine}")
PY
    pass "artefact: $(cat "$OUT/artefact.log")"
else
    fail "artefact: $(tail -n 1 "$OUT/artefact.log")"
fi
summary
sam_failed=$failed

# --- 5. the same bootstrap in the zip, under a Lambda runtime API -------------------
say "scripts/lambda-zip.sh with ZIP_SAME_AS=$BUILT/ResolverFunction/bootstrap"
zip_status=0
ZIP_SAME_AS="$BUILT/ResolverFunction/bootstrap" scripts/lambda-zip.sh || zip_status=$?
[ "$sam_failed" -eq 0 ] && [ "$zip_status" -eq 0 ]
