// The llama.cpp side of tests/gpu/run.sh: pp/tg tokens/s of one GGUF file on llama.cpp's own
// build (the pinned npm package's libraries, GPU backends loaded from a folder), measured the way
// `ponder_tool bench` measures Ponder: a prompt of n_prompt random token ids in one decode (only
// the last token's logits), then n_gen greedy tokens one at a time; one uncounted warm-up round,
// then `reps` timed rounds, wall clock, the KV cache cleared before each. Prints one JSON object.
//
// usage: llama_peer_bench MODEL.gguf BACKENDS_DIR [n_prompt 512] [n_gen 128] [reps 3] [n_gpu_layers 999]
// Built on the GPU machine against llama.h from the same release as the libraries.
#define _POSIX_C_SOURCE 199309L
#include "ggml-backend.h"
#include "llama.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void quiet_log(enum ggml_log_level level, const char* text, void* user) {
    (void)user;
    if (level >= GGML_LOG_LEVEL_ERROR) fputs(text, stderr);
}

static int argmax(const float* logits, int n) {
    int best = 0;
    for (int i = 1; i < n; i++)
        if (logits[i] > logits[best]) best = i;
    return best;
}

static void mean_sd(const double* v, int n, double* mean, double* sd) {
    double s = 0, q = 0;
    for (int i = 0; i < n; i++) s += v[i];
    *mean = n ? s / n : 0;
    for (int i = 0; i < n; i++) q += (v[i] - *mean) * (v[i] - *mean);
    *sd = n > 1 ? sqrt(q / (n - 1)) : 0;
}

int main(int argc, char** argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: %s MODEL.gguf BACKENDS_DIR [n_prompt] [n_gen] [reps] [n_gpu_layers]\n", argv[0]);
        return 2;
    }
    const int n_prompt = argc > 3 ? atoi(argv[3]) : 512, n_gen = argc > 4 ? atoi(argv[4]) : 128;
    const int reps = argc > 5 ? atoi(argv[5]) : 3, n_gpu_layers = argc > 6 ? atoi(argv[6]) : 999;
    llama_log_set(quiet_log, NULL);
    ggml_backend_load_all_from_path(argv[2]);
    llama_backend_init();

    struct llama_model_params mp = llama_model_default_params();
    mp.n_gpu_layers = n_gpu_layers;
    mp.progress_callback = NULL;
    struct llama_model* model = llama_model_load_from_file(argv[1], mp);
    if (!model) {
        fprintf(stderr, "llama.cpp could not load %s\n", argv[1]);
        return 1;
    }
    struct llama_context_params cp = llama_context_default_params();
    cp.n_ctx = (uint32_t)(n_prompt + n_gen + 16);
    cp.n_batch = (uint32_t)n_prompt;
    cp.n_ubatch = (uint32_t)(n_prompt < 512 ? n_prompt : 512);
    struct llama_context* ctx = llama_init_from_model(model, cp);
    if (!ctx) {
        fprintf(stderr, "llama.cpp could not create a context\n");
        return 1;
    }
    const struct llama_vocab* vocab = llama_model_get_vocab(model);
    const int n_vocab = llama_vocab_n_tokens(vocab);
    llama_token* prompt = malloc(sizeof(llama_token) * (size_t)n_prompt);
    double* pp = calloc((size_t)reps, sizeof(double));
    double* tg = calloc((size_t)reps, sizeof(double));
    srand(1);
    for (int round = -1; round < reps; round++) {  // round -1: the warm-up
        for (int i = 0; i < n_prompt; i++) prompt[i] = rand() % n_vocab;
        llama_memory_clear(llama_get_memory(ctx), true);
        double t0 = now_s();
        if (llama_decode(ctx, llama_batch_get_one(prompt, n_prompt)) != 0) {
            fprintf(stderr, "llama_decode failed on the prompt\n");
            return 1;
        }
        llama_token next = argmax(llama_get_logits_ith(ctx, -1), n_vocab);  // waits for the result
        const double t_pp = now_s() - t0;
        t0 = now_s();
        for (int i = 0; i < n_gen; i++) {
            if (llama_decode(ctx, llama_batch_get_one(&next, 1)) != 0) {
                fprintf(stderr, "llama_decode failed while generating\n");
                return 1;
            }
            next = argmax(llama_get_logits_ith(ctx, -1), n_vocab);
        }
        const double t_tg = now_s() - t0;
        if (round >= 0) {
            pp[round] = n_prompt / t_pp;
            tg[round] = n_gen > 0 ? n_gen / t_tg : 0;
        }
    }
    double pp_mean, pp_sd, tg_mean, tg_sd;
    mean_sd(pp, reps, &pp_mean, &pp_sd);
    mean_sd(tg, reps, &tg_mean, &tg_sd);
    char desc[256];
    llama_model_desc(model, desc, sizeof desc);
    printf("{\"gpu_devices\": [");  // what ggml found: the model's layers went to these
    int first = 1;
    for (size_t i = 0; i < ggml_backend_dev_count(); i++) {
        ggml_backend_dev_t dev = ggml_backend_dev_get(i);
        if (ggml_backend_dev_type(dev) == GGML_BACKEND_DEVICE_TYPE_CPU) continue;
        printf("%s\"%s: %s\"", first ? "" : ", ", ggml_backend_dev_name(dev), ggml_backend_dev_description(dev));
        first = 0;
    }
    printf("], \"engine\": \"llama.cpp\", \"model_desc\": \"%s\", \"n_gpu_layers\": %d, \"flash_attn_type\": %d, "
           "\"n_prompt\": %d, \"n_gen\": %d, \"repetitions\": %d, \"pp_tokens_per_s\": %.3f, \"pp_tokens_per_s_sd\": %.3f, "
           "\"tg_tokens_per_s\": %.3f, \"tg_tokens_per_s_sd\": %.3f, \"model_bytes\": %llu}\n",
           desc, n_gpu_layers, (int)cp.flash_attn_type, n_prompt, n_gen, reps, pp_mean, pp_sd, tg_mean, tg_sd,
           (unsigned long long)llama_model_size(model));
    llama_free(ctx);
    llama_model_free(model);
    free(prompt);
    free(pp);
    free(tg);
    return 0;
}
