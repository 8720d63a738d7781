#!/usr/bin/env bash
# CPU that an idle `qbank serve` spends watching a book of 10,000 files, side by side:
#   - the old watcher (stat every file under the book root every 300 ms), built from OLD_REV;
#   - the notify watcher (inotify), the default now;
#   - `--poll` (stat the watched files only, every 500 ms).
# The book: the generated bank (200 records, 10,000 questions) in src/, padding files in
# src/assets/ (watched) and in notes/ next to src/ (not watched; the old watcher stats them).
# CPU time is utime+stime from /proc/PID/stat over IDLE seconds after the first build.
# Usage: benches/serve-idle.sh [FILES] [IDLE_SECONDS]   (default 10000 20; Linux only)
set -euo pipefail
cd "$(dirname "$0")/.."
FILES="${1:-10000}"
IDLE="${2:-20}"
OLD_REV="${OLD_REV:-e5a2fc2}"
WORK="$(pwd)/target/bench-serve-idle"
OLD_TREE="$(mktemp -d /tmp/qb-old.XXXXXX)"
rm -rf "$WORK"
mkdir -p "$WORK"

PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    git worktree remove --force "$OLD_TREE" 2>/dev/null || rm -rf "$OLD_TREE"
}
trap cleanup EXIT

# The old binary from a worktree of OLD_REV; the same target dir, so dependencies are shared.
git worktree add --quiet --detach "$OLD_TREE" "$OLD_REV"
cargo build --release --quiet --bin qbank --manifest-path "$OLD_TREE/Cargo.toml" \
    --target-dir "$(pwd)/target"
cp target/release/qbank "$WORK/qbank-old"
cargo build --release --quiet --bin qbank --example gen-bank
cp target/release/qbank "$WORK/qbank-new"

# The tree: the bank, then padding up to FILES files, half inside src/, half beside it.
BOOK="$WORK/book"
target/release/examples/gen-bank "$BOOK" 10000 2>/dev/null
python3 - "$BOOK" "$FILES" <<'PY'
import os, sys
book, total = sys.argv[1], int(sys.argv[2])
have = sum(len(f) for _, _, f in os.walk(book))
pad = max(0, total - have)
for i in range(pad):
    where = "src/assets" if i % 2 == 0 else "notes"
    d = os.path.join(book, where, f"d{i // 200:03}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{i:05}.txt"), "w") as f:
        f.write(f"padding file {i}\n")
PY
total_files=$(find "$BOOK" -type f | wc -l)
src_files=$(find "$BOOK/src" -type f | wc -l)

TICK=$(getconf CLK_TCK)
cpu_ticks() { # utime + stime of a process, in clock ticks
    awk '{ print $14 + $15 }' "/proc/$1/stat"
}

measure() { # label, binary, extra args...; prints "cpu_seconds"
    local label=$1 bin=$2
    shift 2
    local site="$WORK/site-$label"
    "$bin" serve "$BOOK" -d "$site" -p 0 "$@" >"$WORK/$label.out" 2>"$WORK/$label.err" &
    local pid=$!
    PIDS+=("$pid")
    for _ in $(seq 600); do
        grep -q '^Serving' "$WORK/$label.out" 2>/dev/null && break
        sleep 0.1
    done
    grep -q '^Serving' "$WORK/$label.out" || {
        cat "$WORK/$label.err" >&2
        exit 1
    }
    sleep 3 # let the first build's aftermath settle
    local before after
    before=$(cpu_ticks "$pid")
    sleep "$IDLE"
    after=$(cpu_ticks "$pid")
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    python3 -c "print(f'{($after - $before) / $TICK:.2f}')"
}

old=$(measure old "$WORK/qbank-old")
notify=$(measure notify "$WORK/qbank-new")
poll=$(measure poll "$WORK/qbank-new" --poll)

python3 - "$total_files" "$src_files" "$IDLE" "$old" "$notify" "$poll" <<'PY'
import sys
total, src, idle = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
old, notify, poll = map(float, sys.argv[4:])
print(f"tree: {total} files under the book root, {src} of them in src/; idle {idle:.0f} s\n")
print(f"{'watcher':44}{'CPU s':>8}{'CPU %':>8}")
for name, cpu in [
    ("old: stat the book root every 300 ms", old),
    ("notify (inotify), the default", notify),
    ("--poll: stat watched files every 500 ms", poll),
]:
    print(f"{name:44}{cpu:>8.2f}{cpu / idle * 100:>7.1f}%")
PY
