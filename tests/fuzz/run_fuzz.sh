#!/usr/bin/env bash
# run_fuzz.sh FUZZER PONDER_TOOL CORPUS_DIR SECONDS: a bounded libFuzzer run from fresh seeds.
# Fails on any crash, leak, sanitizer report or per-input timeout (libFuzzer exits non-zero).
set -euo pipefail
fuzzer=$1 tool=$2 corpus=$3 seconds=$4
rm -rf "$corpus" && mkdir -p "$corpus"
"$tool" write-seeds "$corpus"
printf 'hello world <think>\n</think> \xe2\x82\xac\xff 1234 日本' > "$corpus/text1"
exec "$fuzzer" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len=65536 -print_final_stats=1 -detect_leaks=1
