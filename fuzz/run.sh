#!/usr/bin/env bash
# Runs every fuzz target for a fixed number of executions and prints, per target, the
# executions done, the time taken and the crashes found. Needs the nightly toolchain and
# cargo-fuzz (`cargo install cargo-fuzz`).
#   fuzz/run.sh                       # 10M record, 2M meta, 2M search (the hardening issue's floor)
#   RECORD_RUNS=100000 OTHER_RUNS=100000 fuzz/run.sh    # a quick smoke run
#   SANITIZER=none TARGETS="meta search" fuzz/run.sh     # faster, without AddressSanitizer
# The record target renders every input twice (sanitized, then trusted to check that no text
# is lost): on a shared machine it runs at hundreds of executions a second, not thousands.
# The seed corpus comes from fuzz/seed.sh plus the committed fuzz/corpus; what the run adds
# stays in $WORK (default /tmp/qbank-fuzz), out of the repository. A crash is written to
# fuzz/artifacts/TARGET/ by libFuzzer: minimize it, add it to fuzz/regressions/TARGET/ and fix it.
set -uo pipefail
cd "$(dirname "$0")/.."
top=$PWD
work=${WORK:-/tmp/qbank-fuzz}
record_runs=${RECORD_RUNS:-10000000}
other_runs=${OTHER_RUNS:-2000000}
mkdir -p "$work"
[ -d "$work/seeds/record" ] || fuzz/seed.sh "$work/seeds" >/dev/null

summary=()
for target in ${TARGETS:-record meta search}; do
    runs=$other_runs
    max_len=${MAX_LEN:-0}
    if [ "$target" = record ]; then
        runs=$record_runs
        # Whole records are seeds, but most bugs need a question or two: shorter inputs run
        # many times faster.
        max_len=${MAX_LEN:-4096}
    fi
    len=()
    [ "$max_len" -gt 0 ] && len=(-max_len="$max_len")
    corpus="$work/corpus/$target"
    mkdir -p "$corpus" "fuzz/artifacts/$target"
    extra=()
    [ -d "fuzz/corpus/$target" ] && extra+=("$top/fuzz/corpus/$target")
    artifacts="$top/fuzz/artifacts/$target"
    before=$(ls "$artifacts" | wc -l)
    log="$work/$target.log"
    start=$(date +%s)
    (cd fuzz && cargo +nightly fuzz run ${SANITIZER:+-s "$SANITIZER"} "$target" "$corpus" "$work/seeds/$target" "${extra[@]}" -- \
        -runs="$runs" "${len[@]}" -dict="$top/fuzz/$target.dict" -print_final_stats=1 \
        -artifact_prefix="$artifacts/") >"$log" 2>&1
    status=$?
    secs=$(( $(date +%s) - start ))
    execs=$(grep -h 'stat::number_of_executed_units' "$log" | awk '{s += $2} END {print s + 0}')
    crashes=$(( $(ls "$artifacts" | wc -l) - before ))
    summary+=("$(printf '%-7s %12s execs  %6ss  exit %s  crashes %s' "$target" "$execs" "$secs" "$status" "$crashes")")
done
echo "== fuzz summary ($(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%s\n' "${summary[@]}"
