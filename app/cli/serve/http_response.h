// Building HTTP/1.1 responses: whole responses with a JSON body, errors in OpenAI's shape, and the
// pieces of a server-sent-event stream (chunked on HTTP/1.1, raw until close on HTTP/1.0).
#pragma once

#include "chat_request.h"

#include <string>
#include <string_view>

namespace ponder::serve {

const char* http_reason_phrase(int status);

// A complete response. `extra_headers` are whole "Name: value\r\n" lines.
std::string http_response(int status, std::string_view content_type, std::string_view body, bool keep_alive,
                          std::string_view extra_headers = {});
// {"error":{"message","type","code"}} with the error's status; 401 adds WWW-Authenticate.
std::string http_error_response(const ApiError& error, bool keep_alive, std::string_view extra_headers = {});
std::string error_json(const ApiError& error);

// The head of a text/event-stream response. chunked: HTTP/1.1 framing, so the connection can be
// reused after the stream; otherwise the stream ends when the connection closes (HTTP/1.0).
std::string sse_head(bool chunked);
// One piece of the stream body (already "data: ...\n\n" text), framed as an HTTP chunk if chunked.
std::string sse_piece(std::string_view events, bool chunked);
// The end of the stream body: the zero-size chunk (chunked), nothing otherwise.
std::string sse_end(bool chunked);
// A comment line clients ignore; it keeps proxies and client timeouts from closing a stream that
// waits in the queue or in a long prompt evaluation.
inline constexpr std::string_view kSseKeepAlive = ": keep-alive\n\n";

} // namespace ponder::serve
