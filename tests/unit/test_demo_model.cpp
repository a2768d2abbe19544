// Golden end-to-end tests of the engine on the bundled demo model (resources/models): greedy
// completions of fixed conversations must be exactly the recorded text, and right. Like llama2.c's
// exact-text test: any change to tokenization, the template, a kernel or sampling that alters a
// single token shows up here.
//
// After retraining the demo model, regenerate the recorded texts with
//   PONDER_UPDATE_GOLDEN=1 build/tests/ponder_unit_tests --gtest_filter='DemoModel.*'
// (refused unless every answer is right).
#include "ponder/answer.h"
#include "ponder/engine.h"

#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace ponder;
using json = nlohmann::ordered_json;

namespace {

const std::string kModel = std::string(PONDER_SOURCE_DIR) + "/resources/models/ponder-demo.gguf";
const std::string kGolden = std::string(PONDER_SOURCE_DIR) + "/tests/golden/demo_greedy.json";

json read_golden() {
    std::ifstream in(kGolden);
    if (!in) return json::array();
    return json::parse(in);
}

std::string greedy_completion(const std::shared_ptr<Model>& model, const std::vector<ChatMessage>& msgs) {
    SessionOptions so;
    so.n_ctx = 2048;
    std::string err;
    auto s = Session::create(model, so, err);
    EXPECT_NE(s, nullptr) << err;
    if (!s) return {};
    std::vector<int32_t> prompt;
    EXPECT_TRUE(chat_render_tokens(model_tokenizer(*model), msgs, ChatRenderOptions{}, prompt, err)) << err;
    GenerateOptions go;
    go.sampler.temperature = 0;
    go.n_predict = 1000;
    GenerateResult r = s->generate(prompt, go, nullptr);
    EXPECT_EQ(r.reason, StopReason::Eos) << r.error;
    return model_tokenizer(*model).decode(r.tokens, true);
}

} // namespace

TEST(DemoModel, LoadsWithR1Format) {
    std::string err;
    auto m = model_load(kModel, {}, err);
    ASSERT_NE(m, nullptr) << err;
    EXPECT_EQ(model_hparams(*m).arch, "qwen2");
    EXPECT_EQ(model_chat_template(*m), ChatTemplateKind::DeepSeekR1);
    const Tokenizer& tok = model_tokenizer(*m);
    for (const char* special : {"<｜begin▁of▁sentence｜>", "<｜end▁of▁sentence｜>", "<｜User｜>", "<｜Assistant｜>",
                                "<think>", "</think>"})
        EXPECT_EQ(tok.encode(special, true).size(), 1u) << special;
}

TEST(DemoModel, GreedyAnswersAreExactAndRight) {
    std::string err;
    ModelOptions mo;
    mo.n_threads = 1;
    auto model = model_load(kModel, mo, err);
    ASSERT_NE(model, nullptr) << err;
    json golden = read_golden();
    ASSERT_FALSE(golden.empty()) << "no golden cases in " << kGolden;
    const bool update = std::getenv("PONDER_UPDATE_GOLDEN") != nullptr;
    bool all_right = true;
    for (json& c : golden) {
        std::vector<ChatMessage> msgs;
        for (const json& m : c["messages"]) msgs.push_back({m["role"].get<std::string>(), m["content"].get<std::string>()});
        const std::string what = msgs.back().content;
        std::string got = greedy_completion(model, msgs);
        auto text = final_answer_text(got, true);
        ASSERT_TRUE(text.has_value()) << what << ": no </think> in\n" << got;
        Grade g = grade_answer(*text, c["answer"].get<std::string>());
        EXPECT_TRUE(g.correct) << what << ": answered " << g.extracted << ", expected " << c["answer"] << "\n" << got;
        all_right = all_right && g.correct;
        if (update) c["completion"] = got;
        else EXPECT_EQ(got, c.value("completion", "")) << what;
    }
    if (update) {
        ASSERT_TRUE(all_right) << "not updating " << kGolden << ": some answers are wrong";
        std::ofstream(kGolden) << golden.dump(2, ' ', false) << "\n";
    }
}
