// Export and import: a lossless JSON round trip of whole trees, OpenAI-style messages, Markdown,
// JSONL training triples, and malformed files that name their first bad record and change nothing.
#include "ponder/export_import.h"
#include "ponder/streaming_writer.h"
#include "test_util.h"

#include <nlohmann/json.hpp>

using namespace ponder;
using namespace ponder::test;
using json = nlohmann::json;

namespace {

struct Fixture {
    int64_t conv = 0, q1 = 0, a1 = 0, a1b = 0, q1b = 0, a2 = 0, a3 = 0;
};

int64_t stream(Database& db, int64_t id, const std::string& reasoning, const std::string& text, MessageState state,
               const std::string& error_message = "", const std::string& forced = "") {
    StreamingWriter w(db, id);
    w.add_reasoning(reasoning);
    w.add_content(text);
    MessageStats s;
    s.prompt_tokens = 12;
    s.generated_tokens = 34;
    s.prompt_tokens_per_s = 250.5;
    s.generation_tokens_per_s = 31.25;
    s.reasoning_ms = 1500;
    s.forced_thinking = forced;
    std::string err;
    EXPECT_TRUE(w.finish(state, s, error_message, err)) << err;
    return id;
}

// A conversation with a system prompt, sampling settings, an edited question, a regenerated
// answer, an error and a cancelled answer, and text with NUL bytes and non-ASCII characters.
Fixture make_tree(Database& db) {
    ConversationStore store(db);
    std::string err;
    Fixture f;
    ConversationSettings s;
    s.model = "r1-7b.gguf";
    s.provider = "local";
    s.system_prompt = "You are terse.";
    s.sampling_json = R"({"temperature":0.6,"top_p":0.95})";
    f.conv = store.create_conversation("Größte Zahl 🤔", s, err);
    f.q1 = store.append_user_message(f.conv, std::string("Is there a largest\0 number?", 27), err);
    f.a1 = stream(db, store.begin_assistant_message(f.conv, f.q1, "r1-7b.gguf", err), "Suppose n were largest; n+1...",
                  "No: n+1 is larger.", MessageState::Complete);
    f.a1b = stream(db, store.begin_regeneration(f.a1, "r1-14b.gguf", err), "hmm", "partial", MessageState::Cancelled);
    f.a2 = stream(db, store.begin_regeneration(f.a1, "r1-14b.gguf", err), "", "", MessageState::Error, "model crashed");
    f.q1b = store.edit_message(f.q1, "Is there a largest prime?", err);
    f.a3 = stream(db, store.begin_assistant_message(f.conv, f.q1b, "r1-7b.gguf", err), "Euclid: multiply all, add one.",
                  "No, there are infinitely many primes.", MessageState::Complete, "",
                  R"js([{"kind":"budget","at":512,"description":"Thought cut at 512 tokens (the thinking budget)"}])js");
    EXPECT_TRUE(err.empty()) << err;
    return f;
}

std::string export_to_string(Database& db, const std::vector<int64_t>& ids, ExportFormat format) {
    std::ostringstream out;
    std::string err;
    EXPECT_TRUE(export_conversations(db, ids, format, out, err)) << err;
    return out.str();
}

// Everything but ids: the same tree shape (parents by position), texts, states and stats.
void expect_same_tree(Database& a, int64_t conv_a, Database& b, int64_t conv_b) {
    ConversationStore sa(a), sb(b);
    std::string err;
    Conversation ca, cb;
    ASSERT_TRUE(sa.get_conversation(conv_a, ca, err)) << err;
    ASSERT_TRUE(sb.get_conversation(conv_b, cb, err)) << err;
    EXPECT_EQ(ca.title, cb.title);
    EXPECT_EQ(ca.created_at, cb.created_at);
    EXPECT_EQ(ca.updated_at, cb.updated_at);
    EXPECT_EQ(ca.pinned, cb.pinned);
    EXPECT_EQ(ca.settings.model, cb.settings.model);
    EXPECT_EQ(ca.settings.provider, cb.settings.provider);
    EXPECT_EQ(ca.settings.system_prompt, cb.settings.system_prompt);
    EXPECT_EQ(json::parse(ca.settings.sampling_json), json::parse(cb.settings.sampling_json));
    std::vector<Message> ma, mb;
    ASSERT_TRUE(sa.load_all_messages(conv_a, ma, err)) << err;
    ASSERT_TRUE(sb.load_all_messages(conv_b, mb, err)) << err;
    ASSERT_EQ(ma.size(), mb.size());
    std::map<int64_t, size_t> pos_a, pos_b;
    for (size_t i = 0; i < ma.size(); i++) {
        pos_a[ma[i].id] = i;
        pos_b[mb[i].id] = i;
    }
    for (size_t i = 0; i < ma.size(); i++) {
        SCOPED_TRACE("message " + std::to_string(i));
        EXPECT_EQ(ma[i].parent_id ? int64_t(pos_a[ma[i].parent_id]) : -1, mb[i].parent_id ? int64_t(pos_b[mb[i].parent_id]) : -1);
        EXPECT_EQ(ma[i].role, mb[i].role);
        EXPECT_EQ(ma[i].content, mb[i].content);
        EXPECT_EQ(ma[i].reasoning, mb[i].reasoning);
        EXPECT_EQ(ma[i].state, mb[i].state);
        EXPECT_EQ(ma[i].error, mb[i].error);
        EXPECT_EQ(ma[i].model, mb[i].model);
        EXPECT_EQ(ma[i].created_at, mb[i].created_at);
        EXPECT_EQ(ma[i].stats.prompt_tokens, mb[i].stats.prompt_tokens);
        EXPECT_EQ(ma[i].stats.generated_tokens, mb[i].stats.generated_tokens);
        EXPECT_DOUBLE_EQ(ma[i].stats.prompt_tokens_per_s, mb[i].stats.prompt_tokens_per_s);
        EXPECT_DOUBLE_EQ(ma[i].stats.generation_tokens_per_s, mb[i].stats.generation_tokens_per_s);
        EXPECT_EQ(ma[i].stats.reasoning_ms, mb[i].stats.reasoning_ms);
    }
    std::vector<Message> pa, pb;
    ASSERT_TRUE(sa.load_active_branch(conv_a, pa, err));
    ASSERT_TRUE(sb.load_active_branch(conv_b, pb, err));
    ASSERT_EQ(pa.size(), pb.size());
    for (size_t i = 0; i < pa.size(); i++) {
        EXPECT_EQ(pos_a[pa[i].id], pos_b[pb[i].id]);
        EXPECT_EQ(pa[i].sibling_index, pb[i].sibling_index);
        EXPECT_EQ(pa[i].sibling_count, pb[i].sibling_count);
    }
}

bool others_contain_forced(const json& conversation) {
    for (const json& m : conversation["other_branches"])
        if (m.contains("forced_thinking")) return true;
    return false;
}

} // namespace

