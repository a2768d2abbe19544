// Plain text typed by a user to an FTS5 query: every word quoted (so '-', ':', '*', AND, NEAR
// and unbalanced quotes mean nothing), all words required. "" when nothing searchable is left.
#pragma once

#include <string>
#include <string_view>

namespace ponder {

std::string fts_query_from_text(std::string_view text);

} // namespace ponder
