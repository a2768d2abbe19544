#include "http_response.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace ponder::serve {

const char* http_reason_phrase(int status) {
    switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 417: return "Expectation Failed";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}

std::string http_response(int status, std::string_view content_type, std::string_view body, bool keep_alive,
                          std::string_view extra_headers) {
    std::string r = "HTTP/1.1 " + std::to_string(status) + " " + http_reason_phrase(status) + "\r\n";
    r += "Content-Type: ";
    r += content_type;
    r += "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    r += keep_alive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    r += extra_headers;
    r += "\r\n";
    r += body;
    return r;
}

std::string error_json(const ApiError& e) {
    nlohmann::ordered_json j;
    j["error"] = {{"message", e.message}, {"type", e.type}, {"code", e.code}};
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string http_error_response(const ApiError& error, bool keep_alive, std::string_view extra_headers) {
    std::string headers(extra_headers);
    if (error.status == 401) headers += "WWW-Authenticate: Bearer\r\n";
    return http_response(error.status, "application/json", error_json(error) + "\n", keep_alive, headers);
}

std::string sse_head(bool chunked) {
    std::string r = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n";
    r += chunked ? "Transfer-Encoding: chunked\r\nConnection: keep-alive\r\n" : "Connection: close\r\n";
    r += "\r\n";
    return r;
}

std::string sse_piece(std::string_view events, bool chunked) {
    if (events.empty()) return {};
    if (!chunked) return std::string(events);
    char size[32];
    std::snprintf(size, sizeof size, "%zx\r\n", events.size());
    std::string r = size;
    r += events;
    r += "\r\n";
    return r;
}

std::string sse_end(bool chunked) { return chunked ? "0\r\n\r\n" : ""; }

} // namespace ponder::serve
