// A loaded model (internal): the mapped file, hyperparameters, tokenizer, the architecture that
// runs it, the backends of its placement and the weights on them.
#pragma once

#include "arch/arch.h"
#include "backend.h"
#include "placement.h"
#include "ponder/chat_template.h"
#include "ponder/engine.h"
#include "ponder/gguf.h"
#include "ponder/model_info.h"
#include "ponder/tokenizer.h"

#include <memory>
#include <vector>

namespace ponder {

struct Model {
    std::string path;
    std::unique_ptr<GgufFile> file;
    ModelHparams hp;
    const Architecture* arch = nullptr;
    std::unique_ptr<Tokenizer> tokenizer;
    ChatTemplateKind chat_template = ChatTemplateKind::Unsupported;
    std::string chat_template_error;
    std::vector<int32_t> eog_ids;  // tokens that end generation

    Placement placement;
    // Declared in this order so the weights go first, then their memory, then the backends.
    std::vector<std::unique_ptr<Backend>> backends;  // index = placement device
    std::vector<std::unique_ptr<Buffer>> weight_buffers;
    std::unique_ptr<ArchWeights> weights;
    // Bytes of the mapped file handed back to the kernel after their copy went to a device: the
    // host keeps only what the CPU reads in place.
    uint64_t file_bytes_released = 0;

    bool is_eog(int32_t id) const;
};

// Hands an architecture its weights: each tensor checked against the shape the forward expects
// and put on the backend the placement gives its part of the model, used in place from the
// mapped file where that backend can read host memory, else uploaded in bounded pieces with
// progress and cancel.
class WeightLoader {
public:
    WeightLoader(Model& model, const ModelOptions& options);

    // Placement devices of the parts of the model.
    int input_device() const { return model_.placement.input; }
    int output_device() const { return model_.placement.output; }
    int layer_device(int64_t layer) const { return model_.placement.layers[static_cast<size_t>(layer)]; }

    // The weight `name` of extents `shape` (dims[0] first; 1-D for norms and biases, which must
    // be F32) on `device`. Missing and optional: true with `out` empty.
    bool get(const std::string& name, std::vector<int64_t> shape, int device, Tensor& out, bool optional = false);
    // Values computed on the host (Llama 3 rope factors, a transposed matrix) as a tensor of
    // `shape` (default: 1-D) and type F32 or F16 on `device`.
    bool put(const std::vector<float>& values, int device, Tensor& out, std::vector<int64_t> shape = {},
             TensorType type = TensorType::F32);

    const GgufFile& file() const { return *model_.file; }
    const std::string& error() const { return error_; }
    bool cancelled() const { return cancelled_; }
    // Once every weight is in place: the pages of the mapped file that were only copied to a
    // device leave this process (read from the file again if anything touches them), so the host
    // keeps only what the CPU reads in place. Done at the end, not per tensor, because a fault on
    // the next tensor would map its already copied neighbours back in (the kernel's fault-around).
    void release_copied_pages();

private:
    bool upload(const uint8_t* src, size_t bytes, TensorType type, const std::vector<int64_t>& shape, int device, Tensor& out);
    bool in_file(const uint8_t* src, size_t bytes) const;  // inside a data region of the mapped file

    Model& model_;
    const ModelOptions& options_;
    std::vector<std::vector<Buffer*>> mapped_;    // per device, per file: the data regions, when borrowed
    std::vector<std::unique_ptr<Stream>> streams_;  // per device, created for the first upload
    std::vector<std::pair<const uint8_t*, size_t>> copied_;  // ranges of the mapped file copied to devices
    uint64_t uploaded_ = 0, upload_total_ = 0;
    std::string error_;
    bool cancelled_ = false;
};

} // namespace ponder
