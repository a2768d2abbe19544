#!/usr/bin/env bash
# ponder-cli run / chat / eval against a server (--provider, --base-url): output, exit codes,
# one-line errors, retries, and that the API key never shows. The server is the scripted one
# (tests/remote/scripted_server.h), on 127.0.0.1.
# usage: test_cli_remote.sh PONDER_CLI SCRIPTED_SSE_SERVER WORKDIR
set -uo pipefail
cli=$1 server_bin=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
pass=0 fail=0

"$server_bin" >"$work/server.out" 2>&1 &
server_pid=$!
trap 'kill $server_pid 2>/dev/null' EXIT
for _ in $(seq 50); do grep -q listening "$work/server.out" && break; sleep 0.1; done
port=$(sed -n 's/^listening on //p' "$work/server.out")
[[ -n $port ]] || { echo "FAIL: the scripted server did not start"; exit 1; }
base=http://127.0.0.1:$port

matches() { if [[ $1 == - ]]; then [[ ! -s $2 ]]; else grep -Eq -- "$1" "$2"; fi; }

# check NAME STATUS STDOUT_REGEX STDERR_REGEX ERR_LINES -- CMD...  ("-": must be empty; ERR_LINES
# is the exact number of stderr lines, or "any")
check() {
    local name=$1 want=$2 out_re=$3 err_re=$4 lines=$5
    shift 6
    "$@" >"$work/out" 2>"$work/err" </dev/null
    local got=$? ok=1
    [[ $got == "$want" ]] || ok=0
    matches "$out_re" "$work/out" || ok=0
    matches "$err_re" "$work/err" || ok=0
    [[ $lines == any || $(wc -l <"$work/err") -eq $lines ]] || ok=0
    # The key given through the environment is never printed.
    grep -q "sk-scripted-key" "$work/out" "$work/err" && ok=0
    if ((ok)); then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: $name (status $got, want $want)"
        echo "  stdout: $(head -c 600 "$work/out")"
        echo "  stderr: $(head -c 600 "$work/err")"
    fi
}

export DEEPSEEK_API_KEY=sk-scripted-key MY_KEY=sk-scripted-key
unset PONDER_REMOTE_IDLE_TIMEOUT_MS PONDER_REMOTE_CONNECT_TIMEOUT_MS

# DeepSeek's preset with its key variable; the thought in <think> tags when not on a terminal.
check "run deepseek" 0 '^The answer is \\boxed\{5\}\.$' 'first text after .*9 tokens \(4 reasoning\).*stop: eos' 1 -- \
    "$cli" run --provider deepseek --base-url "$base" --model auth-check --prompt "What is 2 + 3?"
grep -q '^Let me add 2 and 3\.$' "$work/out" && grep -q '^<think>$' "$work/out" || { echo "FAIL: run deepseek reasoning"; fail=$((fail + 1)); }
check "run json" 0 '^\{"provider":"deepseek","model":"deepseek-reasoner","reasoning":"Let me add 2 and 3\.","answer":"The answer is \\\\boxed\{5\}\.","stop_reason":"eos","timings":\{"prompt_tokens":12,"generated_tokens":9,' - 0 -- \
    "$cli" run --provider deepseek --base-url "$base/v1" --prompt "What is 2 + 3?" --json --quiet
check "base url /v1/" 0 '"answer":"The answer is' - 0 -- "$cli" run --base-url "$base/v1/" --model deepseek-reasoner --prompt hi --json --quiet
check "api-key-env" 0 '"answer":"The answer is' - 0 -- \
    env -u DEEPSEEK_API_KEY "$cli" run --base-url "$base" --api-key-env MY_KEY --model auth-check --prompt hi --json --quiet
check "inline think" 0 '"reasoning":"Let me add 2 and 3\.\\n","answer":"The answer is' - 0 -- \
    "$cli" run --base-url "$base" --model inline-think --prompt hi --json --quiet
check "keep-alives" 0 '"answer":"The answer is' - 0 -- "$cli" run --base-url "$base" --model keepalive --prompt hi --json --quiet
# Reasoning control against servers: a budget only where the server takes one, engine flags never.
check "budget to deepseek" 2 - 'DeepSeek takes none for R1 models' 1 -- \
    "$cli" run --provider deepseek --base-url "$base" --prompt hi --think-budget 64
check "think-min to a server" 2 - 'steers Ponder.s own engine' 1 -- "$cli" run --base-url "$base" --model m --prompt hi --think-min 5
check "budget to vllm" 0 '"answer":"The answer is' - 0 -- \
    "$cli" run --provider vllm --base-url "$base" --model inline-think --prompt hi --think-budget 64 --json --quiet

# Errors: exit 1 and one line on stderr (the partial answer is still in --json's output).
check "401" 1 - 'refused the API key \(HTTP 401\).*no such API key' 1 -- \
    env -u DEEPSEEK_API_KEY "$cli" run --base-url "$base" --model auth-check --prompt hi
check "402" 1 - 'balance is insufficient \(HTTP 402\)' 1 -- "$cli" run --base-url "$base" --model no-balance --prompt hi
check "400" 1 - 'rejected the request \(HTTP 400\).*reasoning_content' 1 -- "$cli" run --base-url "$base" --model bad-request --prompt hi
check "500" 1 - 'internal error \(HTTP 500\)' 1 -- "$cli" run --base-url "$base" --model server-error --prompt hi
check "cut json" 1 '"reasoning":"Let me add 2 and 3\.","answer":"","stop_reason":"error".*"error":"The connection to 127\.0\.0\.1 was lost in the middle' \
    'lost in the middle of the answer' 1 -- "$cli" run --base-url "$base" --model cut --prompt hi --json
