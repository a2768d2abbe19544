// ponder-cli history: the conversations in the database the app uses (the default one, or
// --db PATH): list, show, search, export, import, delete, check, move-aside.
#include "args.h"
#include "commands.h"
#include "conversation_saver.h"

#include "ponder/conversation_store.h"
#include "ponder/export_import.h"
#include "ponder/thinking.h"

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <unistd.h>

namespace ponder::cli {

namespace {

using ojson = nlohmann::ordered_json;

void print_json(const ojson& j) {
    std::puts(j.dump(-1, ' ', false, ojson::error_handler_t::replace).c_str());
}

// A whole number >= `min` from the command line.
int64_t parse_number(const std::string& s, int64_t min, const char* what) {
    size_t used = 0;
    long long v = min - 1;
    try {
        v = std::stoll(s, &used);
    } catch (const std::exception&) {
        used = 0;
    }
    if (used != s.size() || v < min || v > INT32_MAX) throw UsageError(std::string("expected ") + what + ", got '" + s + "'");
    return v;
}

int64_t parse_id(const std::string& s) { return parse_number(s, 1, "a conversation id (a positive number)"); }

int64_t single_id(const Args& args, const char* command) {
    if (args.positionals().size() != 2)
        throw UsageError(std::string("history ") + command + " takes one conversation id");
    return parse_id(args.positionals()[1]);
}

int history_list(const Args& args, Database& db) {
    if (args.positionals().size() != 1) throw UsageError("history list takes no arguments");
    int limit = 50, offset = 0;
    if (args.has("limit")) limit = static_cast<int>(parse_number(args.get("limit"), 1, "--limit >= 1"));
    if (args.has("offset")) offset = static_cast<int>(parse_number(args.get("offset"), 0, "--offset >= 0"));
    ConversationStore store(db);
    std::vector<ConversationSummary> list;
    std::string error;
    if (!store.list_conversations(limit, offset, list, error)) throw CommandError(error);
    if (args.has("json")) {
        ojson out = ojson::array();
        for (const ConversationSummary& c : list)
            out.push_back({{"id", c.id}, {"title", c.title}, {"updated_at", format_utc_time(c.updated_at)}, {"pinned", c.pinned},
                           {"model", c.model}, {"message_count", c.message_count}, {"preview", c.preview}});
        print_json(out);
        return 0;
    }
    for (const ConversationSummary& c : list)
        std::printf("%s%6lld  %s  %4lld msgs  %s\n", c.pinned ? "*" : " ", static_cast<long long>(c.id),
                    format_local_time(c.updated_at).c_str(), static_cast<long long>(c.message_count),
                    c.title.empty() ? "(untitled)" : c.title.c_str());
    return 0;
}

int history_show(const Args& args, Database& db) {
    int64_t id = single_id(args, "show");
    std::string error;
    if (args.has("json")) {  // the export document: it imports as it is
        std::ostringstream out;
        if (!export_conversations(db, {id}, ExportFormat::Json, out, error)) throw CommandError(error);
        std::fputs(out.str().c_str(), stdout);
        return 0;
    }
    ConversationStore store(db);
    Conversation c;
    std::vector<Message> branch;
    if (!store.get_conversation(id, c, error) || !store.load_active_branch(id, branch, error)) throw CommandError(error);
    const bool tty = isatty(STDOUT_FILENO);
    std::printf("%s%s%s\n", tty ? "\033[1m" : "", c.title.empty() ? "(untitled)" : c.title.c_str(), tty ? "\033[0m" : "");
    std::printf("conversation %lld, %s%s%s\n", static_cast<long long>(c.id), format_local_time(c.created_at).c_str(),
                c.settings.model.empty() ? "" : ", ", c.settings.model.c_str());
    if (!c.settings.system_prompt.empty()) std::printf("\n[system]\n%s\n", c.settings.system_prompt.c_str());
    for (const Message& m : branch) {
        std::string head = role_name(m.role);
        if (m.sibling_count > 1) head += " " + std::to_string(m.sibling_index + 1) + "/" + std::to_string(m.sibling_count);
        if (!m.model.empty()) head += ", " + m.model;
        if (m.stats.generated_tokens) {
            char buf[96];
            std::snprintf(buf, sizeof buf, ", %lld tokens at %.1f tok/s", static_cast<long long>(m.stats.generated_tokens),
                          m.stats.generation_tokens_per_s);
            head += buf;
        }
        if (m.stats.reasoning_ms) {
            char buf[48];
            std::snprintf(buf, sizeof buf, ", thought %.1f s", static_cast<double>(m.stats.reasoning_ms) / 1000);
            head += buf;
        }
        std::printf("\n[%s]\n", head.c_str());
        if (!m.reasoning.empty())
            std::printf("%s%s%s\n", tty ? "\033[2m" : "<think>\n", m.reasoning.c_str(), tty ? "\033[0m" : "\n</think>");
        std::vector<ForcedAction> forced;
        if (!m.stats.forced_thinking.empty() && forced_actions_from_json(m.stats.forced_thinking, forced))
            for (const ForcedAction& a : forced) std::printf("[%s]\n", describe(a).c_str());
        if (!m.content.empty()) {
            std::fwrite(m.content.data(), 1, m.content.size(), stdout);
            std::fputc('\n', stdout);
        }
        if (m.state != MessageState::Complete)
            std::printf("(%s%s%s)\n", message_state_name(m.state), m.error.empty() ? "" : ": ", m.error.c_str());
    }
    return 0;
}

int history_search(const Args& args, Database& db) {
    if (args.positionals().size() < 2) throw UsageError("history search needs the words to look for");
    std::string query;
    for (size_t i = 1; i < args.positionals().size(); i++) query += (i > 1 ? " " : "") + args.positionals()[i];
    SearchOptions options;
    options.include_reasoning = args.has("reasoning");
    options.whole_words = args.has("whole-words");  // else "straw" finds "strawberry" too
    if (args.has("limit")) options.limit = static_cast<int>(parse_number(args.get("limit"), 1, "--limit >= 1"));
    const bool tty = isatty(STDOUT_FILENO) && !args.has("json");
    if (tty) {
        options.mark_begin = "\033[1m";
        options.mark_end = "\033[0m";
    }
    ConversationStore store(db);
    std::vector<SearchHit> hits;
    std::string error;
    if (!store.search(query, options, hits, error)) throw CommandError(error);
    if (args.has("json")) {
        ojson out = ojson::array();
        for (const SearchHit& h : hits)
            out.push_back({{"conversation_id", h.conversation_id}, {"conversation_title", h.conversation_title},
                           {"message_id", h.message_id ? ojson(h.message_id) : ojson(nullptr)},
                           {"role", h.message_id ? role_name(h.role) : "title"}, {"snippet", h.snippet},
                           {"created_at", format_utc_time(h.created_at)}});
        print_json(out);
        return 0;
    }
    for (const SearchHit& h : hits) {
        std::string where = h.message_id ? std::string(role_name(h.role)) + " #" + std::to_string(h.message_id) : "title";
        std::string snippet = h.snippet;
        for (char& ch : snippet)
            if (ch == '\n' || ch == '\r' || ch == '\t') ch = ' ';
        std::printf("%6lld  %-16s %s\n", static_cast<long long>(h.conversation_id), where.c_str(), snippet.c_str());
    }
    return 0;
}

int history_export(const Args& args, Database& db) {
    std::vector<int64_t> ids;
    for (size_t i = 1; i < args.positionals().size(); i++) ids.push_back(parse_id(args.positionals()[i]));
    ExportFormat format = ExportFormat::Json;
    if (args.has("format") && !parse_export_format(args.get("format"), format))
        throw UsageError("--format must be json, md or jsonl, got '" + args.get("format") + "'");
    std::string error;
    if (!args.has("output")) {
        if (!export_conversations(db, ids, format, std::cout, error)) throw CommandError(error);
        std::cout.flush();
        return 0;
    }
    // Into a temporary beside the target, renamed when complete: a failed export leaves no
    // half-written file under the name asked for.
    std::string path = args.get("output"), tmp = path + ".part";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) throw CommandError(path + ": cannot write the file");
        if (!export_conversations(db, ids, format, out, error)) {
            out.close();
            std::remove(tmp.c_str());
            throw CommandError(error);
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) throw CommandError(path + ": cannot write the file");
    return 0;
}

int history_import(const Args& args, Database& db) {
    if (args.positionals().size() != 2) throw UsageError("history import takes one file");
    const std::string& path = args.positionals()[1];
    std::string text = read_text_file(path), error;
    ImportResult r;
    if (!import_conversations(db, text, r, error)) throw CommandError(path + ": " + error);
    if (args.has("json")) {
        print_json({{"conversation_ids", r.conversation_ids}, {"message_count", r.message_count}});
        return 0;
    }
    std::printf("imported %zu conversation%s (%lld messages)", r.conversation_ids.size(),
                r.conversation_ids.size() == 1 ? "" : "s", static_cast<long long>(r.message_count));
    for (size_t i = 0; i < r.conversation_ids.size(); i++)
        std::printf("%s%lld", i ? ", " : ": ", static_cast<long long>(r.conversation_ids[i]));
    std::printf("\n");
    return 0;
}

int history_delete(const Args& args, Database& db) {
    int64_t id = single_id(args, "delete");
    ConversationStore store(db);
    std::string error;
    if (!store.delete_conversation(id, error)) throw CommandError(error);
    if (args.has("json")) print_json({{"deleted", id}});
    else std::printf("deleted conversation %lld\n", static_cast<long long>(id));
    return 0;
}

int history_check(const Args& args, Database& db) {
    if (args.positionals().size() != 1) throw UsageError("history check takes no arguments");
    std::string result = db.integrity_check();
    if (result != "ok") {
        std::string first = result.substr(0, result.find('\n'));
        throw CommandError(db.path() + ": the integrity check failed: " + first);
    }
    if (args.has("json")) print_json({{"integrity_check", "ok"}});
    else std::printf("ok\n");
    return 0;
}

int history_move_aside(const Args& args) {
    if (args.positionals().size() != 1) throw UsageError("history move-aside takes no arguments");
    std::string path = args.has("db") ? args.get("db") : default_database_path(), error;
    std::string moved = move_database_aside(path, error);
    if (moved.empty()) throw CommandError(error);
    if (args.has("json")) print_json({{"moved_to", moved}});
    else std::printf("moved %s to %s; a new database starts on the next use\n", path.c_str(), moved.c_str());
    return 0;
}

} // namespace

int cmd_history(const std::vector<std::string>& argv) {
    Args args(argv, {"json", "reasoning", "whole-words"}, {"db", "limit", "offset", "format", "output"});
    if (args.positionals().empty())
        throw UsageError("history needs a subcommand: list, show, search, export, import, delete, check, move-aside");
    const std::string& sub = args.positionals()[0];
    if (sub == "move-aside") return history_move_aside(args);  // the one that must not open the file
    using Handler = int (*)(const Args&, Database&);
    const std::pair<const char*, Handler> handlers[] = {
        {"list", history_list},     {"show", history_show},     {"search", history_search}, {"export", history_export},
        {"import", history_import}, {"delete", history_delete}, {"check", history_check},
    };
    for (const auto& [name, handler] : handlers)
        if (sub == name) {
            std::unique_ptr<Database> db = open_database(args);
            return handler(args, *db);
        }
    throw UsageError("unknown history subcommand '" + sub + "' (list, show, search, export, import, delete, check, "
                     "move-aside)");
}

} // namespace ponder::cli
