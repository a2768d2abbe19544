#include "model_test_fixtures.h"

#include "make_model.h"
#include "ponder/gguf.h"
#include "ponder/tokenizer.h"

#include <QFile>
#include <cstring>
#include <vector>

namespace ponder::test {

namespace {

// GPT-2 byte-level form of one byte: printable bytes stand for themselves, the others map to
// U+0100 upwards in byte order.
std::string byteToken(unsigned b) {
    auto printable = [](unsigned c) { return (c >= 0x21 && c <= 0x7E) || (c >= 0xA1 && c <= 0xAC) || c >= 0xAE; };
    char32_t cp = b;
    if (!printable(b)) {
        char32_t n = 0;
        for (unsigned c = 0; c < b; c++)
            if (!printable(c)) n++;
        cp = 256 + n;
    }
    return QString::fromUcs4(&cp, 1).toStdString();
}

ponder::Vocab tinyVocab() {
    ponder::Vocab v;
    for (unsigned b = 0; b < 256; b++) {
        v.tokens.push_back(byteToken(b));
        v.types.push_back(ponder::TokenType::Normal);
    }
    for (const char* special : {"<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜User｜>", "<｜Assistant｜>"}) {
        v.tokens.push_back(special);
        v.types.push_back(ponder::TokenType::Control);
    }
    v.bos = 256;
    v.eos = 257;
    v.pre = "deepseek-r1-qwen";
    return v;
}

std::vector<uint8_t> tensorBytes(ponder::TensorType type, int64_t n, float value) {
    const ponder::TensorTypeTraits* t = ponder::tensor_type_traits(static_cast<uint32_t>(type));
    std::vector<uint8_t> out(static_cast<size_t>(n / t->block_elems * t->block_bytes), 0);
    if (type == ponder::TensorType::F32)
        for (int64_t i = 0; i < n; i++) std::memcpy(&out[static_cast<size_t>(4 * i)], &value, 4);
    return out;  // other types: all-zero blocks (scale 0), valid for every block format
}

void setHparams(ponder::GgufWriter& w, const std::string& a, int nLayer, int nEmbd, int nHead, int nHeadKv, int nFf,
                int nCtx) {
    w.set_string("general.architecture", a);
    w.set_u32(a + ".context_length", static_cast<uint32_t>(nCtx));
    w.set_u32(a + ".embedding_length", static_cast<uint32_t>(nEmbd));
    w.set_u32(a + ".block_count", static_cast<uint32_t>(nLayer));
    w.set_u32(a + ".feed_forward_length", static_cast<uint32_t>(nFf));
    w.set_u32(a + ".attention.head_count", static_cast<uint32_t>(nHead));
    w.set_u32(a + ".attention.head_count_kv", static_cast<uint32_t>(nHeadKv));
    w.set_f32(a + ".attention.layer_norm_rms_epsilon", 1e-6f);
}

bool finish(const ponder::GgufWriter& w, const QString& path, QString* error) {
    std::string err;
    if (w.write_file(QFile::encodeName(path).toStdString(), err)) return true;
    if (error) *error = QString::fromStdString(err);
    return false;
}

} // namespace

bool writeTinyModel(const QString& path, const TinyModelSpec& s, QString* error) {
    using ponder::TensorType;
    std::string err;
    auto tok = ponder::Tokenizer::from_vocab(tinyVocab(), err);
    if (!tok) {
        if (error) *error = QString::fromStdString(err);
        return false;
    }
    ponder::GgufWriter w;
    const std::string a = s.arch;
    setHparams(w, a, s.nLayer, s.nEmbd, s.nHead, s.nHeadKv, s.nFf, s.nCtx);
    w.set_string("general.name", "ponder-test-tiny");
    if (s.fileType >= 0) w.set_u32("general.file_type", static_cast<uint32_t>(s.fileType));
    if (s.splitCount > 0) w.set_u16("split.count", static_cast<uint16_t>(s.splitCount));
    tok->write_gguf(w);
    const int64_t nVocab = tok->n_vocab(), hd = s.nEmbd / s.nHead, nKv = hd * s.nHeadKv;
    auto vec = [&](const std::string& name, int64_t n, float v) { w.add_tensor(name, TensorType::F32, {n}, tensorBytes(TensorType::F32, n, v)); };
    auto mat = [&](const std::string& name, int64_t in, int64_t out) {
        w.add_tensor(name, s.weightType, {in, out}, tensorBytes(s.weightType, in * out, 0.f));
    };
    w.add_tensor("token_embd.weight", TensorType::F32, {s.nEmbd, nVocab}, tensorBytes(TensorType::F32, s.nEmbd * nVocab, 0.01f));
    vec("output_norm.weight", s.nEmbd, 1.f);
    w.add_tensor("output.weight", TensorType::F32, {s.nEmbd, nVocab}, tensorBytes(TensorType::F32, s.nEmbd * nVocab, 0.01f));
    for (int l = 0; l < s.nLayer; l++) {
        const std::string p = "blk." + std::to_string(l) + ".";
        vec(p + "attn_norm.weight", s.nEmbd, 1.f);
        mat(p + "attn_q.weight", s.nEmbd, s.nEmbd);
        mat(p + "attn_k.weight", s.nEmbd, nKv);
        mat(p + "attn_v.weight", s.nEmbd, nKv);
        if (a == "qwen2") {
            vec(p + "attn_q.bias", s.nEmbd, 0.f);
            vec(p + "attn_k.bias", nKv, 0.f);
            vec(p + "attn_v.bias", nKv, 0.f);
        }
        mat(p + "attn_output.weight", s.nEmbd, s.nEmbd);
        vec(p + "ffn_norm.weight", s.nEmbd, 1.f);
        mat(p + "ffn_gate.weight", s.nEmbd, s.nFf);
        mat(p + "ffn_up.weight", s.nEmbd, s.nFf);
        mat(p + "ffn_down.weight", s.nFf, s.nEmbd);
    }
    if (s.paddingBytes > 0) vec("ponder_test.padding", s.paddingBytes / 4, 0.f);
    return finish(w, path, error);
}

bool writeHeaderOnlyModel(const QString& path, const std::string& arch, int nLayer, int nEmbd, int nHead, int nHeadKv,
                          int nCtx, QString* error) {
    ponder::GgufWriter w;
    setHparams(w, arch, nLayer, nEmbd, nHead, nHeadKv, 4 * nEmbd, nCtx);
    w.set_u32("general.file_type", 15);  // Q4_K_M
    w.add_tensor("output_norm.weight", ponder::TensorType::F32, {nEmbd}, tensorBytes(ponder::TensorType::F32, nEmbd, 1.f));
    return finish(w, path, error);
}

bool writeUnknownTypeModel(const QString& path, uint32_t typeId) {
    // Hand-written, since the writer only knows valid types: header, one KV, one tensor info.
    QByteArray b("GGUF");
    auto u32 = [&](uint32_t v) { b.append(reinterpret_cast<const char*>(&v), 4); };
    auto u64 = [&](uint64_t v) { b.append(reinterpret_cast<const char*>(&v), 8); };
    auto str = [&](const QByteArray& s) {
        u64(static_cast<uint64_t>(s.size()));
        b.append(s);
    };
    u32(3);
    u64(1);  // tensors
    u64(1);  // kvs
    str("general.architecture");
    u32(8);  // string
    str("qwen2");
    str("weird.weight");
    u32(1);   // n_dims
    u64(32);  // ne[0]
    u32(typeId);
    u64(0);   // offset
    while (b.size() % 32) b.append('\0');
    b.append(QByteArray(256, '\0'));
    return writeBytes(path, b);
}

namespace {

bool report(bool ok, const std::string& err, QString* error) {
    if (!ok && error) *error = QString::fromStdString(err);
    return ok;
}

} // namespace

bool writeTinyDeepseek2(const QString& path, QString* error) {
    std::string err;
    auto tok = ponder::Tokenizer::from_vocab(tinyVocab(), err);
    if (!tok) return report(false, err, error);
    ponder::GgufWriter vocab;
    tok->write_gguf(vocab);
    const std::string vocabPath = QFile::encodeName(path).toStdString() + ".vocab";
    if (!vocab.write_file(vocabPath, err)) return report(false, err, error);
    ponder::test::ModelSpec spec;
    spec.arch = "deepseek2";
    spec.vocab_from = vocabPath;
    spec.n_layer = 2;
    spec.n_ctx = 512;
    const bool ok = ponder::test::make_model(spec, QFile::encodeName(path).toStdString(), err);
    QFile::remove(QFile::decodeName(QByteArray::fromStdString(vocabPath)));
    return report(ok, err, error);
}

bool writeR1Header(const QString& path, QString* error) {
    std::string err;
    return report(ponder::test::write_r1_header("q4_k_m", QFile::encodeName(path).toStdString(), err), err, error);
}

bool splitModel(const QString& model, const QString& firstPath, int files, QString* error) {
    std::string err;
    return report(ponder::test::write_split(QFile::encodeName(model).toStdString(), QFile::encodeName(firstPath).toStdString(),
                                            files, err),
                  err, error);
}

bool writeBytes(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

bool truncateFile(const QString& path, qint64 size) {
    QFile f(path);
    return f.resize(size);
}

} // namespace ponder::test
