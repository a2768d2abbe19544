// The plain-C++ half of remote providers: SSE framing, chunk decoding (where each kind of server
// puts the thought), request bodies per preset, error texts and Retry-After.
#include "remote/chat_request.h"
#include "remote/chat_stream_decoder.h"
#include "remote/http_errors.h"
#include "remote/provider_presets.h"
#include "remote/sse_parser.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace ponder::remote;

namespace {

std::vector<SseEvent> parse_all(std::string_view text, size_t step = 0) {
    SseParser p;
    std::vector<SseEvent> out;
    if (step == 0) {
        EXPECT_TRUE(p.push(text, out));
    } else {
        for (size_t i = 0; i < text.size(); i += step) EXPECT_TRUE(p.push(text.substr(i, step), out));
    }
    return out;
}

struct Decoded {
    std::string reasoning, answer, error, finish;
    bool done = false;
};

Decoded decode(const std::vector<std::string>& chunks, bool inline_open = true) {
    ChatStreamDecoder d(inline_open);
    Decoded r;
    auto take = [&](const StreamUpdate& u) {
        r.reasoning += u.reasoning;
        r.answer += u.answer;
        r.error += u.error;
        if (!u.finish_reason.empty()) r.finish = u.finish_reason;
        r.done = r.done || u.done;
    };
    for (const std::string& c : chunks) take(d.push(c));
    take(d.finish());
    return r;
}

std::string delta(const char* key, const char* text) {
    return nlohmann::json{{"choices", {{{"index", 0}, {"delta", {{key, text}}}}}}}.dump();
}

} // namespace

TEST(Sse, EventsLinesAndComments) {
    const std::string text = ": keep-alive\n\ndata: a\ndata: b\n\nevent: x\nid: 7\ndata:c\n\n\n\ndata: last";
    for (size_t step : {0, 1, 2, 5}) {
        auto ev = parse_all(text, step);
        ASSERT_EQ(ev.size(), 2u) << "step " << step;
        EXPECT_EQ(ev[0].data, "a\nb");
        EXPECT_EQ(ev[1].data, "c");  // no space after the colon is fine too
        EXPECT_EQ(ev[1].type, "x");
        EXPECT_EQ(ev[1].id, "7");
    }
}

TEST(Sse, CrLfCrAndBomAcrossReads) {
    for (const std::string& text : {std::string("\xEF\xBB\xBF" "data: x\r\n\r\ndata: y\r\rdata: z\n\n")}) {
        for (size_t step : {0, 1, 3}) {
            auto ev = parse_all(text, step);
            ASSERT_EQ(ev.size(), 3u) << "step " << step;
            EXPECT_EQ(ev[0].data, "x");
            EXPECT_EQ(ev[1].data, "y");
            EXPECT_EQ(ev[2].data, "z");
        }
    }
    // Bytes that start like a BOM but are not one are text.
    auto ev = parse_all("\xEF" "data: q\n\ndata: r\n\n", 1);
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].data, "r");
}

TEST(Sse, OversizedEventIsAnError) {
    SseParser p(64);
    std::vector<SseEvent> out;
    EXPECT_FALSE(p.push("data: " + std::string(100, 'x'), out));
    EXPECT_NE(p.error().find("larger than 64"), std::string::npos);
    EXPECT_FALSE(p.push("\n\n", out));  // nothing more after that
}

TEST(ChatStream, ReasoningContentThenContent) {
    Decoded d = decode({delta("reasoning_content", "think "), delta("reasoning_content", "more"), delta("content", "  answer"),
                        R"({"choices":[{"delta":{},"finish_reason":"stop"}]})", "[DONE]"});
    EXPECT_EQ(d.reasoning, "think more");
    EXPECT_EQ(d.answer, "  answer");  // content is the answer verbatim once a reasoning field was seen
    EXPECT_EQ(d.finish, "stop");
    EXPECT_TRUE(d.done);
}

TEST(ChatStream, ReasoningField) {
    Decoded d = decode({delta("reasoning", "hmm"), delta("content", "ok")});
    EXPECT_EQ(d.reasoning, "hmm");
    EXPECT_EQ(d.answer, "ok");
}

TEST(ChatStream, InlineThinkAfterOpenedTemplate) {
    Decoded d = decode({delta("content", "Let me"), delta("content", " see.</th"), delta("content", "ink>\n\n42")});
    EXPECT_EQ(d.reasoning, "Let me see.");
    EXPECT_EQ(d.answer, "42");
}

TEST(ChatStream, InlineThinkOpenedByModelSplitAcrossChunks) {
    for (bool open : {false, true}) {
        Decoded d = decode({delta("content", "\n<th"), delta("content", "ink>\nx"), delta("content", "</think>y")}, open);
        EXPECT_EQ(d.reasoning, "\nx") << open;
        EXPECT_EQ(d.answer, "y") << open;
    }
}

