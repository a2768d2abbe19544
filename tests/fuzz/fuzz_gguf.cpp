// libFuzzer target: the GGUF reader on arbitrary bytes must never crash, hang, leak or allocate
// more than the input justifies; whatever it accepts must be internally consistent.
#include "ponder/gguf.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string error;
    auto f = ponder::gguf_parse(data, size, error);
    if (!f) {
        if (error.empty()) std::abort();  // a rejection must say why
        return 0;
    }
    for (const ponder::GgufTensor& t : f->tensors()) {
        if (t.data < data || t.data + t.nbytes > data + size) std::abort();
        volatile uint8_t sink = t.nbytes ? t.data[t.nbytes - 1] : 0;  // touch the last byte
        (void)sink;
    }
    for (const ponder::GgufKv& kv : f->kvs())
        if (kv.value.raw && kv.value.count) (void)kv.value.array_double(kv.value.count - 1);
    return 0;
}
