// Speed of a model the way llama-bench measures it: prompt processing (pp: n_prompt random tokens
// in one go) and text generation (tg: n_gen tokens one at a time after that prompt), over a few
// repetitions after an uncounted warm-up. Shared by `ponder-cli bench` and `ponder_tool bench`
// (the headless build on GPU machines). It prints nothing and asserts nothing.
#pragma once

#include "ponder/engine.h"

#include <string>

namespace ponder {

struct BenchOptions {
    int n_prompt = 512;
    int n_gen = 128;
    int repetitions = 3;
};

struct BenchResult {
    double pp_mean = 0, pp_sd = 0;  // prompt tokens per second
    double tg_mean = 0, tg_sd = 0;  // generated tokens per second (0 when n_gen is 0)
    uint64_t peak_rss_bytes = 0;    // of the whole process
};

// The session needs a context of at least n_prompt + n_gen tokens. False + error when a step fails.
bool run_bench(Session& session, const BenchOptions& options, BenchResult& result, std::string& error);

} // namespace ponder
