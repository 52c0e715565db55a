#!/usr/bin/env bash
# Coverage-guided fuzzing of the parsers (cargo-fuzz + libFuzzer, nightly).
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
#   SECONDS_PER_TARGET  default 600 (10 minutes per target)
#   TARGET              default: every target in fuzz/fuzz_targets/
#
# Each target runs with one job (-jobs=1 -workers=1) for the given time,
# growing fuzz/corpus/<target>/; the corpus is then minimised (cargo fuzz
# cmin) so that what is committed stays small. Crashing inputs land in
# fuzz/artifacts/<target>/, where tests/fuzz_corpus.rs replays them on stable
# until fixed. Per-target logs and a summary table go to .tmp/fuzz/.
#
# Environment:
#   FUZZ_SANITIZER  libFuzzer build sanitizer (default none: the code under
#                   test is safe Rust; `address` for the unsafe in deps)
#   FUZZ_CMIN       0 to keep the grown corpus as it is (default 1)
#   FUZZ_BUILD_JOBS cargo build jobs (default 1: the machine is shared)
#
# Exits non-zero when any target crashed (or failed to run).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

seconds=${1:-600}
shift || true
case "$seconds" in
'' | *[!0-9]*)
    echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]" >&2
    exit 2
    ;;
esac
sanitizer=${FUZZ_SANITIZER:-none}
export CARGO_BUILD_JOBS=${FUZZ_BUILD_JOBS:-1}

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    targets=()
    for f in fuzz/fuzz_targets/*.rs; do
        targets+=("$(basename "$f" .rs)")
    done
fi
for t in "${targets[@]}"; do
    if [ ! -f "fuzz/fuzz_targets/$t.rs" ]; then
        echo "no fuzz target '$t' (see fuzz/fuzz_targets/)" >&2
        exit 2
    fi
done

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "a nightly toolchain is needed: rustup toolchain install nightly" >&2
    exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "==> installing cargo-fuzz (cargo install cargo-fuzz --locked)"
    cargo install cargo-fuzz --locked
fi

out=.tmp/fuzz
mkdir -p "$out"
fuzz=(cargo +nightly fuzz)
common=(--fuzz-dir "$root/fuzz" --sanitizer "$sanitizer")

echo "==> building ${#targets[@]} target(s) (sanitizer: $sanitizer)"
"${fuzz[@]}" build "${common[@]}"

# The last figure libFuzzer reports: its final stats, else "Done N runs",
# else the last status line ("#N ...").
executions() {
    local log=$1 n
    n=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -1)
    [ -n "$n" ] || n=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -1)
    [ -n "$n" ] || n=$(sed -n 's/^#\([0-9]*\)[[:space:]].*/\1/p' "$log" | tail -1)
    echo "${n:-0}"
}

artifacts() { # crash-, leak-, oom- and timeout- files of a target
    [ -d "fuzz/artifacts/$1" ] || return 0
    find "fuzz/artifacts/$1" -maxdepth 1 -type f \
        \( -name 'crash-*' -o -name 'leak-*' -o -name 'oom-*' -o -name 'timeout-*' \) | sort
}

# Minimises a target's corpus to a small set with the same edge coverage
# (set cover, hit counts ignored), keeping the hand-written seed-* inputs
# under their names.
minimise() {
    local t=$1 log=$2 corpus="fuzz/corpus/$1" keep s
    keep=$(mktemp -d "$out/seeds.XXXXXX")
    find "$corpus" -maxdepth 1 -type f -name 'seed-*' -exec cp {} "$keep/" \;
    "${fuzz[@]}" cmin "${common[@]}" "$t" -- -set_cover_merge=1 -use_counters=0 \
        -rss_limit_mb=2048 -timeout=10 >>"$log" 2>&1 || echo "    (cmin failed, see $log)"
    for s in "$keep"/seed-*; do
        [ -f "$s" ] || continue
        rm -f "$corpus/$(sha1sum "$s" | cut -d' ' -f1)" # cmin's copy of it
        cp "$s" "$corpus/"
    done
    rm -rf "$keep"
}

summary="$out/summary.txt"
rows=()
failed=0
started=$(date +%s)
for t in "${targets[@]}"; do
    log="$root/$out/$t.log"
    work="$out/$t.run" # libFuzzer's -jobs mode writes fuzz-0.log to the cwd
    rm -rf "$work"
    mkdir -p "$work" "fuzz/corpus/$t"
    before=$(artifacts "$t")
    inputs_before=$(find "fuzz/corpus/$t" -type f | wc -l)
    echo "==> $t: ${seconds}s"
    t0=$(date +%s)
    set +e
    (cd "$work" && "${fuzz[@]}" run "${common[@]}" "$t" -- \
        -max_total_time="$seconds" -jobs=1 -workers=1 -rss_limit_mb=2048 \
        -timeout=10 -print_final_stats=1) >"$log" 2>&1
    status=$?
    set -e
    elapsed=$(($(date +%s) - t0))
    # The parent copies the job's log into its own output when the job ends.
    if [ -f "$work/fuzz-0.log" ] && ! grep -q '^=* Job 0 exited' "$log"; then
        cat "$work/fuzz-0.log" >>"$log"
    fi
    rm -rf "$work"
    execs=$(executions "$log")
    new=$(comm -13 <(printf '%s\n' "$before") <(artifacts "$t") | sed '/^$/d')
    crashes=$(printf '%s' "$new" | grep -c . || true)
    if [ "$status" -ne 0 ] && [ "$crashes" -eq 0 ]; then
        result="error (exit $status, see $out/$t.log)"
        failed=1
    elif [ "$crashes" -gt 0 ]; then
        result="CRASH"
        failed=1
    else
        result="ok"
    fi
    if [ "${FUZZ_CMIN:-1}" != 0 ] && [ "$crashes" -eq 0 ] && [ "$status" -eq 0 ]; then
        minimise "$t" "$log"
    fi
    inputs=$(find "fuzz/corpus/$t" -type f | wc -l)
    echo "    $execs executions in ${elapsed}s, $crashes crash(es), corpus $inputs_before -> $inputs: $result"
    for a in $new; do echo "    artifact: $a"; done
    rows+=("$(printf '%-18s %8ss %14s %8s %8s  %s' "$t" "$elapsed" "$execs" "$crashes" "$inputs" "$result")")
done

{
    echo "fuzz run $(date -u +%Y-%m-%dT%H:%M:%SZ), ${seconds}s per target, sanitizer $sanitizer, $(($(date +%s) - started))s in all"
    printf '%-18s %9s %14s %8s %8s  %s\n' target time executions crashes corpus result
    printf '%s\n' "${rows[@]}"
} >"$summary"
echo
cat "$summary"
if [ "$failed" -ne 0 ]; then
    echo "a target crashed or failed: reproduce with cargo +nightly fuzz run --fuzz-dir fuzz -s $sanitizer <target> fuzz/artifacts/<target>/<file>" >&2
    exit 1
fi
