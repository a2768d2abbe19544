// libFuzzer target: ponder-cli serve's chat completion request checker (app/cli/serve/
// chat_request.cpp) and the stop matcher it feeds. For any body: no crash, leak or undefined
// behaviour; a refusal is a 400 with a code and one sentence; an accepted request holds only what
// the server can do (roles, the last message from the user, values in range, bounded stops).
// The stop matcher, run over the request's last message in pieces, emits a prefix of the text that
// never contains a stop string.
#include "../../app/cli/serve/chat_request.h"
#include "../../app/cli/serve/stop_matcher.h"

#include <cstdlib>

using namespace ponder::serve;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view body(reinterpret_cast<const char*>(data), size);
    ChatRequest r;
    ApiError e;
    if (!parse_chat_request(body, r, e)) {
        if (e.status != 400 || e.code.empty() || e.message.empty() || e.message.back() != '.') std::abort();
        return 0;
    }
    if (r.messages.empty() || r.messages.back().role != "user") std::abort();
    for (const auto& m : r.messages)
        if (m.role != "system" && m.role != "user" && m.role != "assistant") std::abort();
    if ((r.max_tokens && *r.max_tokens < 1) || (r.temperature && (*r.temperature < 0 || *r.temperature > 2)) ||
        (r.top_p && (*r.top_p < 0 || *r.top_p > 1)) || (r.top_k && *r.top_k < 0) || r.stop.size() > 16)
        std::abort();
    for (const auto& s : r.stop)
        if (s.empty() || s.size() > 256) std::abort();

    const std::string& text = r.messages.back().content;
    StopMatcher m(r.stop);
    std::string shown;
    for (size_t at = 0; at < text.size(); at += 3) shown += m.push(std::string_view(text).substr(at, 3));
    shown += m.flush();
    if (text.compare(0, shown.size(), shown) != 0) std::abort();
    for (const auto& s : r.stop)
        if (shown.find(s) != std::string::npos) std::abort();
    if (!m.stopped() && shown != text) std::abort();
    return 0;
}
