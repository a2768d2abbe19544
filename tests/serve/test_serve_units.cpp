// ponder-cli serve's pieces without sockets: the HTTP parser (any split of the bytes, pipelining,
// chunked bodies, every refusal with its status), the Host and Origin rules, the request checker, the stop matcher and the
// response writer.
#include "chat_request.h"
#include "completion_writer.h"
#include "http_request.h"
#include "local_origin.h"
#include "stop_matcher.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace ponder;
using namespace ponder::serve;

namespace {

// Parses `bytes` fed `step` bytes at a time; returns the requests, and the error status (0: none).
std::vector<HttpRequest> parse_all(std::string_view bytes, size_t step, int& error, HttpLimits limits = {}) {
    HttpRequestParser p(limits);
    std::vector<HttpRequest> out;
    error = 0;
    for (size_t at = 0; at < bytes.size() && !error; at += step) {
        p.append(bytes.substr(at, step));
        for (;;) {
            auto st = p.parse();
            if (st == HttpRequestParser::Status::Error) error = p.error_status();
            if (st != HttpRequestParser::Status::Done) break;
            out.push_back(p.take());
        }
    }
    return out;
}

int status_of(std::string_view bytes, HttpLimits limits = {}) {
    int error = 0;
    parse_all(bytes, bytes.size(), error, limits);
    return error;
}

} // namespace

TEST(HttpRequestParser, AnySplitGivesTheSameRequests) {
    const std::string bytes =
        "POST /v1/chat/completions?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nX-Y:  spaced \r\n\r\nhello"
        "GET /health HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"
        "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nTrailer: t\r\n\r\n";
    for (size_t step : {1, 2, 7, 64, 100000}) {
        int error;
        auto reqs = parse_all(bytes, step, error);
        ASSERT_EQ(error, 0) << step;
        ASSERT_EQ(reqs.size(), 3u) << step;
        EXPECT_EQ(reqs[0].method, "POST");
        EXPECT_EQ(reqs[0].path(), "/v1/chat/completions");
        EXPECT_EQ(reqs[0].body, "hello");
        EXPECT_EQ(*reqs[0].header("x-y"), "spaced");
        EXPECT_TRUE(reqs[0].keep_alive());
        EXPECT_FALSE(reqs[1].keep_alive());
        EXPECT_EQ(reqs[2].body, "abcde");
    }
}

