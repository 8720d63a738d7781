#!/usr/bin/env bash
# Edit-to-reload of `qbank serve` on the generated bank, next to the full build, in one run.
#
# Builds the bank once with `qbank build` (the full-build time, best of RUNS), then starts
# `qbank serve` on it and, for each kind of edit, saves the file and measures the time from
# the save to the new version being served at /__qbank/version (the signal open tabs reload
# on). Each edit is undone afterwards (also measured, not shown) so the next starts from the
# same bank. Prints each kind's median over RUNS and its ratio to each full build (the
# issue's target is 0.1x for an answer edit; the fresh build is the stricter). "answer
# text" edits an answer that has text; "answer filled" writes one into an empty answer, which
# changes the coverage and progress pages too. "search" is the time the first request for the
# search index then waits for it to be brought up to date (serve defers that job to it).
# Usage: benches/serve-edit.sh [QUESTIONS] [RUNS]    (default 10000 5; Linux, python3)
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-10000}"
RUNS="${2:-5}"
WORK="$(pwd)/target/bench-serve-edit"
rm -rf "$WORK"
mkdir -p "$WORK"
cargo build --release --quiet --bin qbank --example gen-bank
target/release/examples/gen-bank "$WORK/bank" "$N" 2>/dev/null

# The full build, into a fresh folder (best of RUNS) and replacing the site it built before
# (median of RUNS), which is what serve did on every edit before it rebuilt only what changed.
times=()
for i in $(seq "$RUNS"); do
    rm -rf "$WORK/fresh"
    start=$(date +%s%N)
    target/release/qbank build -q "$WORK/bank" -d "$WORK/fresh" 2>/dev/null
    fresh=$(( ($(date +%s%N) - start) / 1000000 ))
    start=$(date +%s%N)
    target/release/qbank build -q "$WORK/bank" -d "$WORK/full" 2>/dev/null
    replace=$(( ($(date +%s%N) - start) / 1000000 ))
    times+=("$fresh $replace")
done
best=$(printf '%s\n' "${times[@]}" | awk '{print $1}' | sort -n | head -1)
median=$(printf '%s\n' "${times[@]}" | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
rm -rf "$WORK/fresh"

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
target/release/qbank serve "$WORK/bank" -p "$PORT" -d "$WORK/site" >"$WORK/serve.log" 2>&1 &
SERVE=$!
trap 'kill $SERVE 2>/dev/null || true' EXIT

python3 - "$WORK/bank" "$PORT" "$median" "$RUNS" "$best" <<'EOF'
import os, statistics, sys, time, urllib.request

bank, port, full_ms, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
fresh_ms = int(sys.argv[5])
src = os.path.join(bank, "src")

def version():
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/__qbank/version", timeout=5) as r:
            return r.read().decode()
    except OSError:
        return None

deadline = time.time() + 300
while version() is None:
    if time.time() > deadline:
        sys.exit("serve did not start")
    time.sleep(0.05)

def read(rel):
    with open(os.path.join(bank, rel), encoding="utf-8") as f:
        return f.read()

def write(rel, text):
    with open(os.path.join(bank, rel), "w", encoding="utf-8") as f:
        f.write(text)

def timed(change):
    """Milliseconds from the save to a new version being served."""
    before = version()
    start = time.perf_counter()
    change()
    while version() == before:
        if time.perf_counter() - start > 120:
            sys.exit("no reload within 120 s; see target/bench-serve-edit/serve.log")
        time.sleep(0.002)
    return (time.perf_counter() - start) * 1000

def search_ms():
    """Milliseconds until the search index is up to date: serve holds a request for it until
    the job that updates it (run by that request) is done."""
    start = time.perf_counter()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/qbank/search/m.js", timeout=300) as r:
        r.read()
    return (time.perf_counter() - start) * 1000

REC = "src/record-0100.md"
original = {}
def replacing(rel, old, new):
    def do():
        text = original.setdefault(rel, read(rel))
        assert old in text, (rel, old)
        write(rel, text.replace(old, new, 1))
    def undo():
        write(rel, original[rel])
    return do, undo

def adding():
    rel = "src/record-extra.md"
    def do():
        write(rel, "# 新增记录\n\n### 1. 新问题\n\n**面试官**: 问？\n\n**候选人回答区域**:\n\n答。\n")
        summary = original.setdefault("src/SUMMARY.md", read("src/SUMMARY.md"))
        write("src/SUMMARY.md", summary + "- [新增记录](record-extra.md)\n")
    def undo():
        write("src/SUMMARY.md", original["src/SUMMARY.md"])
        os.remove(os.path.join(bank, rel))
    return do, undo

text = read(REC)
answer = "[请在此处回答]"
# The first answer that has text: its first line, edited.
lines = text.split("\n")
filled = next(lines[i + 2] for i, l in enumerate(lines)
              if l.startswith("**候选人回答区域**") and i + 2 < len(lines)
              and lines[i + 2].strip() and not lines[i + 2].startswith(("[", "`")))
kinds = [
    ("answer text", replacing(REC, filled, filled + "（补充）")),
    ("answer filled", replacing(REC, "**候选人回答区域**:\n```\n\n```", "**候选人回答区域**:\n```\n改过的答案\n```")),
    ("prompt text", replacing(REC, "请详细解释", "请详细地解释")),
    ("question title", replacing(REC, "### 1. ", "### 1. 改 ")),
    ("record added", adding()),
    ("SUMMARY.md", replacing("src/SUMMARY.md", "- [后台面试记录 1]", "- [后台面试记录 一]")),
    ("book.toml", replacing("book.toml", "[book]", "[book]\ndescription = \"bench\"")),
]
print(f"== qbank serve, edit to reload, {runs} runs each (load {open('/proc/loadavg').read().split()[0]})")
print(f"full build into a fresh folder (best of {runs}): {fresh_ms} ms  <- 'fresh' ratio")
print(f"full build replacing its site (median of {runs}): {full_ms} ms  <- 'replace' ratio")
print("search: then, the first request for the index, which brings it up to date (median ms)")
print(f"{'edit':<16} {'median ms':>10} {'min ms':>8} {'fresh':>7} {'replace':>8} {'search':>7}")
for name, (do, undo) in kinds:
    times, searches = [], []
    for _ in range(runs):
        times.append(timed(do))
        searches.append(search_ms())
        timed(undo)
        search_ms()
    med = statistics.median(times)
    print(f"{name:<16} {med:>10.0f} {min(times):>8.0f} {med / fresh_ms:>7.2f} {med / full_ms:>8.2f}"
          f" {statistics.median(searches):>7.0f}")
EOF
