#!/usr/bin/env bash
# run_fuzz.sh FUZZER PONDER_TOOL CORPUS_DIR SECONDS [SEED_DIR]: a bounded libFuzzer run from fresh
# seeds (ponder_tool's, and SEED_DIR's files with SEED_DIR.dict as dictionary when given).
# Fails on any crash, leak, sanitizer report or per-input timeout (libFuzzer exits non-zero).
set -euo pipefail
fuzzer=$1 tool=$2 corpus=$3 seconds=$4 seeds=${5:-}
rm -rf "$corpus" && mkdir -p "$corpus"
"$tool" write-seeds "$corpus"
printf 'hello world <think>\n</think> \xe2\x82\xac\xff 1234 日本' > "$corpus/text1"
extra=()
if [[ -n $seeds ]]; then
    cp "$seeds"/* "$corpus"/
    [[ -f $seeds.dict ]] && extra+=(-dict="$seeds.dict")
fi
exec "$fuzzer" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len=65536 -print_final_stats=1 -detect_leaks=1 "${extra[@]}"
