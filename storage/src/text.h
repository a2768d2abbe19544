// Time stamps and text helpers shared by the store, export and import.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ponder::text {

int64_t now_ms();  // milliseconds since the Unix epoch, UTC: how times are stored
// "2026-11-30T14:25:01.123Z"
std::string iso8601(int64_t ms);
// Accepts exactly YYYY-MM-DDTHH:MM:SS[.fraction]Z (what iso8601 writes, and what JavaScript's
// toISOString and Python's isoformat with a Z give); false for anything else.
bool parse_iso8601(std::string_view s, int64_t& ms);
// Local time "2026-11-30 14:25", for people.
std::string local_minutes(int64_t ms);

// Invalid UTF-8 replaced by U+FFFD (one per maximal invalid subpart); valid text unchanged.
// Stored text keeps its bytes; this is for formats that must be valid UTF-8 (Markdown).
std::string valid_utf8(std::string_view s);
// Cuts at most `max_bytes` from the front without splitting a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view s, size_t max_bytes);

// MessageStats::forced_thinking as stored: the JSON array, or "[]" for empty or anything that is
// not an array (a bad value must not cost the user the answer it came with).
std::string forced_thinking_array(const std::string& json);
// The "description" of each action in such an array, for people (Markdown export, history).
std::vector<std::string> forced_thinking_descriptions(const std::string& json);

} // namespace ponder::text
