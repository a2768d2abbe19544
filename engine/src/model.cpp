// Model loading: the file, its architecture and tokenizer, a placement over the requested
// devices, then the architecture's weights (every tensor the forward will use checked for
// presence, shape and type) before anything runs, with the memory they need checked against
// what the machine has.
#include "model.h"

#include "backend_registry.h"

#include "quant.h"

#include <algorithm>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <sys/mman.h>
#include <unistd.h>

namespace ponder {

bool Model::is_eog(int32_t id) const {
    for (int32_t e : eog_ids)
        if (e == id) return true;
    return false;
}

uint64_t available_memory_bytes() {
    if (const char* o = std::getenv("PONDER_MEM_AVAILABLE")) return std::strtoull(o, nullptr, 10);
    std::ifstream in("/proc/meminfo");
    std::string key, unit;
    uint64_t kb;
    while (in >> key >> kb) {
        std::getline(in, unit);
        if (key == "MemAvailable:") return kb * 1024;
    }
    return UINT64_MAX;
}

uint64_t kv_bytes_per_token(const ModelHparams& hp, TensorType kv_type) {
    const Architecture* arch = find_architecture(hp.arch);
    return arch ? arch->kv_bytes_per_token(hp, kv_type) : 0;
}

// --- weights -----------------------------------------------------------------------------------

namespace {

// Copies go to the device in pieces of this size, so progress moves and cancel is prompt.
constexpr size_t kUploadPiece = 16u << 20;

std::string shape_text(const std::vector<int64_t>& ne) {
    std::string s = "{";
    for (size_t i = 0; i < ne.size(); i++) s += (i ? ", " : "") + std::to_string(ne[i]);
    return s + "}";
}

// The tensor's extents with trailing 1s dropped (a 2-D {n, 1} weight stays 2-D: n_dims decides).
std::vector<int64_t> file_shape(const GgufTensor& t) {
    return std::vector<int64_t>(t.ne, t.ne + std::max(1, t.n_dims));
}

Tensor shaped(Buffer* buffer, size_t offset, TensorType type, const std::vector<int64_t>& ne) {
    return make_tensor(buffer, offset, type, ne[0], ne.size() > 1 ? ne[1] : 1, ne.size() > 2 ? ne[2] : 1,
                       ne.size() > 3 ? ne[3] : 1);
}

} // namespace

WeightLoader::WeightLoader(Model& model, const ModelOptions& options)
    : model_(model), options_(options), mapped_(model.backends.size()), streams_(model.backends.size()) {
    // Each file's data region (one per file of a split set), borrowed once per device that can
    // read host memory; the weights of the other devices are copied, and their total is what
    // progress counts to.
    for (size_t d = 0; d < model.backends.size(); d++) {
        for (const GgufFile::Shard& shard : model.file->shards()) {
            std::unique_ptr<Buffer> b = options.use_mmap ? model.backends[d]->borrow_host(shard.data, shard.data_size) : nullptr;
            if (!b) break;
            mapped_[d].push_back(b.get());
            model.weight_buffers.push_back(std::move(b));
        }
        if (mapped_[d].size() != model.file->shards().size()) {
            mapped_[d].clear();
            upload_total_ += model.placement.bytes[d];
        }
    }
}

bool WeightLoader::get(const std::string& name, std::vector<int64_t> shape, int device, Tensor& out, bool optional) {
    out = Tensor{};
    const GgufTensor* t = model_.file->find_tensor(name);
    if (!t) {
        if (optional) return true;
        error_ = "tensor '" + name + "' is missing";
        return false;
    }
    while (shape.size() > 1 && shape.back() == 1) shape.pop_back();
    std::vector<int64_t> have = file_shape(*t);
    while (have.size() > 1 && have.back() == 1) have.pop_back();
    if (have != shape) {
        error_ = "tensor '" + name + "' has shape " + shape_text(file_shape(*t)) + ", expected " + shape_text(shape);
        return false;
    }
    if (!tensor_type_supported(t->type)) {
        error_ = "tensor '" + name + "' has type " + std::string(tensor_type_name(t->type)) +
                 ", which Ponder cannot compute with yet";
        return false;
    }
    if (shape.size() == 1 && t->type != TensorType::F32) {
        error_ = "tensor '" + name + "' (a norm or bias) must be F32, found " + std::string(tensor_type_name(t->type));
        return false;
    }
    if (const std::vector<Buffer*>& mapped = mapped_[static_cast<size_t>(device)]; !mapped.empty()) {
        out = shaped(mapped[static_cast<size_t>(t->shard)], t->offset, t->type, shape);
        return true;
    }
    return upload(t->data, t->nbytes, t->type, shape, device, out);
}

bool WeightLoader::put(const std::vector<float>& values, int device, Tensor& out, std::vector<int64_t> shape,
                       TensorType type) {
    if (shape.empty()) shape = {static_cast<int64_t>(values.size())};
    if (type == TensorType::F16) {
        std::vector<uint16_t> half(values.size());
        for (size_t i = 0; i < values.size(); i++) half[i] = fp32_to_fp16(values[i]);
        return upload(reinterpret_cast<const uint8_t*>(half.data()), half.size() * 2, type, shape, device, out);
    }
    return upload(reinterpret_cast<const uint8_t*>(values.data()), values.size() * sizeof(float), TensorType::F32, shape,
                  device, out);
}

bool WeightLoader::upload(const uint8_t* src, size_t bytes, TensorType type, const std::vector<int64_t>& shape,
                          int device, Tensor& out) {
    Backend& backend = *model_.backends[static_cast<size_t>(device)];
    std::unique_ptr<Stream>& stream = streams_[static_cast<size_t>(device)];
    if (!stream) stream = backend.create_stream();
    std::unique_ptr<Buffer> buffer = backend.alloc(bytes);
    out = shaped(buffer.get(), 0, type, shape);
    model_.weight_buffers.push_back(std::move(buffer));
    auto progress = [&](size_t n) {
        uploaded_ += n;
        if (options_.progress) options_.progress(uploaded_, std::max(uploaded_, upload_total_));
    };
    if (!upload_in_pieces(*stream, out, src, bytes, kUploadPiece, progress, options_.cancel)) {
        cancelled_ = true;
        error_ = "cancelled";
        return false;
    }
    stream->synchronize();  // the source (the mapping, or `values`) may go away after this
    if (in_file(src, bytes)) copied_.emplace_back(src, bytes);
    return true;
}

bool WeightLoader::in_file(const uint8_t* src, size_t bytes) const {
    for (const GgufFile::Shard& shard : model_.file->shards())
        if (shard.data && src >= shard.data && src + bytes <= shard.data + shard.data_size) return true;
    return false;
}

void WeightLoader::release_copied_pages() {
    // Neighbouring copied tensors (GGUF pads each to 32 bytes) merge, so the page they share goes too.
    constexpr size_t kPadding = 64;
    std::sort(copied_.begin(), copied_.end());
    const auto page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
    auto release = [&](uintptr_t from, uintptr_t to) {
        const uintptr_t begin = (from + page - 1) / page * page, end = to / page * page;
        if (end > begin && ::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_DONTNEED) == 0)
            model_.file_bytes_released += end - begin;
    };
    uintptr_t from = 0, to = 0;
    for (const auto& [src, bytes] : copied_) {
        const auto a = reinterpret_cast<uintptr_t>(src);
        if (to != 0 && a <= to + kPadding) {
            to = std::max<uintptr_t>(to, a + bytes);
            continue;
        }
        if (to != 0) release(from, to);
        from = a;
        to = a + bytes;
    }
    if (to != 0) release(from, to);
    copied_.clear();
}

