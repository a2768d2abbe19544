// Tiny random models for the engine's tests, written once per test process under the test's
// temporary directory: the test vocabulary (tiny_vocab.h) and make_model's random weights.
#pragma once

#include "make_model.h"
#include "ponder/gguf.h"
#include "ponder/tokenizer.h"
#include "tiny_vocab.h"

#include <filesystem>
#include <gtest/gtest.h>
#include <string>
#include <unistd.h>

namespace ponder::test {

// A directory of this test process, e.g. /tmp/ponder_core_test_1234.
inline std::string work_dir(const std::string& name) {
    std::string dir = ::testing::TempDir() + "/ponder_" + name + "_test_" + std::to_string(::getpid());
    std::filesystem::create_directories(dir);
    return dir;
}

// A model of `arch` (qwen2 | llama) with 2-D weights of `type` ("Q4_K_M": llama.cpp's mix) and
// `layers` layers, a 512-token context, `vocab_tokens` tokens of the test vocabulary, and for
// llama Llama 3.1's rope frequency divisors. Written into `dir` once.
inline std::string tiny_model(const std::string& dir, const std::string& arch, const std::string& type, int layers = 4,
                              int vocab_tokens = 8192) {
    const std::string vocab = dir + "/vocab.gguf";
    const std::string path = dir + "/" + arch + "_" + type + "_" + std::to_string(layers) + "_" + std::to_string(vocab_tokens) + ".gguf";
    if (std::filesystem::exists(path)) return path;
    std::string err;
    if (!std::filesystem::exists(vocab)) {
        GgufWriter w;
        Tokenizer::from_vocab(tiny_vocab(), err)->write_gguf(w);
        EXPECT_TRUE(w.write_file(vocab, err)) << err;
    }
    ModelSpec spec;
    spec.arch = arch;
    spec.type = type == "Q4_K_M" ? "Q4_K" : type;
    spec.q4_k_m = type == "Q4_K_M";  // Q6_K output and half of attn_v / ffn_down
    spec.vocab_from = vocab;
    spec.n_ctx = 512;
    spec.n_layer = layers;
    spec.vocab_tokens = vocab_tokens;
    spec.rope_freqs = arch == "llama";
    EXPECT_TRUE(make_model(spec, path, err)) << err;
    return path;
}

} // namespace ponder::test
