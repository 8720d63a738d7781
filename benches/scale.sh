#!/usr/bin/env bash
# Big banks: `qbank build` against stock `mdbook build` 0.5.4 on generated banks of 10,000,
# 50,000 and 100,000 questions, side by side, in one run: wall time, CPU time (user + system),
# peak RSS (from /usr/bin/time), their ratios, and the largest page qbank wrote (no print page
# may pass print-limit). The load average is printed next to every figure: on a shared
# machine wall times are only comparable at similar load; CPU times much less depend on it.
#
# Usage: benches/scale.sh [QUESTIONS...]          (default: 10000 50000 100000)
#   STOCK_MAX=N   skip stock mdBook above N questions (it needs about 80 KB of memory a
#                 question); the ratios are then against the largest size it was run at.
#   NICE=N        niceness of the builds (default 10).
# Needs about 1 GB of disk per 10,000 questions under target/bench-scale.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10000 50000 100000)
STOCK_MAX="${STOCK_MAX:-1000000000}"
NICE="${NICE:-10}"
WORK=target/bench-scale
mkdir -p "$WORK"

# Stock mdBook 0.5.4, the version qbank builds on (as benches/search-vs-mdbook.sh gets it).
MDBOOK="$(command -v mdbook || true)"
if [ -z "$MDBOOK" ] || ! "$MDBOOK" --version | grep -q 'v0.5'; then
    [ -x target/bench-search/tools/bin/mdbook ] ||
        cargo install --locked --quiet mdbook --version 0.5.4 --root target/bench-search/tools
    MDBOOK=target/bench-search/tools/bin/mdbook
fi
cargo build --release --quiet --bin qbank --example gen-bank

load() { cut -d' ' -f1 /proc/loadavg; }
measure() { # label, command...; prints "wall rss_kb cpu load_before"
    local before
    # The previous build's files are still being written back to disk: finish that first, so
    # that neither build pays for the other's writes.
    sync
    sleep 1
    before=$(load)
    /usr/bin/time -f '%e %M %U %S' -o "$WORK/time.txt" nice -n "$NICE" "${@:2}" >/dev/null 2>"$WORK/$1.log" || {
        tail -20 "$WORK/$1.log" >&2
        exit 1
    }
    read -r wall rss user sys <"$WORK/time.txt"
    echo "$wall $rss $(python3 -c "print(round($user + $sys, 2))") $before"
}

rows=()
for n in "${SIZES[@]}"; do
    bank="$WORK/bank-$n"
    rm -rf "$bank" "$WORK/stock" "$WORK/stock-site" "$WORK/qbank-site"
    target/release/examples/gen-bank "$bank" "$n" 2>/dev/null
    md=$(du -sb "$bank/src" | cut -f1)
    q=$(measure "qbank-$n" target/release/qbank build "$bank" -d "$WORK/qbank-site")
    largest=$(find "$WORK/qbank-site" -name '*.html' -printf '%s %P\n' | sort -n | tail -1)
    print=$(stat -c %s "$WORK/qbank-site/print.html")
    records=$(find "$WORK/qbank-site" -name '*.print.html' | wc -l)
    rm -rf "$WORK/qbank-site"
    if [ "$n" -le "$STOCK_MAX" ]; then
        cp -r "$bank" "$WORK/stock"
        sed -i '/^\[preprocessor.qbank\]/d' "$WORK/stock/book.toml"
        s=$(measure "stock-$n" "$MDBOOK" build "$WORK/stock" -d "$(pwd)/$WORK/stock-site")
        rm -rf "$WORK/stock" "$WORK/stock-site"
    else
        s="- - - -"
    fi
    rm -rf "$bank"
    rows+=("$n $md $q $s $print $records $largest")
done

python3 - "$(nproc)" "${rows[@]}" <<'PY'
import sys
cores, rows = sys.argv[1], sys.argv[2:]
mb = lambda b: f"{b / 1e6:,.1f} MB"
print(f"{cores} cores; load = 1-minute load average when the build started\n")
fmt = "{:>9} {:>9} | {:>8} {:>8} {:>5} {:>10} | {:>8} {:>8} {:>5} {:>10} | {:>6} {:>6} {:>6} | {:>9} {:>6}  {}"
print(fmt.format("questions", "markdown", "qbank", "cpu", "load", "RSS", "stock", "cpu", "load", "RSS",
                 "time×", "cpu×", "RSS×", "print.html", "print pages", "largest page"))
last_stock = None
for row in rows:
    n, md, qw, qr, qc, ql, sw, sr, sc, sl, pr, recs, big, bigname = row.split()
    if sw != "-":
        last_stock = (n, float(sw), int(sr), float(sc))
    ratios, vs = ("-", "-", "-"), ""
    if last_stock:
        ratios = (f"{float(qw) / last_stock[1]:.2f}", f"{float(qc) / last_stock[3]:.2f}",
                  f"{int(qr) / last_stock[2]:.2f}")
        if last_stock[0] != n:
            vs = f"  (ratios against stock at {int(last_stock[0]):,})"
    stock = (f"{float(sw):.1f} s", f"{float(sc):.1f} s", sl, mb(int(sr) * 1024)) if sw != "-" else ("not run", "", "", "")
    print(fmt.format(f"{int(n):,}", mb(int(md)), f"{float(qw):.1f} s", f"{float(qc):.1f} s", ql,
                     mb(int(qr) * 1024), *stock, *ratios, mb(int(pr)), recs, f"{mb(int(big))} {bigname}") + vs)
print("\ntargets at 100,000 questions: time× <= 0.30, RSS× <= 0.15")
PY