// --- loading -----------------------------------------------------------------------------------

namespace {

std::string gib(uint64_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f GiB", static_cast<double>(bytes) / (1024.0 * 1024 * 1024));
    return buf;
}

// The placement's devices as backends.
bool create_backends(Model& m, const ModelOptions& opt, std::string& error) {
    std::vector<DeviceSpec> devices;
    if (!parse_device_spec(opt.devices, devices, error)) return false;
    for (const DeviceSpec& d : devices) {
        std::unique_ptr<Backend> backend = create_backend({d, opt, m.file->file_size()}, error);
        if (!backend) return false;
        m.backends.push_back(std::move(backend));
    }
    return plan_placement(devices, model_footprint(*m.file, m.hp.n_layer), m.placement, error);
}

// Tokens that end generation: EOS and the control tokens that end a turn in these vocabularies
// (llama.cpp stops on the same ones).
void find_end_of_generation_tokens(Model& m) {
    const Vocab& v = m.tokenizer->vocab();
    if (v.eos >= 0) m.eog_ids.push_back(v.eos);
    for (const char* name : {"<｜end▁of▁sentence｜>", "<|eot_id|>", "<|eom_id|>", "<|end_of_text|>", "<|im_end|>",
                             "<|endoftext|>", "<|fim_pad|>", "<|repo_name|>", "<|file_sep|>"}) {
        int32_t id = m.tokenizer->find(name);
        if (id >= 0 && m.tokenizer->type(id) == TokenType::Control && !m.is_eog(id)) m.eog_ids.push_back(id);
    }
}

// Bytes of the data regions of `file` that are holes: never written, as in a sparse file or
// a download still in progress (downloaders preallocate). Such weights would read as zeros.
uint64_t unwritten_bytes(const GgufFile& file) {
    uint64_t holes = 0;
    for (const GgufFile::Shard& shard : file.shards()) {
        const int fd = ::open(shard.path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) continue;
        const auto end = static_cast<off_t>(shard.file_size);
        for (off_t pos = static_cast<off_t>(shard.file_size - shard.data_size); pos < end;) {
            const off_t hole = ::lseek(fd, pos, SEEK_HOLE);
            if (hole < 0 || hole >= end) break;
            off_t data = ::lseek(fd, hole, SEEK_DATA);
            if (data < 0 || data > end) data = end;
            holes += static_cast<uint64_t>(data - hole);
            pos = data;
        }
        ::close(fd);
    }
    return holes;
}

std::shared_ptr<Model> load(const std::string& path, const ModelOptions& opt, std::string& error) {
    auto m = std::make_shared<Model>();
    m->path = path;
    m->file = gguf_open(path, error);
    if (!m->file) return nullptr;
    auto fail = [&](const std::string& why) -> std::shared_ptr<Model> {
        error = why == "cancelled" ? why : path + ": " + why;
        return nullptr;
    };
    if (!model_hparams_read(*m->file, m->hp, error)) return fail(error);
    // A few zero pages may be holes after a sparse copy; a sixteenth of the weights is not that.
    if (const uint64_t holes = unwritten_bytes(*m->file); holes >= (64ull << 20) && holes * 16 >= m->file->file_size())
        return fail("the weights are missing: " + gib(holes) + " of the file's " + gib(m->file->file_size()) +
                    " were never written (a header-only or sparse file, or a download that has not finished); "
                    "info and plan work on it, running it needs the whole file");
    m->arch = find_architecture(m->hp.arch);
    if (!m->arch->runnable())
        return fail("architecture '" + m->hp.arch + "' cannot run on the engine yet (" + architecture_names(true) + " can)");
    m->tokenizer = Tokenizer::from_gguf(*m->file, error);
    if (!m->tokenizer) return fail(error);
    if (!chat_template_of_model(m->file->get_string("tokenizer.chat_template"), m->chat_template, m->chat_template_error))
        m->chat_template = ChatTemplateKind::Unsupported;
    if (opt.check_memory) {
        uint64_t need = m->file->file_size(), have = available_memory_bytes();
        if (need > have)
            return fail("the model needs " + gib(need) + " of memory for its weights but only " + gib(have) +
                        " is available; close other programs or choose a smaller quantization");
    }
    if (!create_backends(*m, opt, error)) return fail(error);
    WeightLoader loader(*m, opt);
    m->weights = m->arch->load_weights(loader, m->hp, error);
    if (!m->weights) return fail(loader.cancelled() ? "cancelled" : error);
    loader.release_copied_pages();
    find_end_of_generation_tokens(*m);
    return m;
}

} // namespace

std::shared_ptr<Model> model_load(const std::string& path, const ModelOptions& opt, std::string& error) {
    // No exception crosses the API: running out of memory while placing weights is an error.
    try {
        return load(path, opt, error);
    } catch (const std::bad_alloc&) {
        error = path + ": out of memory while loading the weights";
    } catch (const std::exception& e) {
        error = path + ": " + e.what();
    }
    return nullptr;
}

const ModelHparams& model_hparams(const Model& m) { return m.hp; }
const Tokenizer& model_tokenizer(const Model& m) { return *m.tokenizer; }
ChatTemplateKind model_chat_template(const Model& m) { return m.chat_template; }
const std::string& model_chat_template_error(const Model& m) { return m.chat_template_error; }
bool model_is_end_of_generation(const Model& m, int32_t token) { return m.is_eog(token); }
uint64_t model_weights_bytes(const Model& m) { return m.file->file_size(); }

std::string model_backend_description(const Model& m) {
    if (m.backends.size() == 1) return m.backends[0]->describe();
    std::string s;
    for (size_t d = 0; d < m.backends.size(); d++) s += (d ? " + " : "") + m.backends[d]->describe();
    return s + " [" + m.placement.describe() + "]";
}

} // namespace ponder