TEST(HttpRequestParser, RefusalsCarryTheirStatus) {
    EXPECT_EQ(status_of("HELLO\r\n\r\n"), 400);
    EXPECT_EQ(status_of("GET  /x HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
    EXPECT_EQ(status_of("GET x HTTP/1.1\r\nHost: h\r\n\r\n"), 400);
    EXPECT_EQ(status_of("GET /x HTTP/2.0\r\n\r\n"), 505);
    EXPECT_EQ(status_of("POST /x HTTP/1.1\r\nHost: h\r\n\r\n"), 411);
    EXPECT_EQ(status_of("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 2000000\r\n\r\n"), 413);
    EXPECT_EQ(status_of("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n"), 400);
    EXPECT_EQ(status_of("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n"), 400);
    EXPECT_EQ(status_of("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"), 400);
    EXPECT_EQ(status_of("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"), 400);
    // An empty Content-Length is present, not absent: refused, alone or beside chunked (found by fuzzing).
    EXPECT_EQ(status_of("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length:\r\n\r\n"), 400);
    EXPECT_EQ(status_of("POST /x HTTP/1.1\r\nHost: h\r\nContent-Length: \r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 400);
    EXPECT_EQ(status_of("POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n"), 501);
    EXPECT_EQ(status_of("GET /x HTTP/1.1\r\nHost: h\r\nA: b\r\n folded\r\n\r\n"), 400);
    EXPECT_EQ(status_of("GET /x HTTP/1.1\r\nHost: h\r\nNo colon\r\n\r\n"), 400);
    EXPECT_EQ(status_of("GET /x HTTP/1.1\r\nHost: h\r\nA: " + std::string(20000, 'a') + "\r\n\r\n"), 431);
    std::string many = "GET /x HTTP/1.1\r\nHost: h\r\n";
    for (int i = 0; i < 100; i++) many += "H" + std::to_string(i) + ": v\r\n";
    EXPECT_EQ(status_of(many + "\r\n"), 431);
    EXPECT_EQ(status_of("POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"), 400);
    EXPECT_EQ(status_of("POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n"), 400);
    HttpLimits small;
    small.max_body_bytes = 4;
    EXPECT_EQ(status_of("POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n", small), 413);
    EXPECT_EQ(status_of("POST /x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n", small), 400);
}

TEST(HttpRequestParser, ContinueAndHttp10) {
    HttpRequestParser p;
    p.append("POST /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
    EXPECT_EQ(p.parse(), HttpRequestParser::Status::NeedMore);
    EXPECT_TRUE(p.take_continue_request());
    EXPECT_FALSE(p.take_continue_request());
    p.append("ok");
    EXPECT_EQ(p.parse(), HttpRequestParser::Status::Done);
    EXPECT_EQ(p.take().body, "ok");
    p.append("GET / HTTP/1.0\r\n\r\n");
    ASSERT_EQ(p.parse(), HttpRequestParser::Status::Done);
    HttpRequest r = p.take();
    EXPECT_EQ(r.minor_version, 0);
    EXPECT_FALSE(r.keep_alive());
}

// Framing a front proxy could read differently from us is refused (request smuggling): every
// Transfer-Encoding header counts, chunked needs HTTP/1.1, and HTTP/1.1 needs exactly one Host.
TEST(HttpRequestParser, StrictFraming) {
    const std::string post = "POST /x HTTP/1.1\r\nHost: h\r\n";
    EXPECT_EQ(status_of(post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: gzip\r\n\r\n0\r\n\r\n"), 400);
    EXPECT_EQ(status_of(post + "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 501);
    EXPECT_EQ(status_of(post + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n"), 400);  // chunked not last
    EXPECT_EQ(status_of(post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 400);
    EXPECT_EQ(status_of(post + "Transfer-Encoding: chunked,\r\n\r\n0\r\n\r\n"), 400);
    EXPECT_EQ(status_of(post + "Transfer-Encoding:\r\n\r\n"), 400);
    EXPECT_EQ(status_of(post + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"), 501);
    EXPECT_EQ(status_of("POST /x HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), 400);
    EXPECT_EQ(status_of("GET /x HTTP/1.1\r\n\r\n"), 400);
    EXPECT_EQ(status_of("GET /x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), 400);
    EXPECT_EQ(status_of("GET /x HTTP/1.1\r\nHost: a\r\nhost: a\r\n\r\n"), 400);
    // What stays accepted: chunked in any case, HTTP/1.0 without Host, an empty Host (RFC 9112 3.2).
    int error = 0;
    auto ok = parse_all(post + "Transfer-Encoding:  ChUnKeD \r\n\r\n2\r\nhi\r\n0\r\n\r\n"
                        "GET /y HTTP/1.0\r\n\r\nGET /z HTTP/1.1\r\nHost:\r\n\r\n", 3, error);
    EXPECT_EQ(error, 0);
    ASSERT_EQ(ok.size(), 3u);
    EXPECT_EQ(ok[0].body, "hi");
    EXPECT_EQ(ok[1].path(), "/y");
    EXPECT_EQ(*ok[2].header("host"), "");
}

// Without a key: only requests for this machine's loopback (DNS rebinding gives the attacker's
// name) and from no page but a local one (cross-site requests).
TEST(LocalOrigin, HostHeader) {
    for (const char* ok : {"127.0.0.1", "127.0.0.1:8080", "127.1.2.3:1", "localhost", "LocalHost:8080", "[::1]",
                           "[::1]:8080", "[::ffff:127.0.0.1]:80", "myhost:8080", "MYHOST"})
        EXPECT_TRUE(host_header_is_local(ok, "myhost")) << ok;
    for (const char* bad : {"", "evil.example", "evil.example:8080", "127.0.0.1.evil.example", "localhost.evil:80",
                            "localhost.", "128.0.0.1", "0.0.0.0:8080", "10.0.0.1", "[::2]:80", "::1", "[::1",
                            "127.0.0.1:", "127.0.0.1:80:80", "127.0.0.1:8x", "127.0.0.1:123456", "127.1", "0x7f.0.0.1",
                            "localhost@evil.example", "[::1]x", "user@127.0.0.1", "127.0.0.1 "})
        EXPECT_FALSE(host_header_is_local(bad, "myhost")) << bad;
    EXPECT_FALSE(host_header_is_local("myhost", ""));
}

TEST(LocalOrigin, OriginHeader) {
    for (const char* ok : {"http://localhost:3000", "http://127.0.0.1", "https://[::1]:8443", "HTTP://LOCALHOST"})
        EXPECT_TRUE(origin_is_local(ok)) << ok;
    for (const char* bad : {"null", "", "http://evil.example", "https://evil.example:8080", "http://localhost.evil.example",
                            "file://", "chrome-extension://abc", "ftp://127.0.0.1", "http://127.0.0.1/x", "127.0.0.1",
                            "http://", "http://user@127.0.0.1"})
        EXPECT_FALSE(origin_is_local(bad)) << bad;
}

TEST(ChatRequest, AcceptsWhatClientsSend) {
    ChatRequest r;
    ApiError e;
    ASSERT_TRUE(parse_chat_request(R"({"model":"m","messages":[{"role":"developer","content":"Be brief."},
        {"role":"user","content":"hi"},{"role":"assistant","content":"yo","reasoning_content":"hmm"},
        {"role":"user","content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}],
        "stream":true,"stream_options":{"include_usage":true},"max_tokens":10,"max_completion_tokens":20,
        "temperature":0,"top_p":0.5,"top_k":4,"min_p":0.1,"seed":-1,"stop":"x","n":1,"tools":[],
        "frequency_penalty":0,"whatever":{"nested":[1,2]}})", r, e)) << e.message;
    ASSERT_EQ(r.messages.size(), 4u);
    EXPECT_EQ(r.messages[0].role, "system");
    EXPECT_EQ(r.messages[2].content, "yo");
    EXPECT_EQ(r.messages[3].content, "a\nb");
    EXPECT_TRUE(r.stream && r.include_usage);
    EXPECT_EQ(*r.max_tokens, 20);
    EXPECT_EQ(*r.temperature, 0);
    EXPECT_EQ(*r.top_k, 4);
    EXPECT_EQ(*r.seed, UINT64_MAX);
    EXPECT_EQ(r.stop, std::vector<std::string>{"x"});
}

TEST(ChatRequest, RefusesWithOneSentence) {
    const char* bad[] = {
        "", "{", "[]", "{}", R"({"messages":{}})", R"({"messages":[]})", R"({"messages":[1]})",
        R"({"messages":[{"content":"x"}]})", R"({"messages":[{"role":"user"}]})", R"({"messages":[{"role":"user","content":5}]})",
        R"({"messages":[{"role":"tool","content":"x"}]})", R"({"messages":[{"role":"assistant","content":"x"}]})",
        R"({"messages":[{"role":"user","content":[{"type":"image_url"}]}]})",
        R"({"messages":[{"role":"user","content":"x"}],"temperature":"1"})",
        R"({"messages":[{"role":"user","content":"x"}],"temperature":2.5})",
        R"({"messages":[{"role":"user","content":"x"}],"max_tokens":0})",
        R"({"messages":[{"role":"user","content":"x"}],"max_tokens":1.5})",
        R"({"messages":[{"role":"user","content":"x"}],"n":3})",
        R"({"messages":[{"role":"user","content":"x"}],"stop":[1]})",
        R"({"messages":[{"role":"user","content":"x"}],"stream":1})",
        R"({"messages":[{"role":"user","content":"x"}],"logprobs":true})",
        R"({"messages":[{"role":"user","content":"x"}],"response_format":{"type":"json_object"}})",
        R"({"messages":[{"role":"user","content":"x"}],"model":7})",
    };
    for (const char* body : bad) {
        ChatRequest r;
        ApiError e;
        EXPECT_FALSE(parse_chat_request(body, r, e)) << body;
        EXPECT_EQ(e.status, 400) << body;
        EXPECT_FALSE(e.code.empty()) << body;
        EXPECT_EQ(e.message.back(), '.') << body;
    }
}

TEST(ChatRequest, ThinkingBudgetAndReasoningEffort) {
    ChatRequest r;
    ApiError e;
    const std::string msgs = R"("messages":[{"role":"user","content":"hi"}])";
    ASSERT_TRUE(parse_chat_request("{" + msgs + R"(,"thinking_token_budget":64})", r, e)) << e.message;
    EXPECT_EQ(r.thinking_budget, 64);
    EXPECT_FALSE(r.reasoning_effort);
    ASSERT_TRUE(parse_chat_request("{" + msgs + R"(,"chat_template_kwargs":{"thinking_budget":0,"enable_thinking":true}})", r, e));
    EXPECT_EQ(r.thinking_budget, 0);
    // vLLM's field wins over the template hint when both are sent.
    ASSERT_TRUE(parse_chat_request("{" + msgs + R"(,"thinking_token_budget":9,"chat_template_kwargs":{"thinking_budget":5}})", r, e));
    EXPECT_EQ(r.thinking_budget, 9);
    for (const char* effort : {"none", "minimal", "low", "medium", "high"}) {
        ASSERT_TRUE(parse_chat_request("{" + msgs + R"(,"reasoning_effort":")" + effort + R"("})", r, e)) << effort;
        EXPECT_EQ(r.reasoning_effort, effort);
        EXPECT_FALSE(r.thinking_budget);
    }
    ASSERT_TRUE(parse_chat_request("{" + msgs + R"(,"thinking_token_budget":null,"reasoning_effort":null})", r, e));
    EXPECT_FALSE(r.thinking_budget);
    for (const char* bad : {R"("thinking_token_budget":-1)", R"("thinking_token_budget":"64")", R"("thinking_token_budget":1.5)",
                            R"("reasoning_effort":"max")", R"("reasoning_effort":3)", R"("chat_template_kwargs":[])",
                            R"("chat_template_kwargs":{"thinking_budget":-4})"}) {
        EXPECT_FALSE(parse_chat_request("{" + msgs + "," + bad + "}", r, e)) << bad;
        EXPECT_EQ(e.status, 400);
        EXPECT_FALSE(e.message.empty());
    }
}

TEST(CompletionWriter, ForcedEndingsAreReportedWhereTheyHappen) {
    ForcedAction cut{ForcedKind::BudgetEnd, 64, 0, 0};
    auto events = [&](CompletionWriter& w) {
        std::string out = w.start();
        GenerationStats st;
        out += w.on_event({EventKind::Reasoning, "think", st, StopReason::None, {}, {}});
        out += w.on_event({EventKind::Forced, {}, st, StopReason::None, {}, cut});
        out += w.on_event({EventKind::Answer, "answer", st, StopReason::None, {}, {}});
        GenerateResult r;
        r.reason = StopReason::Eos;
        r.forced = {cut};
        return out + w.finish(r);
    };
    CompletionInfo info{"chatcmpl-1", 1, "m", false, false, true, true, 10, {}};
    CompletionWriter whole(info);
    const std::string http = events(whole);
    auto j = nlohmann::json::parse(http.substr(http.find("\r\n\r\n") + 4));
    const auto& forced = j["choices"][0]["message"]["forced_thinking"];
    ASSERT_EQ(forced.size(), 1u);
    EXPECT_EQ(forced[0]["kind"], "budget");
    EXPECT_EQ(forced[0]["at_token"], 64);
    EXPECT_EQ(forced[0]["description"], "Thought cut at 64 tokens (the thinking budget)");
    info.stream = true;
    CompletionWriter stream(info);
    const std::string sse = events(stream);
    const size_t think = sse.find("\"reasoning_content\":\"think\""), mark = sse.find("\"forced_thinking\""),
                 answer = sse.find("\"content\":\"answer\"");
    ASSERT_NE(mark, std::string::npos) << sse;
    EXPECT_LT(think, mark);
    EXPECT_LT(mark, answer);
}

TEST(StopMatcher, FindsStopsSplitAcrossPieces) {
    StopMatcher m({"END", "xy"});
    EXPECT_EQ(m.push("abcE"), "abc");  // "E" may start "END": held back
    EXPECT_EQ(m.push("N"), "");
    EXPECT_EQ(m.push("Dtail"), "");
    EXPECT_TRUE(m.stopped());
    EXPECT_EQ(m.push("more"), "");
    StopMatcher n({"END"});
    EXPECT_EQ(n.push("abEN"), "ab");
    EXPECT_EQ(n.push("x"), "ENx");  // not a stop after all: released
    EXPECT_EQ(n.push("E"), "");
    EXPECT_EQ(n.flush(), "E");
    StopMatcher u({"é!"});
    EXPECT_EQ(u.push("café"), "caf");
    EXPECT_EQ(u.push("!"), "");
    EXPECT_TRUE(u.stopped());
}

TEST(CompletionWriter, StreamAndWholeCarryTheSameText) {
    auto events = [](CompletionWriter& w) {
        std::string out = w.start();
        GenerationStats st;
        st.generated_tokens = 2;
        out += w.on_event({EventKind::Reasoning, "think", st, StopReason::None, {}, {}});
        st.generated_tokens = 4;
        out += w.on_event({EventKind::Answer, "ans", st, StopReason::None, {}, {}});
        out += w.on_event({EventKind::Answer, "wer STOP more", st, StopReason::None, {}, {}});
        GenerateResult r;
        r.reason = StopReason::Cancelled;
        r.stats.generated_tokens = 5;
        r.stats.reasoning_tokens = 2;
        r.stats.prompt_evaluated = 7;
        return out + w.finish(r);
    };
    CompletionInfo info{"chatcmpl-1", 1, "m", false, false, true, true, 10, {"STOP"}};
    CompletionWriter whole(info);
    std::string http = events(whole);
    ASSERT_EQ(http.rfind("HTTP/1.1 200 OK\r\n", 0), 0u);
    auto j = nlohmann::json::parse(http.substr(http.find("\r\n\r\n") + 4));
    EXPECT_EQ(j["choices"][0]["message"]["content"], "answer ");
    EXPECT_EQ(j["choices"][0]["message"]["reasoning_content"], "think");
    EXPECT_EQ(j["choices"][0]["finish_reason"], "stop");
    EXPECT_EQ(j["usage"]["prompt_tokens_details"]["cached_tokens"], 3);
    EXPECT_EQ(j["usage"]["completion_tokens_details"]["reasoning_tokens"], 2);
    info.stream = info.include_usage = true;
    info.chunked = false;
    CompletionWriter stream(info);
    std::string sse = events(stream);
    EXPECT_NE(sse.find(R"("delta":{"content":null,"reasoning_content":"think"})"), std::string::npos);
    EXPECT_NE(sse.find(R"("delta":{"content":"ans","reasoning_content":null})"), std::string::npos);
    EXPECT_NE(sse.find(R"("delta":{"content":"wer ","reasoning_content":null})"), std::string::npos);
    EXPECT_NE(sse.find(R"("choices":[],"usage")"), std::string::npos);
    EXPECT_EQ(sse.substr(sse.size() - 14), "data: [DONE]\n\n");
}