TEST(Export, JsonHasOpenAiMessagesAndEveryBranch) {
    std::string dir = fresh_dir();
    auto db = open_ok(dir + "/e.db");
    Fixture f = make_tree(*db);
    json doc = json::parse(export_to_string(*db, {f.conv}, ExportFormat::Json));
    EXPECT_EQ(doc["format"], "ponder-conversations");
    EXPECT_EQ(doc["version"], 1);
    ASSERT_EQ(doc["conversations"].size(), 1u);
    const json& c = doc["conversations"][0];
    EXPECT_EQ(c["sampling"]["temperature"], 0.6);
    const json& m = c["messages"];
    ASSERT_EQ(m.size(), 3u);  // system, the edited question, its answer
    EXPECT_EQ(m[0], (json{{"role", "system"}, {"content", "You are terse."}}));
    EXPECT_EQ(m[1]["role"], "user");
    EXPECT_EQ(m[1]["content"], "Is there a largest prime?");
    EXPECT_FALSE(m[1].contains("reasoning_content"));
    EXPECT_EQ(m[2]["role"], "assistant");
    EXPECT_EQ(m[2]["reasoning_content"], "Euclid: multiply all, add one.");
    EXPECT_EQ(m[2]["parent"], m[1]["id"]);
    EXPECT_EQ(m[2]["generated_tokens"], 34);
    EXPECT_EQ(m[2]["reasoning_ms"], 1500);
    ASSERT_EQ(m[2]["forced_thinking"].size(), 1u);  // the thought the engine cut says so
    EXPECT_EQ(m[2]["forced_thinking"][0]["kind"], "budget");
    EXPECT_EQ(m[2]["forced_thinking"][0]["at"], 512);
    EXPECT_FALSE(others_contain_forced(c));
    const json& others = c["other_branches"];
    ASSERT_EQ(others.size(), 4u);
    EXPECT_EQ(others[0]["content"], std::string("Is there a largest\0 number?", 27));  // NUL survives as \u0000
    EXPECT_EQ(others[2]["state"], "cancelled");
    EXPECT_EQ(others[3]["state"], "error");
    EXPECT_EQ(others[3]["error"], "model crashed");
}