check "malformed" 1 "Let me add" 'sent a malformed chunk' 1 -- "$cli" run --base-url "$base" --model malformed --prompt hi
check "stream error" 1 "Let me add" 'reported an error: The model crashed' 1 -- "$cli" run --base-url "$base" --model stream-error --prompt hi
check "idle timeout" 1 "Let me add" 'stopped sending for 0\.5 s' 1 -- \
    env PONDER_REMOTE_IDLE_TIMEOUT_MS=500 "$cli" run --base-url "$base" --model slow --prompt hi
check "connect timeout" 1 - 'did not answer within 0\.5 s' 1 -- \
    env PONDER_REMOTE_CONNECT_TIMEOUT_MS=500 "$cli" run --base-url "$base" --model no-headers --prompt hi
check "refused" 1 - 'Could not connect to 127\.0\.0\.1:1: connection refused' 1 -- \
    "$cli" run --base-url http://127.0.0.1:1 --model x --prompt hi
# 429: retried after Retry-After (1 s) twice, then answered; always 429: reported after 3 retries.
check "429 retried" 0 '"answer":"The answer is.*"retries":2' 'rate limiting.*Retrying in 1 s' 2 -- \
    "$cli" run --base-url "$base" --model rate-limited --prompt hi --json --quiet
check "429 gives up" 1 - 'Tried 4 times' 4 -- "$cli" run --base-url "$base" --model always-429 --prompt hi

# Usage errors: exit 2 before anything is sent.
check "public http" 2 - 'Plain http is only allowed .* use https:// for example\.com' 1 -- \
    "$cli" run --base-url http://example.com/v1 --model x --prompt hi
check "no key" 2 - 'DeepSeek needs an API key: set DEEPSEEK_API_KEY' 1 -- env -u DEEPSEEK_API_KEY "$cli" run --provider deepseek --prompt hi
check "unset key var" 2 - 'NOPE_KEY: the variable is not set' 1 -- "$cli" run --base-url "$base" --api-key-env NOPE_KEY --model x --prompt hi
check "no model" 2 - 'give --model NAME' 1 -- "$cli" run --base-url "$base" --prompt hi
check "unknown provider" 2 - "unknown provider 'openai' \(one of deepseek, vllm" 1 -- "$cli" run --provider openai --prompt hi
check "raw" 2 - '--raw needs a local model' 1 -- "$cli" run --base-url "$base" --model x --raw --prompt hi
check "local flag" 2 - '--threads is for local models' 1 -- "$cli" run --base-url "$base" --model x --threads 2 --prompt hi

# chat: multi-turn; earlier answers go back without reasoning (echo's reasoning counts messages:
# user, assistant, user = 3 on the second turn).
printf 'first question\nsecond question\n' | "$cli" chat --base-url "$base" --model echo >"$work/chat.out" 2>"$work/chat.err"
if [[ $? == 0 ]] && grep -q '^first question$' "$work/chat.out" && grep -q '^3$' "$work/chat.out" && grep -q '^second question$' "$work/chat.out"; then
    pass=$((pass + 1))
else
    fail=$((fail + 1)); echo "FAIL: chat"; cat "$work/chat.out" "$work/chat.err"
fi

# --db: the remote answer is saved like a local one, with its provider.
check "run --db" 0 '"conversation_id":1,"message_id":2' - 0 -- \
    "$cli" run --provider deepseek --base-url "$base" --prompt "What is 2 + 3?" --json --quiet --db "$work/chat.db"
check "history show" 0 '"content":"The answer is' - 0 -- "$cli" history show 1 --db "$work/chat.db" --json
grep -q '"provider":"deepseek"' "$work/out" && grep -q '"reasoning_content":"Let me add 2 and 3\."' "$work/out" \
    || { fail=$((fail + 1)); echo "FAIL: history provider/reasoning"; head -c 800 "$work/out"; }
grep -q 'sk-scripted-key' "$work/chat.db"* && { fail=$((fail + 1)); echo "FAIL: key in the database"; }

# eval through a server: the scripted answer is always 5, so one of two problems is right.
printf '{"prompt": "What is 2 + 3?", "answer": 5}\n{"prompt": "What is 2 + 4?", "answer": 6}\n' >"$work/suite.jsonl"
check "eval" 0 '"n":2,.*"accuracy":0\.5' - 0 -- \
    "$cli" eval --provider deepseek --base-url "$base" --suite "$work/suite.jsonl" --json --quiet

# A server that keeps breaking the stream: tried three times, then counted wrong, and the
# evaluation still finishes. A 4xx ends it at once.
check "eval transient" 0 '"failed_samples":1' 'Trying again in 2 s.*|lost in the middle' any -- \
    "$cli" eval --base-url "$base" --model cut --suite "$work/suite.jsonl" --limit 1 --json
grep -c 'Trying again' "$work/err" | grep -qx 2 || { fail=$((fail + 1)); echo "FAIL: eval transient retries"; cat "$work/err"; }
check "eval 4xx" 1 - 'problem 1: .*balance is insufficient' 1 -- \
    "$cli" eval --base-url "$base" --model no-balance --suite "$work/suite.jsonl" --quiet

echo "remote cli: $pass passed, $fail failed"
((fail == 0))