TEST(ChatStream, PlainModelWithoutThinking) {
    Decoded d = decode({delta("content", "Hello"), delta("content", " there")}, /*inline_open=*/false);
    EXPECT_EQ(d.reasoning, "");
    EXPECT_EQ(d.answer, "Hello there");
}

TEST(ChatStream, UnclosedThoughtStaysReasoning) {
    Decoded d = decode({delta("content", "still thinking</thi")});
    EXPECT_EQ(d.reasoning, "still thinking</thi");  // the held-back tail is flushed at the end
    EXPECT_EQ(d.answer, "");
}

TEST(ChatStream, UsageAndDeepSeekCacheCounts) {
    ChatStreamDecoder d(true);
    StreamUpdate u = d.push(R"({"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":20,"prompt_cache_hit_tokens":8,
        "completion_tokens_details":{"reasoning_tokens":15}}})");
    ASSERT_TRUE(u.usage);
    EXPECT_EQ(u.usage->prompt_tokens, 10);
    EXPECT_EQ(u.usage->completion_tokens, 20);
    EXPECT_EQ(u.usage->reasoning_tokens, 15);
    EXPECT_EQ(u.usage->cached_prompt_tokens, 8);
}

TEST(ChatStream, ErrorsAndMalformedChunks) {
    Decoded e = decode({delta("content", "a"), R"({"error":{"message":"overloaded","code":503}})", delta("content", "b")});
    EXPECT_EQ(e.error, "overloaded");
    ChatStreamDecoder d(true);
    StreamUpdate u = d.push("{\"choices\": [");
    EXPECT_TRUE(u.malformed);
    EXPECT_TRUE(d.push(delta("content", "late")).answer.empty());  // nothing after a failure
    // Types that are not what OpenAI's schema says are ignored, not trusted.
    Decoded odd = decode({R"({"choices":[{"delta":{"content":5,"reasoning_content":null}}]})", R"({"choices":"x"})",
                          R"({"choices":[7]})", "[1,2]"});
    EXPECT_EQ(odd.answer, "");
    EXPECT_FALSE(odd.error.empty());  // the array is not a chunk
}

TEST(ChatStream, NonStreamedResponse) {
    ChatStreamDecoder d(true);
    StreamUpdate u = d.decode_response(
        R"({"choices":[{"message":{"role":"assistant","content":"5","reasoning_content":"2+3"},"finish_reason":"stop"}]})");
    EXPECT_EQ(u.reasoning, "2+3");
    EXPECT_EQ(u.answer, "5");
    EXPECT_TRUE(d.decode_response("<html>").malformed);
}

TEST(ChatStream, ErrorBodies) {
    EXPECT_EQ(error_message_from_body(R"({"error":{"message":"Insufficient Balance","type":"x"}})"), "Insufficient Balance");
    EXPECT_EQ(error_message_from_body(R"({"error":"bad key"})"), "bad key");
    EXPECT_EQ(error_message_from_body(R"({"object":"error","message":"max_tokens too large","code":400})"), "max_tokens too large");
    EXPECT_EQ(error_message_from_body(R"({"detail":[{"loc":["body","messages"],"msg":"field required"}]})"), "field required");
    EXPECT_EQ(error_message_from_body(R"({"choices":[]})"), "");
    EXPECT_EQ(error_message_from_body("Bad Gateway"), "");
}

TEST(ChatRequest, ReasonerGetsNoSamplingAndHistoryHasNoReasoning) {
    ChatRequestSpec spec;
    spec.preset_id = "deepseek";
    spec.model = "deepseek-reasoner";
    spec.messages = {{"system", "Be brief."}, {"user", "a"}, {"assistant", "b"}, {"user", "c"}};
    spec.sampling.temperature = 0.6;
    spec.sampling.top_p = 0.95;
    spec.sampling.top_k = 40;
    spec.sampling.max_tokens = 100;
    auto j = nlohmann::json::parse(build_chat_request(spec));
    EXPECT_EQ(j["model"], "deepseek-reasoner");
    EXPECT_FALSE(j.contains("temperature"));
    EXPECT_FALSE(j.contains("top_p"));
    EXPECT_FALSE(j.contains("top_k"));
    EXPECT_EQ(j["max_tokens"], 100);
    EXPECT_EQ(j["stream"], true);
    EXPECT_EQ(j["stream_options"]["include_usage"], true);
    ASSERT_EQ(j["messages"].size(), 4u);
    for (const auto& m : j["messages"]) EXPECT_EQ(m.size(), 2u) << m;  // role and content only

    spec.model = "deepseek-chat";
    j = nlohmann::json::parse(build_chat_request(spec));
    EXPECT_EQ(j["temperature"], 0.6);
    EXPECT_FALSE(j.contains("top_k"));  // not part of DeepSeek's API
    spec.preset_id = "vllm";
    j = nlohmann::json::parse(build_chat_request(spec));
    EXPECT_EQ(j["top_k"], 40);  // vLLM and SGLang accept it
}

