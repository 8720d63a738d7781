#!/usr/bin/env bash
# Stock `mdbook build` (with its elasticlunr search) against `qbank build` (with qbank's
# search) on the same generated bank, side by side, in one run:
#   wall time, peak RSS, total search index bytes, and bytes the browser downloads for the
#   first query of three sample queries (headless Chromium), plus qbank's warm query time.
# Usage: benches/search-vs-mdbook.sh [QUESTIONS]     (default 10000; needs chromium, node)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-10000}"
WORK=target/bench-search
mkdir -p "$WORK"

# Stock mdBook 0.5.4, the version qbank builds on.
MDBOOK="$(command -v mdbook || true)"
if [ -z "$MDBOOK" ] || ! "$MDBOOK" --version | grep -q 'v0.5'; then
    cargo install --locked --quiet mdbook --version 0.5.4 --root "$WORK/tools"
    MDBOOK="$WORK/tools/bin/mdbook"
fi
cargo build --release --quiet --bin qbank --example gen-bank
[ -d tests/browser/node_modules/playwright-core ] ||
    (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)

rm -rf "$WORK/bank" "$WORK/stock" "$WORK/qbank-site"
target/release/examples/gen-bank "$WORK/bank" "$N"
cp -r "$WORK/bank" "$WORK/stock"
sed -i '/^\[preprocessor.qbank\]/d' "$WORK/stock/book.toml"

measure() { # label, command...; prints "wall rss_kb"
    /usr/bin/time -f '%e %M' -o "$WORK/time.txt" "${@:2}" >/dev/null 2>"$WORK/$1.log" || {
        cat "$WORK/$1.log" >&2
        exit 1
    }
    cat "$WORK/time.txt"
}
stock_time=$(measure stock "$MDBOOK" build "$WORK/stock" -d "$(pwd)/$WORK/stock-site")
qbank_time=$(measure qbank target/release/qbank build "$WORK/bank" -d "$WORK/qbank-site")
read -r s_wall s_rss <<<"$stock_time"
read -r q_wall q_rss <<<"$qbank_time"
s_index=$(cat "$WORK"/stock-site/searchindex*.js | wc -c)
q_index=$(cat "$WORK"/qbank-site/qbank/search/*.js | wc -c)

QUERIES=("限流算法" "Kafka 分区" "goroutine")
stock_site="$(cd "$WORK/stock-site" && pwd)"
qbank_site="$(cd "$WORK/qbank-site" && pwd)"
s_dl=$(cd tests/browser && node bench/first-query.mjs "$stock_site" "${QUERIES[@]}")
q_dl=$(cd tests/browser && node bench/first-query.mjs "$qbank_site" "${QUERIES[@]}")

python3 - "$N" "$s_wall" "$s_rss" "$q_wall" "$q_rss" "$s_index" "$q_index" "$s_dl" "$q_dl" "$(du -sb "$WORK/bank/src" | cut -f1)" <<'PY'
import json, sys
n, sw, sr, qw, qr, si, qi, sdl, qdl, md = sys.argv[1:]
sw, qw, sr, qr, si, qi = float(sw), float(qw), int(sr), int(qr), int(si), int(qi)
sdl, qdl = json.loads(sdl), json.loads(qdl)
mb = lambda b: f"{b / 1e6:.1f} MB"
print(f"bank: {n} questions, {mb(int(md))} of markdown\n")
print(f"{'':34}{'stock mdbook':>16}{'qbank':>16}{'qbank/stock':>14}   target")
print(f"{'wall time':34}{sw:>15.2f}s{qw:>15.2f}s{qw / sw:>14.2f}   <= 0.50")
print(f"{'peak RSS':34}{mb(sr * 1024):>16}{mb(qr * 1024):>16}{qr / sr:>14.2f}   <= 0.34")
print(f"{'search index, total':34}{mb(si):>16}{mb(qi):>16}{qi / si:>14.2f}")
for q in sdl:
    s, k = sdl[q], qdl[q]
    print(f"{'first query ' + repr(q) + ', download':34}{mb(s['bytes']):>16}{mb(k['bytes']):>16}{k['bytes'] / max(s['bytes'], 1):>14.2f}   qbank <= 1 MB")
    print(f"{'  results shown':34}{s['results']:>16}{k['results']:>16}")
    if k.get('warm_ms') is not None:
        print(f"{'  query once shards are loaded':34}{'':>16}{k['warm_ms']:>14.1f}ms{'':>14}   <= 100 ms")
PY