TEST(Export, JsonRoundTripLosesNothing) {
    std::string dir = fresh_dir(), err;
    auto db = open_ok(dir + "/a.db");
    Fixture f = make_tree(*db);
    ConversationStore store(*db);
    int64_t plain = store.create_conversation("empty one", {}, err);
    ASSERT_TRUE(store.set_pinned(plain, true, err));
    const std::string exported = export_to_string(*db, {}, ExportFormat::Json);

    auto other = open_ok(dir + "/b.db");
    ConversationStore other_store(*other);
    int64_t existing = other_store.create_conversation("already here", {}, err);  // ids will differ
    other_store.append_user_message(existing, "x", err);
    ImportResult r;
    ASSERT_TRUE(import_conversations(*other, exported, r, err)) << err;
    ASSERT_EQ(r.conversation_ids.size(), 2u);
    EXPECT_EQ(r.message_count, 6);
    expect_same_tree(*db, f.conv, *other, r.conversation_ids[0]);
    expect_same_tree(*db, plain, *other, r.conversation_ids[1]);
    // Exporting the import gives the same file but for ids and the export time.
    json again = json::parse(export_to_string(*other, r.conversation_ids, ExportFormat::Json));
    json first = json::parse(exported);
    auto strip = [](json& doc) {
        doc.erase("exported_at");
        for (json& c : doc["conversations"]) {
            c.erase("id");
            for (const char* list : {"messages", "other_branches"})
                for (json& m : c[list]) {
                    m.erase("id");
                    m.erase("parent");
                }
        }
    };
    strip(again);
    strip(first);
    EXPECT_EQ(again, first);
}

TEST(Export, MarkdownIsReadableWithFoldedReasoning) {
    std::string dir = fresh_dir();
    auto db = open_ok(dir + "/m.db");
    Fixture f = make_tree(*db);
    std::string md = export_to_string(*db, {f.conv}, ExportFormat::Markdown);
    EXPECT_EQ(md.rfind("# Größte Zahl", 0), 0u) << md;
    EXPECT_NE(md.find("## System\n\nYou are terse."), std::string::npos) << md;
    EXPECT_NE(md.find("## User (version 2 of 2)\n\nIs there a largest prime?"), std::string::npos) << md;
    EXPECT_NE(md.find("<details>\n<summary>Thought for 1.5 s</summary>\n\nEuclid: multiply all, add one.\n\n</details>"),
              std::string::npos)
        << md;
    EXPECT_NE(md.find("No, there are infinitely many primes."), std::string::npos);
    EXPECT_NE(md.find("</details>\n\n*(Thought cut at 512 tokens (the thinking budget))*\n\nNo, there are"), std::string::npos)
        << md;
    EXPECT_EQ(md.find("largest\0", 0, 8), std::string::npos);  // other branches are not in Markdown
}