TEST(ChatRequest, ThinkingBudgetGoesOnlyToServersThatTakeOne) {
    ChatRequestSpec spec;
    spec.model = "deepseek-ai/DeepSeek-R1";
    spec.messages = {{"user", "a"}};
    spec.sampling.thinking_budget = 512;
    spec.preset_id = "vllm";
    auto j = nlohmann::json::parse(build_chat_request(spec));
    EXPECT_EQ(j["thinking_token_budget"], 512);
    spec.sampling.thinking_budget = 0;  // no thought at all is a budget too
    EXPECT_EQ(nlohmann::json::parse(build_chat_request(spec))["thinking_token_budget"], 0);
    for (const char* other : {"deepseek", "sglang", "ollama", "lmstudio", "custom"}) {
        spec.preset_id = other;
        j = nlohmann::json::parse(build_chat_request(spec));
        EXPECT_FALSE(j.contains("thinking_token_budget")) << other;
        EXPECT_FALSE(j.contains("thinking_budget")) << other;
    }
    spec.preset_id = "vllm";
    spec.sampling.thinking_budget.reset();
    EXPECT_FALSE(nlohmann::json::parse(build_chat_request(spec)).contains("thinking_token_budget"));
}

TEST(ChatRequest, FailedAnswersAndRepeatedRolesAreMerged) {
    ChatRequestSpec spec;
    spec.preset_id = "custom";
    spec.model = "m";
    spec.messages = {{"user", "first"}, {"assistant", ""}, {"user", "again"}, {"assistant", "ok"}, {"user", "next"}};
    auto j = nlohmann::json::parse(build_chat_request(spec));
    ASSERT_EQ(j["messages"].size(), 3u);
    EXPECT_EQ(j["messages"][0]["content"], "first\n\nagain");
    EXPECT_EQ(j["messages"][1]["content"], "ok");
    // Invalid UTF-8 in user text is replaced, never an exception.
    spec.messages = {{"user", "bad \xff byte"}};
    EXPECT_NE(build_chat_request(spec).find("bad"), std::string::npos);
}

TEST(Presets, KnownServers) {
    ASSERT_NE(find_preset("deepseek"), nullptr);
    EXPECT_EQ(find_preset("deepseek")->base_url, "https://api.deepseek.com");
    EXPECT_TRUE(find_preset("deepseek")->needs_key);
    EXPECT_EQ(find_preset("vllm")->base_url, "http://localhost:8000/v1");
    EXPECT_EQ(find_preset("sglang")->base_url, "http://localhost:30000/v1");
    EXPECT_EQ(find_preset("ollama")->base_url, "http://localhost:11434/v1");
    EXPECT_EQ(find_preset("lmstudio")->base_url, "http://localhost:1234/v1");
    EXPECT_EQ(find_preset("nope"), nullptr);
    EXPECT_TRUE(model_starts_in_thought("deepseek-ai/DeepSeek-R1-Distill-Qwen-7B"));
    EXPECT_TRUE(model_starts_in_thought("deepseek-r1:7b"));
    EXPECT_FALSE(model_starts_in_thought("deepseek-chat"));
    EXPECT_TRUE(model_rejects_sampling("deepseek", "deepseek-reasoner"));
    EXPECT_FALSE(model_rejects_sampling("vllm", "deepseek-reasoner"));
}

TEST(HttpErrors, TextsAndRetryAfter) {
    EXPECT_NE(describe_http_status(401, "", "DeepSeek").find("DeepSeek refused the API key (HTTP 401)"), std::string::npos);
    EXPECT_NE(describe_http_status(402, "Insufficient Balance", "DeepSeek").find("\"Insufficient Balance\""), std::string::npos);
    EXPECT_NE(describe_http_status(503, "", "").find("The server is overloaded"), std::string::npos);
    EXPECT_TRUE(status_is_retryable(429));
    EXPECT_TRUE(status_is_retryable(503));
    EXPECT_FALSE(status_is_retryable(500));
    EXPECT_EQ(parse_retry_after("7", 0), 7);
    EXPECT_EQ(parse_retry_after(" 0 ", 0), 0);
    EXPECT_EQ(parse_retry_after("-3", 0), std::nullopt);
    EXPECT_EQ(parse_retry_after("1.5", 0), std::nullopt);
    EXPECT_EQ(parse_retry_after("", 0), std::nullopt);
    // 784111777 is Sun, 06 Nov 1994 08:49:37 GMT.
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 - 30), 30);
    EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 + 30), 0);  // in the past
    EXPECT_EQ(parse_retry_after("Sun, 06 Foo 1994 08:49:37 GMT", 0), std::nullopt);
}
