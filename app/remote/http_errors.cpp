#include "remote/http_errors.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace ponder::remote {

namespace {
std::string with_detail(std::string text, std::string_view server_message) {
    if (!server_message.empty()) {
        text += " The server said: \"";
        text.append(server_message);
        text += "\".";
    }
    return text;
}
} // namespace

std::string describe_http_status(int status, std::string_view server_message, std::string_view provider) {
    std::string who = provider.empty() ? std::string("The server") : std::string(provider);
    std::string code = " (HTTP " + std::to_string(status) + ").";
    switch (status) {
    case 400: return with_detail(who + " rejected the request" + code, server_message);
    case 401: return with_detail(who + " refused the API key" + code + " Check the API key.", server_message);
    case 402: return with_detail(who + " says the account's balance is insufficient" + code + " Top up the account to continue.", server_message);
    case 403: return with_detail(who + " refused access" + code, server_message);
    case 404: return with_detail(who + " does not know this address or model" + code + " Check the base URL and the model name.", server_message);
    case 408: return with_detail(who + " timed out waiting for the request" + code, server_message);
    case 413: return with_detail("The conversation is too large for " + who + code, server_message);
    case 422: return with_detail(who + " rejected the request's parameters" + code, server_message);
    case 429: return with_detail(who + " is rate limiting requests" + code + " Wait a moment and try again.", server_message);
    case 500: return with_detail(who + " had an internal error" + code + " Try again.", server_message);
    case 502:
    case 504: return with_detail(who + "'s gateway could not reach the model" + code + " Try again.", server_message);
    case 503: return with_detail(who + " is overloaded or unavailable" + code + " Try again later.", server_message);
    default:
        if (status >= 500) return with_detail(who + " failed" + code, server_message);
        return with_detail(who + " answered with an error" + code, server_message);
    }
}

bool status_is_retryable(int status) { return status == 429 || status == 503; }

std::optional<int> parse_retry_after(std::string_view header, long long now_unix) {
    while (!header.empty() && std::isspace(static_cast<unsigned char>(header.front()))) header.remove_prefix(1);
    while (!header.empty() && std::isspace(static_cast<unsigned char>(header.back()))) header.remove_suffix(1);
    if (header.empty()) return std::nullopt;
    if (std::isdigit(static_cast<unsigned char>(header.front()))) {
        long long seconds = 0;
        auto [end, ec] = std::from_chars(header.data(), header.data() + header.size(), seconds);
        if (ec != std::errc() || end != header.data() + header.size() || seconds < 0) return std::nullopt;
        return static_cast<int>(std::min<long long>(seconds, 86400));
    }
    // IMF-fixdate, the form HTTP/1.1 servers send: "Sun, 06 Nov 1994 08:49:37 GMT".
    std::tm tm{};
    char wday[4] = {}, mon[4] = {}, zone[4] = {};
    std::string text(header);
    if (std::sscanf(text.c_str(), "%3s, %d %3s %d %d:%d:%d %3s", wday, &tm.tm_mday, mon, &tm.tm_year, &tm.tm_hour,
                    &tm.tm_min, &tm.tm_sec, zone) != 8 || std::strcmp(zone, "GMT") != 0)
        return std::nullopt;
    static const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    tm.tm_mon = -1;
    for (int i = 0; i < 12; i++)
        if (!std::strcmp(mon, kMonths[i])) tm.tm_mon = i;
    if (tm.tm_mon < 0 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
        return std::nullopt;
    tm.tm_year -= 1900;
    long long when = static_cast<long long>(timegm(&tm));
    return static_cast<int>(std::clamp<long long>(when - now_unix, 0, 86400));
}

} // namespace ponder::remote