TEST(Export, JsonlHasOneTripleForEveryCompleteAnswer) {
    std::string dir = fresh_dir();
    auto db = open_ok(dir + "/j.db");
    Fixture f = make_tree(*db);
    std::string text = export_to_string(*db, {}, ExportFormat::Jsonl);
    std::istringstream lines(text);
    std::string line;
    std::vector<json> rows;
    while (std::getline(lines, line)) rows.push_back(json::parse(line));
    ASSERT_EQ(rows.size(), 2u);  // a1 and a3; the cancelled and failed answers are not training data
    EXPECT_EQ(rows[0]["prompt"], std::string("Is there a largest\0 number?", 27));
    EXPECT_EQ(rows[0]["reasoning"], "Suppose n were largest; n+1...");
    EXPECT_EQ(rows[0]["answer"], "No: n+1 is larger.");
    EXPECT_EQ(rows[0]["message_id"], f.a1);
    EXPECT_EQ(rows[1]["answer"], "No, there are infinitely many primes.");
    EXPECT_EQ(rows[1]["messages"], (json::array({{{"role", "system"}, {"content", "You are terse."}},
                                                 {{"role", "user"}, {"content", "Is there a largest prime?"}}})));
    EXPECT_EQ(rows[1]["model"], "r1-7b.gguf");
}

TEST(Export, JsonlHistoryDropsEarlierReasoning) {
    std::string dir = fresh_dir(), err;
    auto db = open_ok(dir + "/h.db");
    ConversationStore store(*db);
    int64_t c = store.create_conversation("t", {}, err);
    int64_t q1 = store.append_user_message(c, "one", err);
    stream(*db, store.begin_assistant_message(c, q1, "m", err), "thinking 1", "answer 1", MessageState::Complete);
    store.append_user_message(c, "two", err);
    std::vector<Message> branch;
    store.load_active_branch(c, branch, err);
    stream(*db, store.begin_assistant_message(c, branch.back().id, "m", err), "thinking 2", "answer 2", MessageState::Complete);
    std::string text = export_to_string(*db, {c}, ExportFormat::Jsonl);
    json second = json::parse(text.substr(text.find('\n') + 1));
    EXPECT_EQ(second["messages"], (json::array({{{"role", "user"}, {"content", "one"}},
                                                {{"role", "assistant"}, {"content", "answer 1"}},
                                                {{"role", "user"}, {"content", "two"}}})));
    EXPECT_EQ(second["reasoning"], "thinking 2");
}

TEST(Import, PlainOpenAiMessagesBecomeOneChain) {
    std::string dir = fresh_dir(), err;
    auto db = open_ok(dir + "/p.db");
    const char* file = R"({"format": "ponder-conversations", "version": 1, "conversations": [
        {"title": "From elsewhere", "messages": [
            {"role": "system", "content": "Be kind."},
            {"role": "user", "content": "Hi"},
            {"role": "assistant", "content": "Hello!", "reasoning_content": "Greet back."},
            {"role": "user", "content": "Bye", "extra_field_from_another_tool": 1}]}]})";
    ImportResult r;
    ASSERT_TRUE(import_conversations(*db, file, r, err)) << err;
    ConversationStore store(*db);
    Conversation c;
    ASSERT_TRUE(store.get_conversation(r.conversation_ids[0], c, err));
    EXPECT_EQ(c.title, "From elsewhere");
    EXPECT_EQ(c.settings.system_prompt, "Be kind.");
    std::vector<Message> branch;
    ASSERT_TRUE(store.load_active_branch(c.id, branch, err));
    ASSERT_EQ(branch.size(), 3u);
    EXPECT_EQ(branch[1].reasoning, "Greet back.");
    EXPECT_EQ(branch[2].content, "Bye");
    std::vector<SearchHit> hits;
    ASSERT_TRUE(store.search("hello", {}, hits, err));
    EXPECT_EQ(hits.size(), 1u);  // imported text is searchable
}

