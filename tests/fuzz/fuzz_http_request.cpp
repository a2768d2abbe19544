// libFuzzer target: ponder-cli serve's HTTP/1.1 request parser (app/cli/serve/http_request.cpp).
// For any bytes: no crash, leak or undefined behaviour; every request it completes is well formed
// and within the limits, with unambiguous framing (HTTP/1.1 has exactly one Host, HTTP/1.0 at most
// one; every Transfer-Encoding header together says exactly "chunked", never beside a
// Content-Length, never on HTTP/1.0); and feeding the same bytes in two pieces (split where the input's first
// byte says) gives exactly the same requests and the same error as feeding them at once.
#include "../../app/cli/serve/http_request.h"

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

using namespace ponder::serve;

namespace {

struct Outcome {
    std::vector<std::string> requests;  // method, target, headers and body, flattened
    int error = 0;
};

std::string lower_trimmed(std::string s) {
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    s.erase(0, s.find_first_not_of(" \t"));
    s.erase(s.find_last_not_of(" \t") + 1);
    return s;
}

// Whether a completed request's framing is one no other HTTP implementation could read otherwise.
bool framing_unambiguous(const HttpRequest& r) {
    int hosts = 0, te = 0, cl = 0;
    for (const auto& [name, value] : r.headers) {
        hosts += name == "host";
        cl += name == "content-length";
        if (name == "transfer-encoding" && (++te > 1 || lower_trimmed(value) != "chunked")) return false;
    }
    return hosts <= 1 && (hosts == 1 || r.minor_version == 0) && !(te && cl) && !(te && r.minor_version == 0);
}

Outcome parse(std::string_view bytes, size_t split) {
    HttpLimits limits;
    limits.max_header_bytes = 2048;  // small limits, so the fuzzer reaches them
    limits.max_headers = 8;
    limits.max_body_bytes = 4096;
    HttpRequestParser p(limits);
    Outcome o;
    for (std::string_view piece : {bytes.substr(0, split), bytes.substr(split)}) {
        p.append(piece);
        for (;;) {
            auto st = p.parse();
            if (st == HttpRequestParser::Status::Error) {
                o.error = p.error_status();
                if (o.error < 400 || o.error > 505 || p.error_message().empty() || p.error_message().back() != '.') std::abort();
                return o;
            }
            if (st != HttpRequestParser::Status::Done) break;
            HttpRequest r = p.take();
            if (r.method.empty() || r.target.empty() || r.target[0] != '/' || r.body.size() > limits.max_body_bytes ||
                r.headers.size() > limits.max_headers || !framing_unambiguous(r))
                std::abort();
            std::string flat = r.method + ' ' + r.target + ' ' + std::to_string(r.minor_version) + (r.keep_alive() ? "k" : "c");
            for (const auto& [name, value] : r.headers) flat += '\n' + name + ':' + value;
            o.requests.push_back(flat + "\n\n" + r.body);
        }
    }
    return o;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view bytes(reinterpret_cast<const char*>(data), size);
    size_t split = size ? data[0] % (size + 1) : 0;
    Outcome whole = parse(bytes, bytes.size()), pieces = parse(bytes, split);
    if (whole.requests != pieces.requests || whole.error != pieces.error) std::abort();
    return 0;
}
