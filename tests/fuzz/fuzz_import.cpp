// libFuzzer target: importing conversation files (storage/src/import.cpp). For any bytes: no
// crash, leak or undefined behaviour, and a one-line error for what is refused. What the parser
// accepts must import (its validation is complete: the database's own checks never have to
// refuse it), export as JSON, Markdown and JSONL, and come back from its JSON export the same.
#include "ponder/export_import.h"

#include <cstdlib>
#include <sstream>

using namespace ponder;

namespace {

Database& db() {
    static std::unique_ptr<Database> d = [] {
        std::string error;
        auto opened = Database::open(":memory:", error);
        if (!opened) std::abort();
        return opened;
    }();
    return *d;
}

// Equal but for times that default to "now" when a file leaves them out.
bool same(const std::vector<ImportedConversation>& a, const std::vector<ImportedConversation>& b, bool times) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); i++) {
        const ImportedConversation &x = a[i], &y = b[i];
        if (x.title != y.title || x.pinned != y.pinned || x.settings.model != y.settings.model ||
            x.settings.provider != y.settings.provider || x.settings.system_prompt != y.settings.system_prompt ||
            x.settings.sampling_json != y.settings.sampling_json || x.active_leaf != y.active_leaf ||
            x.messages.size() != y.messages.size())
            return false;
        if (times && (x.created_at != y.created_at || x.updated_at != y.updated_at)) return false;
        for (size_t k = 0; k < x.messages.size(); k++) {
            const Message &m = x.messages[k], &n = y.messages[k];
            if (m.id != n.id || m.parent_id != n.parent_id || m.role != n.role || m.content != n.content ||
                m.reasoning != n.reasoning || m.state != n.state || m.error != n.error || m.model != n.model ||
                m.stats.prompt_tokens != n.stats.prompt_tokens || m.stats.generated_tokens != n.stats.generated_tokens ||
                m.stats.prompt_tokens_per_s != n.stats.prompt_tokens_per_s ||
                m.stats.generation_tokens_per_s != n.stats.generation_tokens_per_s ||
                m.stats.reasoning_ms != n.stats.reasoning_ms || (times && m.created_at != n.created_at))
                return false;
        }
    }
    return true;
}

// Imports `text` (which must succeed), exports it in every format, deletes it again, and
// returns the JSON export, parsed.
std::vector<ImportedConversation> round_trip(const std::string& text, std::string& exported) {
    std::string error;
    ImportResult r;
    if (!import_conversations(db(), text, r, error)) std::abort();  // the parser accepted what SQLite refused
    std::ostringstream json, md, jsonl;
    if (!export_conversations(db(), r.conversation_ids, ExportFormat::Json, json, error) ||
        !export_conversations(db(), r.conversation_ids, ExportFormat::Markdown, md, error) ||
        !export_conversations(db(), r.conversation_ids, ExportFormat::Jsonl, jsonl, error))
        std::abort();
    ConversationStore store(db());
    for (int64_t id : r.conversation_ids)
        if (!store.delete_conversation(id, error)) std::abort();
    exported = json.str();
    std::vector<ImportedConversation> back;
    if (!parse_conversations_json(exported, back, error)) std::abort();
    return back;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string text(reinterpret_cast<const char*>(data), size);
    std::vector<ImportedConversation> parsed;
    std::string error;
    if (!parse_conversations_json(text, parsed, error)) {
        if (error.empty() || error.find('\n') != std::string::npos) std::abort();  // one line, always
        return 0;
    }
    std::string once, twice;
    std::vector<ImportedConversation> back = round_trip(text, once);
    if (!same(parsed, back, /*times=*/false)) std::abort();
    // The export's own round trip: every time is explicit now, so everything must match.
    if (!same(back, round_trip(once, twice), /*times=*/true)) std::abort();
    return 0;
}
