#!/usr/bin/env bash
# Runs each fuzz target for SECONDS (default 60), one after the other, and prints what each
# found: executions, executions per second, coverage, and any crash, timeout or OOM input.
#
#   fuzz/run.sh 300               # both targets, 300 s each
#   fuzz/run.sh 300 parsers       # one target
#
# Each run is `RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none <target> <work> corpus/<target>
# -- -max_total_time=SECONDS -dict=<target>.dict ...`: libFuzzer reads the committed seeds
# (fuzz/corpus/<target>) and writes what it adds to fuzz/target/corpus/<target> (kept between
# runs, never committed). Crashes land in fuzz/artifacts/<target>/; reproduce one with
# `RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none <target> fuzz/artifacts/<target>/<file>`.
# Needs cargo-fuzz (`cargo install cargo-fuzz`); RUSTC_BOOTSTRAP=1 lets stable Rust take the
# nightly flags it passes. No sanitizer by default (`--sanitizer none`): the library forbids
# unsafe code, the targets look for panics and broken promises, and AddressSanitizer costs
# 4-5x the executions; SANITIZER=address turns it back on.
set -uo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(rpc parsers)
sanitizer="${SANITIZER:-none}"

export RUSTC_BOOTSTRAP=1
logs=fuzz/target/logs
mkdir -p "$logs"
found=0
summary=()

for target in "${targets[@]}"; do
    work="fuzz/target/corpus/$target"
    mkdir -p "$work" "fuzz/artifacts/$target"
    log="$logs/$target.log"
    before=$(ls "fuzz/artifacts/$target" | sort)
    echo "== $target: ${seconds}s (log: $log)"
    cargo fuzz run --sanitizer "$sanitizer" "$target" "$work" "fuzz/corpus/$target" -- \
        -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
        -dict="fuzz/$target.dict" >"$log" 2>&1
    status=$?
    after=$(ls "fuzz/artifacts/$target" | sort)
    new=$(comm -13 <(echo "$before") <(echo "$after") | sed '/^$/d')

    # libFuzzer's last status line (`#N DONE cov: … ft: … corp: …`, or the last `#N …` line
    # before a crash) and its final stats.
    last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
    cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
    ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
    corp=$(sed -nE 's/.* corp: ([0-9]+\/[0-9a-zA-Z]+).*/\1/p' <<<"$last")
    execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "$log" | tail -n 1)
    rate=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+)/\1/p' "$log" | tail -n 1)
    [ -n "$execs" ] || execs=$(sed -nE 's/^Done ([0-9]+) runs.*/\1/p' "$log" | tail -n 1)
    line="$target: ${execs:-?} executions, ${rate:-?} exec/s, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}"
    if [ -n "$new" ]; then
        found=1
        line="$line; FOUND (exit $status):"
        for file in $new; do
            line="$line fuzz/artifacts/$target/$file"
        done
        echo "-- $target: what libFuzzer said"
        grep -E 'panicked at|ERROR: libFuzzer|SUMMARY|deadly signal|timeout|out-of-memory' "$log" | head -n 20
    elif [ "$status" -ne 0 ]; then
        found=1
        line="$line; FAILED (exit $status), see $log"
        tail -n 30 "$log"
    else
        line="$line; nothing found"
    fi
    summary+=("$line")
done

echo "== summary (${seconds}s per target)"
printf '%s\n' "${summary[@]}"
exit "$found"