TEST(Import, StreamingInAFileArrivesInterrupted) {
    std::string dir = fresh_dir(), err;
    auto db = open_ok(dir + "/s.db");
    const char* file = R"({"format": "ponder-conversations", "version": 1, "conversations": [{"messages": [
        {"role": "user", "content": "q"}, {"role": "assistant", "content": "half", "state": "streaming"}]}]})";
    ImportResult r;
    ASSERT_TRUE(import_conversations(*db, file, r, err)) << err;
    EXPECT_EQ(count_rows(*db, "SELECT count(*) FROM messages WHERE state = 'interrupted'"), 1);
}

// Every malformed file names its first bad record, and the database is unchanged afterwards
// (a valid first conversation is not imported when the second is bad).
TEST(Import, MalformedFilesChangeNothing) {
    std::string dir = fresh_dir(), err;
    auto db = open_ok(dir + "/bad.db");
    ConversationStore store(*db);
    store.append_user_message(store.create_conversation("existing", {}, err), "existing message", err);
    const std::string head = R"({"format": "ponder-conversations", "version": 1, "conversations": [)";
    const std::string good = R"({"title": "fine", "messages": [{"role": "user", "content": "ok"}]})";
    auto file = [&](const std::string& conv) { return head + good + ", " + conv + "]}"; };
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"", "not valid JSON"},
        {"{\"format\": ", "not valid JSON"},
        {"[1, 2]", "expected a JSON object"},
        {R"({"format": "chatgpt", "version": 1, "conversations": []})", "file.format: expected \"ponder-conversations\""},
        {R"({"format": "ponder-conversations", "version": 7, "conversations": []})", "newer Ponder"},
        {R"({"format": "ponder-conversations", "conversations": []})", "file.version"},
        {R"({"format": "ponder-conversations", "version": 1})", "file.conversations: missing"},
        {R"({"format": "ponder-conversations", "version": 1, "conversations": {}})", "file.conversations: expected an array"},
        {file("42"), "conversations[1]: expected an object"},
        {file(R"({"title": 5})"), "conversations[1].title: expected a string, got number"},
        {file(R"({"messages": [{"role": "tool", "content": "x"}]})"), "conversations[1].messages[0].role: expected"},
        {file(R"({"messages": [{"role": "user"}]})"), "conversations[1].messages[0].content: missing"},
        {file(R"({"messages": [{"role": "user", "content": null}]})"), "messages[0].content: missing"},
        {file(R"({"messages": [{"role": "user", "content": ["a"]}]})"), "content: expected a string, got array"},
        {file(R"({"messages": [{"role": "user", "content": "a", "reasoning_content": "b"}]})"), "only answers"},
        {file(R"({"messages": [{"role": "user", "content": "a"}, {"role": "system", "content": "b"}]})"), "can only come first"},
        {file(R"({"messages": [{"role": "assistant", "content": "a", "state": "done"}]})"), "messages[0].state: expected"},
        {file(R"({"messages": [{"role": "assistant", "content": "a", "prompt_tokens": -1}]})"), "prompt_tokens: expected a whole number"},
        {file(R"({"messages": [{"role": "assistant", "content": "a", "prompt_tokens": 1.5}]})"), "prompt_tokens: expected a whole number"},
        {file(R"({"messages": [{"role": "assistant", "content": "a", "generation_tokens_per_s": "fast"}]})"), "expected a number"},
        {file(R"({"created_at": "yesterday"})"), "conversations[1].created_at: expected a UTC time"},
        {file(R"({"created_at": "2026-02-30T00:00:00Z"})"), "created_at: expected a UTC time"},
        {file(R"({"pinned": "yes"})"), "pinned: expected true or false"},
        {file(R"({"sampling": [0.6]})"), "sampling: expected an object"},
        {file(R"({"sampling": {"temperature": {"deep": 1}}})"), "sampling[\"temperature\"]: expected a number"},
        {file(R"({"messages": [{"role": "user", "content": "a", "id": 1}, {"role": "user", "content": "b"}]})"),
         "messages[1]: has no id"},
        {file(R"({"messages": [{"role": "user", "content": "a"}, {"role": "user", "content": "b", "id": 2}]})"),
         "messages[1]: has an id or parent"},
        {file(R"({"messages": [{"role": "user", "content": "a", "id": 1, "parent": null},
                               {"role": "assistant", "content": "b", "id": 2, "parent": 5}]})"),
         "messages[1].parent: must be 1"},
        {file(R"({"messages": [{"role": "user", "content": "a", "id": 2, "parent": 1}]})"), "messages[0].parent: must be null"},
        {file(R"({"messages": [{"role": "user", "content": "a", "id": 0}]})"), "messages[0].id: expected a whole number >= 1"},
        {file(R"({"messages": [{"role": "user", "content": "a", "id": 3, "parent": null}],
                  "other_branches": [{"role": "user", "content": "b", "id": 3, "parent": null}]})"),
         "other_branches[0].id: 3 is used twice"},
        {file(R"({"messages": [{"role": "user", "content": "a", "id": 3, "parent": null}],
                  "other_branches": [{"role": "assistant", "content": "b", "id": 2, "parent": 3}]})"),
         "other_branches[0].parent: 3 is not an earlier message"},
        {file(R"({"messages": [{"role": "user", "content": "a", "id": 3, "parent": null}],
                  "other_branches": [{"role": "assistant", "content": "b", "id": 4}]})"),
         "other_branches[0]: needs an id and a parent"},
        {file(R"({"messages": [{"role": "user", "content": "a"}],
                  "other_branches": [{"role": "assistant", "content": "b", "id": 4, "parent": null}]})"),
         "other_branches: needs messages with ids"},
        {file(R"({"messages": [{"role": "user", "content": "a", "prompt_tokens": 99999999999999999999}]})"),
         "prompt_tokens: expected a whole number"},
    };
    const int64_t conversations_before = count_rows(*db, "SELECT count(*) FROM conversations");
    const int64_t messages_before = count_rows(*db, "SELECT count(*) FROM messages");
    for (const auto& [text, expected] : cases) {
        ImportResult r;
        err.clear();
        EXPECT_FALSE(import_conversations(*db, text, r, err)) << text;
        EXPECT_NE(err.find(expected), std::string::npos) << "file: " << text << "\nerror: " << err
                                                         << "\nexpected: " << expected;
        EXPECT_EQ(err.find('\n'), std::string::npos) << err;  // one line
        EXPECT_TRUE(r.conversation_ids.empty());
    }
    EXPECT_EQ(count_rows(*db, "SELECT count(*) FROM conversations"), conversations_before);
    EXPECT_EQ(count_rows(*db, "SELECT count(*) FROM messages"), messages_before);
    // The good conversation alone imports.
    ImportResult r;
    ASSERT_TRUE(import_conversations(*db, head + good + "]}", r, err)) << err;
    EXPECT_EQ(r.conversation_ids.size(), 1u);
}

TEST(Import, ErrorsQuoteValuesShortlyOnOneLine) {
    std::string dir = fresh_dir(), err;
    auto db = open_ok(dir + "/q.db");
    std::string role(100000, 'x');
    ImportResult r;
    EXPECT_FALSE(import_conversations(
        *db, R"({"format": "ponder-conversations", "version": 1, "conversations": [{"messages": [{"role": ")" + role +
                 R"(", "content": ""}]}]})",
        r, err));
    EXPECT_LT(err.size(), 200u) << err.size();
    EXPECT_FALSE(import_conversations(
        *db, R"({"format": "ponder-conversations", "version": 1, "conversations": [{"messages": [{"role": "a\nb", "content": ""}]}]})", r, err));
    EXPECT_NE(err.find(R"(got "a\nb")"), std::string::npos) << err;
}
