// ponder-cli: run, inspect and script Ponder's engine from a terminal.
#include "args.h"
#include "commands.h"

#include "ponder/engine.h"

#include <cstdio>
#include <cstring>
#include <exception>

namespace {

const char* kUsage =
    "usage: ponder-cli <command> [options]\n"
    "\n"
    "commands:\n"
    "  devices [--json]                        the CPU and every Vulkan device: memory, features, and\n"
    "                                          why a device cannot be used\n"
    "  info --model PATH                       model hyperparameters and tensors, as JSON\n"
    "  plan --model PATH --devices SPEC [--ctx N] [--strategy auto|layers|hybrid] [--gpu-reserve MIB]\n"
    "       [--json]                            where the model would go: SPEC is '+'-joined\n"
    "                                          [N x]KIND[:MEMORY][@BANDWIDTH] terms, e.g. 8xcuda:141GiB or\n"
    "                                          cuda:24GiB+cpu:512GiB; exit status 3 when it does not fit\n"
    "  tokenize --model PATH [--special] [--bos] (TEXT | --file F)\n"
    "                                          token ids of a text, as a JSON array\n"
    "  run --model PATH (--prompt TEXT | --prompt-file F) [--raw] [--n-predict N] [--json]\n"
    "      [--temp T --top-k K --top-p P --min-p P --repeat-penalty R --seed S] [--ctx N] [--threads N]\n"
    "      [--db PATH | --save]                one reply, streamed (reasoning dimmed) or as JSON\n"
    "  chat --model PATH [--system TEXT] [sampling options] [--db PATH | --save]\n"
    "                                          interactive chat; Ctrl-C stops the current answer\n"
    "      run and chat save nothing unless --db PATH (that database) or --save (the app's) is given;\n"
    "      the conversation then shows up in the app\n"
    "  eval --model PATH --suite FILE.jsonl [--samples K] [--temp T] [--top-p P] [--max-tokens N]\n"
    "       [--limit N] [--json]       accuracy and pass@1 on {\"prompt\", \"answer\"} lines; greedy\n"
    "                                          with one sample, R1's temperature 0.6 / top-p 0.95 with K\n"
    "       [--think-budgets 0,64,256,unlimited [--plot FILE.svg]]\n"
    "                                          the suite at each thinking budget: accuracy against mean\n"
    "                                          reasoning tokens (the test-time-scaling curve)\n"
    "  bench --model PATH [-p 512] [-n 128] [-r 3] [--threads N] [--json]\n"
    "                                          prompt and generation tokens/s, peak memory; with a\n"
    "                                          thinking option, also one reply to --prompt TEXT timed\n"
    "      run, chat, eval and bench control the thought: --think-budget N (end it after N tokens:\n"
    "      the engine writes --think-closing TEXT, default none, then </think>, and the model answers),\n"
    "      --think-min N (a close before N tokens becomes --wait-text TEXT, default \"Wait\", at most\n"
    "      --max-waits N times, default 1), --max-answer-tokens N, and loop detection (the same 32\n"
    "      tokens three times in the thought): a warning by default, --loop-stop ends the thought,\n"
    "      --no-loop-check turns it off. What the engine did is printed on stderr and in --json\n"
    "      run, chat, eval and bench take --backend SPEC: cpu, vulkan (as many layers as fit on\n"
    "      Vulkan device 0, the rest on the CPU), vulkan#N (all on device N of ponder-cli devices),\n"
    "      or a split such as vulkan:4GiB+cpu (the first layers that fit in 4 GiB on the GPU, the\n"
    "      rest on the CPU); with a plain --backend vulkan, --device N|NAME picks the device and\n"
    "      --gpu-layers N puts the first N layers on it. Without --backend: the best discrete GPU\n"
    "      that holds the whole model, else the CPU; the choice is printed on stderr\n"
    "  history list [--limit N] [--offset N]   conversations, pinned first, then most recent\n"
    "  history show ID                         one conversation's current branch\n"
    "  history search WORDS [--reasoning] [--whole-words] [--limit N]\n"
    "                                          full-text search (titles, messages, thoughts)\n"
    "  history export [ID...] [--format json|md|jsonl] [--output FILE]\n"
    "                                          all or some conversations; jsonl: training triples\n"
    "  history import FILE                     a JSON export; all or nothing\n"
    "  history delete ID                       delete a conversation and all its messages\n"
    "  history check                           SQLite's integrity check of the database\n"
    "  history move-aside                      rename a damaged database so a new one can start\n"
    "      history works on the app's database ($XDG_DATA_HOME/ponder/ponder.db) or --db PATH;\n"
    "      --json prints JSON\n"
    "  serve [--model PATH] [--host 127.0.0.1] [--port 8080] [--api-key-env VAR] [--ctx N] [--threads N]\n"
    "        [--queue 16] [--max-body BYTES] [--name NAME] [--keep-alive SECONDS]\n"
    "        [--think-budget N] [--loop-stop] [--effort-budgets 1024,4096,unlimited]\n"
    "                                          OpenAI-compatible server: /v1/chat/completions (reasoning in\n"
    "                                          reasoning_content; a request's thinking_token_budget or\n"
    "                                          reasoning_effort low/medium/high caps the thought),\n"
    "                                          /v1/models, /health; a host other than\n"
    "                                          loopback needs an API key, read from the variable VAR\n"
    "  run | chat | eval --provider NAME | --base-url URL [--api-key-env VAR] --model NAME ...\n"
    "                                          the same commands against a server: DeepSeek's API\n"
    "                                          (--provider deepseek, key in $DEEPSEEK_API_KEY), vllm,\n"
    "                                          sglang, ollama, lmstudio, or any OpenAI-compatible URL\n"
    "  --version                               print the version\n";

} // namespace

int main(int argc, char** argv) {
    using namespace ponder::cli;
    if (argc < 2) {
        std::fputs("ponder-cli: no command given (see ponder-cli --help)\n", stderr);
        return 2;
    }
    if (!std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
        std::fputs(kUsage, stdout);
        return 0;
    }
    std::string command = argv[1];
    std::vector<std::string> args(argv + 2, argv + argc);
    try {
        if (command == "--version" || command == "version") {
            std::printf("ponder-cli %s\n", ponder::engine_version());
            return 0;
        }
        if (command == "devices") return cmd_devices(args);
        if (command == "info") return cmd_info(args);
        if (command == "plan") return cmd_plan(args);
        if (command == "tokenize") return cmd_tokenize(args);
        if (command == "run") return cmd_run(args);
        if (command == "bench") return cmd_bench(args);
        if (command == "chat") return cmd_chat(args);
        if (command == "eval") return cmd_eval(args);
        if (command == "history") return cmd_history(args);
        if (command == "serve") return cmd_serve(args);
        throw UsageError("unknown command '" + command + "' (see ponder-cli --help)");
    } catch (const UsageError& e) {
        std::fprintf(stderr, "ponder-cli: %s\n", e.what());
        return 2;
    } catch (const CommandError& e) {
        std::fprintf(stderr, "ponder-cli: error: %s\n", e.what());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "ponder-cli: error: %s\n", e.what());
        return 1;
    }
}
