// What an HTTP failure from a provider means, in words a user can act on. Plain C++, no Qt.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ponder::remote {

// A readable message for an HTTP error status. `server_message` is the server's own text (from
// error_message_from_body), quoted when present; `provider` names the service ("DeepSeek").
std::string describe_http_status(int status, std::string_view server_message, std::string_view provider);

// Whether a request that got `status` may be sent again unchanged after a wait: 429 (rate limited)
// and 503 (busy; our own server says so when its queue is full).
bool status_is_retryable(int status);

// The seconds a Retry-After header asks for: delta-seconds, or an HTTP date compared with
// `now_unix`. nullopt when absent or unreadable.
std::optional<int> parse_retry_after(std::string_view header, long long now_unix);

} // namespace ponder::remote
