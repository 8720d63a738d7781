#!/usr/bin/env bash
# Writes the seed corpora of the fuzz targets into DIR/record, DIR/meta and DIR/search, from
# the repository's markdown: tests/fixtures, book/src and the seed record.
#   fuzz/seed.sh /tmp/qbank-seeds
# Seeds are cut to fit libFuzzer's default input sizes: each record is also written as its
# preamble plus one question at a time, and the YAML of every front matter and every
# `<!-- qbank … -->` comment is a meta seed of its own.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: fuzz/seed.sh DIR}
mkdir -p "$out/record" "$out/meta" "$out/search"

n=0
for f in $(find tests/fixtures book/src -name '*.md' | sort); do
    n=$((n + 1))
    cp "$f" "$out/record/file-$n"
    cp "$f" "$out/search/file-$n"
    # The preamble (everything before the first numbered question heading), then with each
    # question in turn.
    awk -v dir="$out/record" -v n="$n" '
        /^##+ [0-9]+/ { q++; }
        { if (q == 0) pre = pre $0 "\n"; else body[q] = body[q] $0 "\n"; }
        END { for (i = 1; i <= q; i++) printf "%s%s", pre, body[i] > (dir "/q-" n "-" i); }
    ' "$f"
    # Front matter and question metadata.
    awk -v dir="$out/meta" -v n="$n" '
        NR == 1 && /^---\r?$/ { fm = 1; next }
        fm && /^(---|\.\.\.)\r?$/ { printf "%s", y > (dir "/front-" n); fm = 0; y = ""; next }
        fm { y = y $0 "\n"; next }
        /^<!-- qbank/ { c++; inc = 1; y = ""; next }
        inc && /-->/ { printf "%s", y > (dir "/comment-" n "-" c); inc = 0; next }
        inc { y = y $0 "\n" }
    ' "$f"
done
# Search documents: fields and parts separated as `fuzz/entry.rs` cuts them.
printf '令牌桶 限流\x1fKafka 分区 热key\x1fgoroutine泄漏 sync.Once\x1f记录\x1f1. 限流\x1fr.html#x\x1fr.html#x-answer' \
    >"$out/search/docs-1"
printf 'ＭＶＣＣ机制\x1e一一一 的的\x1fİstanbul ǅ ß\x1e\x1f\x1f𠀀𠀁 豈' >"$out/search/docs-2"
echo "seeded $out: $(ls "$out/record" | wc -l) record, $(ls "$out/meta" | wc -l) meta, $(ls "$out/search" | wc -l) search"
