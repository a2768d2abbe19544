// The remote-provider stream parser: SSE framing (app/remote/sse_parser) and the chunk decoder
// that sorts reasoning from answer (chat_stream_decoder), fed whatever a server might send.
// Besides crashes it checks that the framing does not depend on how bytes are split across reads:
// the whole input at once, byte by byte, and in irregular pieces give the same events, and so the
// same reasoning and answer.
#include "remote/chat_request.h"
#include "remote/chat_stream_decoder.h"
#include "remote/http_errors.h"
#include "remote/sse_parser.h"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

using namespace ponder::remote;

namespace {

struct Parsed {
    std::vector<SseEvent> events;
    bool ok = true;
};

Parsed parse(std::string_view input, size_t step_seed) {
    SseParser parser(4096);  // small, so the size limit is reached too
    Parsed p;
    size_t pos = 0, step = step_seed;
    while (pos < input.size() && p.ok) {
        size_t n = step_seed == 0 ? input.size() : 1 + step % 7;
        step = step * 31 + 7;
        n = std::min(n, input.size() - pos);
        p.ok = parser.push(input.substr(pos, n), p.events);
        pos += n;
    }
    return p;
}

bool same(const Parsed& a, const Parsed& b) {
    if (a.ok != b.ok || a.events.size() != b.events.size()) return false;
    for (size_t i = 0; i < a.events.size(); ++i)
        if (a.events[i].data != b.events[i].data || a.events[i].type != b.events[i].type || a.events[i].id != b.events[i].id)
            return false;
    return true;
}

std::string decode(const std::vector<SseEvent>& events, bool inline_open) {
    ChatStreamDecoder d(inline_open);
    std::string out;
    for (const SseEvent& e : events) {
        StreamUpdate u = d.push(e.data);
        out += "R" + u.reasoning + "A" + u.answer + "E" + u.error;
    }
    StreamUpdate u = d.finish();
    return out + "R" + u.reasoning + "A" + u.answer;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    Parsed whole = parse(input, 0), bytes = parse(input, 1), pieces = parse(input, 5);
    // A parser that failed stops at different points depending on the split, so only streams
    // within the limit are compared.
    if (whole.ok && bytes.ok && pieces.ok && (!same(whole, bytes) || !same(whole, pieces))) std::abort();
    for (bool inline_open : {false, true}) {
        std::string a = decode(whole.events, inline_open);
        if (whole.ok && bytes.ok && a != decode(bytes.events, inline_open)) std::abort();
    }
    // The same bytes as a whole response body, an error body and a Retry-After header.
    ChatStreamDecoder d(true);
    (void)d.decode_response(input);
    (void)error_message_from_body(input);
    (void)parse_retry_after(input.substr(0, 64), 1700000000);
    (void)describe_http_status(static_cast<int>(size % 600), input.substr(0, 100), "fuzz");
    // And as a message in a request body, which must always serialise.
    ChatRequestSpec spec;
    spec.preset_id = size % 2 ? "deepseek" : "vllm";
    spec.model = std::string(input.substr(0, 16));
    spec.messages = {{"user", std::string(input)}, {"assistant", std::string(input.substr(size / 2))}, {"user", "x"}};
    if (build_chat_request(spec).empty()) std::abort();
    return 0;
}
