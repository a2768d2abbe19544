// The conversation store: the list, message trees (edits and regenerations as siblings, paging
// between them), text that cannot be overwritten, search, the models registry, app state, the
// default path.
#include "ponder/app_state.h"
#include "ponder/conversation_store.h"
#include "ponder/model_registry.h"
#include "ponder/streaming_writer.h"
#include "test_util.h"

#include <cstdlib>
#include <thread>

using namespace ponder;
using namespace ponder::test;

namespace {

int64_t answer(ConversationStore& store, Database& db, int64_t conv, int64_t parent, const std::string& text,
               const std::string& reasoning = "") {
    std::string err;
    int64_t id = store.begin_assistant_message(conv, parent, "model-a", err);
    EXPECT_TRUE(id) << err;
    StreamingWriter w(db, id);
    if (!reasoning.empty()) w.add_reasoning(reasoning);
    w.add_content(text);
    EXPECT_TRUE(w.finish(MessageState::Complete, {}, "", err)) << err;
    return id;
}

std::vector<std::string> contents(const std::vector<Message>& branch) {
    std::vector<std::string> out;
    for (const Message& m : branch) out.push_back(m.content);
    return out;
}

} // namespace

TEST(ConversationStore, PreviewOfAnAnswerStoppedWhileThinkingIsItsQuestion) {
    std::string dir = fresh_dir(), err;
    auto db = open_ok(dir + "/p.db");
    ConversationStore store(*db);
    const int64_t c = store.create_conversation("C", {}, err);
    const int64_t q = store.append_user_message(c, "Why is the sky blue?", err);
    answer(store, *db, c, q, "", "Rayleigh scattering, let me think");  // no answer text yet
    std::vector<ConversationSummary> list;
    ASSERT_TRUE(store.list_conversations(50, 0, list, err)) << err;
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].preview, "Why is the sky blue?");  // never the reasoning
}

TEST(ConversationStore, ListIsPinnedFirstThenMostRecentWithPreview) {
    std::string dir = fresh_dir(), err;
    auto db = open_ok(dir + "/l.db");
    ConversationStore store(*db);
    int64_t a = store.create_conversation("A", {}, err);
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    int64_t b = store.create_conversation("B", {}, err);
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    int64_t c = store.create_conversation("C", {}, err);
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
    int64_t q = store.append_user_message(a, "first\n\n  question", err);  // A is now the most recent
    answer(store, *db, a, q, "An   answer\non two lines");
    ASSERT_TRUE(store.set_pinned(c, true, err)) << err;
    std::vector<ConversationSummary> list;
    ASSERT_TRUE(store.list_conversations(50, 0, list, err)) << err;
    ASSERT_EQ(list.size(), 3u);
    EXPECT_EQ(list[0].id, c);
    EXPECT_TRUE(list[0].pinned);
    EXPECT_EQ(list[1].id, a);
    EXPECT_EQ(list[2].id, b);
    EXPECT_EQ(list[1].preview, "An answer on two lines");
    EXPECT_EQ(list[1].message_count, 2);
    EXPECT_EQ(list[2].message_count, 0);
    ASSERT_TRUE(store.list_conversations(1, 1, list, err)) << err;  // paging
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].id, a);

    ASSERT_TRUE(store.rename_conversation(b, "Renamed", err)) << err;
    Conversation conv;
    ASSERT_TRUE(store.get_conversation(b, conv, err)) << err;
    EXPECT_EQ(conv.title, "Renamed");
    EXPECT_FALSE(store.rename_conversation(999, "x", err));
    EXPECT_NE(err.find("no conversation 999"), std::string::npos) << err;
}

TEST(ConversationStore, SettingsMustHoldAJsonObject) {
    std::string dir = fresh_dir(), err;
    auto db = open_ok(dir + "/s.db");
    ConversationStore store(*db);
    ConversationSettings s;
    s.model = "r1-7b.gguf";
    s.provider = "local";
    s.system_prompt = "Think step by step.";
    s.sampling_json = R"({"temperature":0.6,"top_p":0.95})";
    int64_t id = store.create_conversation("t", s, err);
    ASSERT_TRUE(id) << err;
    Conversation c;
    ASSERT_TRUE(store.get_conversation(id, c, err));
    EXPECT_EQ(c.settings.sampling_json, s.sampling_json);
    EXPECT_EQ(c.settings.system_prompt, "Think step by step.");
    s.sampling_json = "[1, 2]";
    EXPECT_FALSE(store.update_settings(id, s, err));
    EXPECT_FALSE(store.create_conversation("t", s, err));
    s.sampling_json = "{}";
    s.model = "deepseek-reasoner";
    s.provider = "deepseek";
    ASSERT_TRUE(store.update_settings(id, s, err)) << err;
    ASSERT_TRUE(store.get_conversation(id, c, err));
    EXPECT_EQ(c.settings.provider, "deepseek");
}

// Edit = a new sibling; regenerate = a new sibling; paging to a sibling shows the newest leaf
// under it; nothing is ever replaced.
TEST(ConversationStore, EditsAndRegenerationsAreSiblingsAndBranchesSwitch) {
    std::string dir = fresh_dir(), err;
    auto db = open_ok(dir + "/t.db");
    ConversationStore store(*db);
    int64_t conv = store.create_conversation("tree", {}, err);
    int64_t q1 = store.append_user_message(conv, "What is 2+2?", err);
    int64_t a1 = answer(store, *db, conv, q1, "4", "two and two");
    int64_t q2 = store.append_user_message(conv, "And 3+3?", err);
    int64_t a2 = answer(store, *db, conv, q2, "6");
    std::vector<Message> branch;
    ASSERT_TRUE(store.load_active_branch(conv, branch, err)) << err;
    EXPECT_EQ(contents(branch), (std::vector<std::string>{"What is 2+2?", "4", "And 3+3?", "6"}));
    EXPECT_EQ(branch[1].reasoning, "two and two");
    EXPECT_EQ(branch[1].parent_id, q1);

    // Regenerate the first answer: a sibling of a1; the branch now ends there.
    int64_t a1b = store.begin_regeneration(a1, "model-b", err);
    ASSERT_TRUE(a1b) << err;
    {
        StreamingWriter w(*db, a1b);
        w.add_content("four");
        ASSERT_TRUE(w.finish(MessageState::Complete, {}, "", err)) << err;
    }
    EXPECT_FALSE(store.begin_regeneration(q1, "m", err));  // questions are edited, not regenerated
    ASSERT_TRUE(store.load_active_branch(conv, branch, err)) << err;
    EXPECT_EQ(contents(branch), (std::vector<std::string>{"What is 2+2?", "four"}));
    EXPECT_EQ(branch[1].sibling_index, 1);
    EXPECT_EQ(branch[1].sibling_count, 2);
    EXPECT_EQ(branch[1].model, "model-b");

    // Edit the first question: a sibling of q1 (a first message: no parent).
    int64_t q1b = store.edit_message(q1, "What is 2+3?", err);
    ASSERT_TRUE(q1b) << err;
    int64_t a3 = answer(store, *db, conv, q1b, "5");
    ASSERT_TRUE(store.load_active_branch(conv, branch, err)) << err;
    EXPECT_EQ(contents(branch), (std::vector<std::string>{"What is 2+3?", "5"}));
    EXPECT_EQ(branch[0].sibling_index, 1);
    EXPECT_EQ(branch[0].sibling_count, 2);
    EXPECT_EQ(branch[1].sibling_count, 1);

    Siblings sib;
    ASSERT_TRUE(store.siblings(q1b, sib, err)) << err;
    EXPECT_EQ(sib.ids, (std::vector<int64_t>{q1, q1b}));
    EXPECT_EQ(sib.index, 1);
    ASSERT_TRUE(store.siblings(a1, sib, err)) << err;
    EXPECT_EQ(sib.ids, (std::vector<int64_t>{a1, a1b}));
    EXPECT_EQ(sib.index, 0);

    // "< 1/2": back to the first question; the newest leaf under it is the regenerated answer.
    EXPECT_EQ(store.switch_branch(q1, err), a1b) << err;
    ASSERT_TRUE(store.load_active_branch(conv, branch, err)) << err;
    EXPECT_EQ(contents(branch), (std::vector<std::string>{"What is 2+2?", "four"}));
    // ... and to the first answer: its subtree's newest leaf is a2.
    EXPECT_EQ(store.switch_branch(a1, err), a2) << err;
    ASSERT_TRUE(store.load_active_branch(conv, branch, err)) << err;
    EXPECT_EQ(contents(branch), (std::vector<std::string>{"What is 2+2?", "4", "And 3+3?", "6"}));
    EXPECT_EQ(store.switch_branch(q1b, err), a3) << err;
    EXPECT_FALSE(store.switch_branch(123456, err));

    // Everything is still there: 2 questions + 1 follow-up, 4 answers.
    std::vector<Message> all;
    ASSERT_TRUE(store.load_all_messages(conv, all, err)) << err;
    EXPECT_EQ(all.size(), 7u);
}

TEST(ConversationStore, DeletingAMessageTakesItsSubtreeAndKeepsABranchOnScreen) {
    std::string dir = fresh_dir(), err;
    auto db = open_ok(dir + "/del.db");
    ConversationStore store(*db);
    int64_t conv = store.create_conversation("t", {}, err);
    int64_t q1 = store.append_user_message(conv, "q1", err);
    int64_t a1 = answer(store, *db, conv, q1, "a1");
    int64_t q2 = store.append_user_message(conv, "q2", err);
    int64_t a2 = answer(store, *db, conv, q2, "a2");
    int64_t a1b = answer(store, *db, conv, q1, "a1b");  // a regeneration, now on screen
    EXPECT_EQ(store.switch_branch(a1, err), a2);  // back to q1 a1 q2 a2
    std::vector<Message> branch;
    // Deleting the second question takes its answer too; the branch falls back to a1.
    ASSERT_TRUE(store.delete_message(q2, err)) << err;
    ASSERT_TRUE(store.load_active_branch(conv, branch, err)) << err;
    EXPECT_EQ(contents(branch), (std::vector<std::string>{"q1", "a1"}));
    // Deleting a1 (on screen): its sibling a1b is shown.
    ASSERT_TRUE(store.delete_message(a1, err)) << err;
    ASSERT_TRUE(store.load_active_branch(conv, branch, err)) << err;
    EXPECT_EQ(contents(branch), (std::vector<std::string>{"q1", "a1b"}));
    EXPECT_EQ(branch[1].id, a1b);
    EXPECT_EQ(branch[1].sibling_count, 1);
    // Deleting a message off screen leaves the screen alone.
    int64_t q1b = store.edit_message(q1, "q1b", err);
    ASSERT_TRUE(store.switch_branch(q1, err)) << err;
    ASSERT_TRUE(store.delete_message(q1b, err)) << err;
    ASSERT_TRUE(store.load_active_branch(conv, branch, err)) << err;
    EXPECT_EQ(contents(branch), (std::vector<std::string>{"q1", "a1b"}));
    // The first message: everything goes.
    ASSERT_TRUE(store.delete_message(q1, err)) << err;
    ASSERT_TRUE(store.load_active_branch(conv, branch, err)) << err;
    EXPECT_TRUE(branch.empty());
    EXPECT_EQ(count_rows(*db, "SELECT count(*) FROM messages"), 0);
    EXPECT_FALSE(store.delete_message(q1, err));
    EXPECT_TRUE(db->exec("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)", err)) << err;
}

TEST(ConversationStore, FinishedTextCannotBeOverwritten) {
    std::string dir = fresh_dir(), err;
    auto db = open_ok(dir + "/w.db");
    ConversationStore store(*db);
    int64_t conv = store.create_conversation("t", {}, err);
    int64_t q = store.append_user_message(conv, "original", err);
    EXPECT_FALSE(db->exec("UPDATE messages SET content = 'changed' WHERE id = " + std::to_string(q), err));
    EXPECT_NE(err.find("cannot change"), std::string::npos) << err;
    EXPECT_FALSE(db->exec("UPDATE messages SET parent_id = NULL WHERE id = " + std::to_string(q), err));
    Message m;
    ASSERT_TRUE(store.load_message(q, m, err));
    EXPECT_EQ(m.content, "original");
}

TEST(ConversationStore, ParentMustBeInTheSameConversation) {
    std::string dir = fresh_dir(), err;
    auto db = open_ok(dir + "/p.db");
    ConversationStore store(*db);
    int64_t a = store.create_conversation("a", {}, err);
    int64_t b = store.create_conversation("b", {}, err);
    int64_t qa = store.append_user_message(a, "in a", err);
    EXPECT_FALSE(store.append_message(b, qa, Role::Assistant, "in b under a", err));
    EXPECT_NE(err.find("same conversation"), std::string::npos) << err;
    EXPECT_FALSE(store.append_message(b, 999, Role::User, "no such parent", err));
    EXPECT_FALSE(store.append_user_message(999, "no such conversation", err));
    EXPECT_EQ(count_rows(*db, "SELECT count(*) FROM messages"), 1);
}

TEST(ConversationStore, DeleteRemovesMessagesAndTheirIndexEntries) {
    std::string dir = fresh_dir(), err;
    auto db = open_ok(dir + "/d.db");
    ConversationStore store(*db);
    int64_t keep = store.create_conversation("keep", {}, err);
    store.append_user_message(keep, "kept zebra", err);
    int64_t gone = store.create_conversation("zebra talk", {}, err);
    int64_t q = store.append_user_message(gone, "zebra question", err);
    answer(store, *db, gone, q, "zebra answer");
    store.edit_message(q, "edited zebra question", err);
    ASSERT_TRUE(store.delete_conversation(gone, err)) << err;
    EXPECT_FALSE(store.delete_conversation(gone, err));
    EXPECT_EQ(count_rows(*db, "SELECT count(*) FROM messages"), 1);
    std::vector<SearchHit> hits;
    ASSERT_TRUE(store.search("zebra", {}, hits, err)) << err;
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].conversation_id, keep);
    EXPECT_EQ(db->integrity_check(), "ok");
    EXPECT_TRUE(db->exec("INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)", err)) << err;
    EXPECT_TRUE(db->exec("INSERT INTO conversations_fts(conversations_fts, rank) VALUES ('integrity-check', 1)", err)) << err;
}

TEST(ConversationStore, SearchTitlesContentAndOptionallyReasoning) {
    std::string dir = fresh_dir(), err;
    auto db = open_ok(dir + "/f.db");
    ConversationStore store(*db);
    int64_t c1 = store.create_conversation("Quantum tunnelling", {}, err);
    int64_t q = store.append_user_message(c1, "Explain how electrons cross a barrier", err);
    int64_t a = answer(store, *db, c1, q, "The wavefunction decays inside the barrier.", "Recall Schrödinger's equation");
    int64_t c2 = store.create_conversation("Cooking", {}, err);
    store.append_user_message(c2, "How long to boil an egg? Café-style, naïve question", err);

    std::vector<SearchHit> hits;
    ASSERT_TRUE(store.search("barrier", {}, hits, err)) << err;
    ASSERT_EQ(hits.size(), 2u);
    EXPECT_EQ(hits[0].message_id, a);  // newest first
    EXPECT_EQ(hits[0].role, Role::Assistant);
    EXPECT_EQ(hits[0].conversation_title, "Quantum tunnelling");
    EXPECT_NE(hits[0].snippet.find("[barrier]"), std::string::npos) << hits[0].snippet;
    EXPECT_EQ(hits[1].message_id, q);

    ASSERT_TRUE(store.search("quantum", {}, hits, err)) << err;  // title
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].message_id, 0);
    EXPECT_EQ(hits[0].conversation_id, c1);
    EXPECT_EQ(hits[0].snippet, "[Quantum] tunnelling");

    ASSERT_TRUE(store.search("schrodinger", {}, hits, err)) << err;  // diacritics folded, reasoning off
    EXPECT_TRUE(hits.empty());
    SearchOptions with_reasoning;
    with_reasoning.include_reasoning = true;
    with_reasoning.mark_begin = "<b>";
    with_reasoning.mark_end = "</b>";
    ASSERT_TRUE(store.search("schrodinger", with_reasoning, hits, err)) << err;
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_NE(hits[0].snippet.find("<b>Schrödinger</b>"), std::string::npos) << hits[0].snippet;

    ASSERT_TRUE(store.search("cafe naive", {}, hits, err)) << err;  // all words, any order
    EXPECT_EQ(hits.size(), 1u);
    ASSERT_TRUE(store.search("wavefun", {}, hits, err)) << err;  // the start of a word
    EXPECT_EQ(hits.size(), 1u);
    SearchOptions whole;
    whole.whole_words = true;
    ASSERT_TRUE(store.search("wavefun", whole, hits, err)) << err;
    EXPECT_TRUE(hits.empty());
    ASSERT_TRUE(store.search("WAVEFUNCTION", {}, hits, err)) << err;
    EXPECT_EQ(hits.size(), 1u);
    ASSERT_TRUE(store.search("egg barrier", {}, hits, err)) << err;
    EXPECT_TRUE(hits.empty());

    // Query syntax typed by a user means nothing, and never fails.
    const std::vector<std::string> odd = {"\"", "barrier\"", "-barrier", "barrier AND", "NEAR(", "*", "a:b", "(", "'",
                                          "^", "{x}", "  ", "", "barrier OR egg", "col:barrier", std::string("a\0b", 3)};
    for (const std::string& q2 : odd) {
        EXPECT_TRUE(store.search(q2, {}, hits, err)) << q2 << ": " << err;
    }
    ASSERT_TRUE(store.search("barrier OR egg", {}, hits, err)) << err;  // OR is a word here
    EXPECT_TRUE(hits.empty());

    // A streaming answer is found once it is finished (it is indexed then).
    int64_t s = store.begin_assistant_message(c2, 0, "m", err);
    StreamingWriter w(*db, s, StreamingPolicy{0, 1});
    w.add_content("hardboiled");
    ASSERT_TRUE(store.search("hardboiled", {}, hits, err)) << err;
    EXPECT_TRUE(hits.empty());
    ASSERT_TRUE(w.finish(MessageState::Complete, {}, "", err)) << err;
    ASSERT_TRUE(store.search("hardboiled", {}, hits, err)) << err;
    EXPECT_EQ(hits.size(), 1u);

    SearchOptions one;
    one.limit = 1;
    ASSERT_TRUE(store.search("barrier", one, hits, err)) << err;
    EXPECT_EQ(hits.size(), 1u);
}

TEST(ConversationStore, TitleFromFirstLine) {
    EXPECT_EQ(title_from_text("\n\n  How do   magnets work?\nI mean really."), "How do magnets work?");
    std::string long_text(100, 'x');
    EXPECT_EQ(title_from_text(long_text), std::string(60, 'x') + "…");
    std::string greek;
    for (int i = 0; i < 70; i++) greek += "λ";
    EXPECT_EQ(title_from_text(greek).size(), 60 * 2 + 3);  // cut between characters, not bytes
    EXPECT_EQ(title_from_text(""), "");
}

TEST(ModelRegistry, RegisterChecksumUseAndForget) {
    std::string dir = fresh_dir(), err;
    auto db = open_ok(dir + "/m.db");
    ModelRegistry models(*db);
    int64_t id = models.upsert("/m/r1-1.5b.gguf", 1000, 5, R"({"arch":"qwen2"})", err);
    ASSERT_TRUE(id) << err;
    const std::string sha(64, 'a');
    ASSERT_TRUE(models.set_sha256(id, sha, err)) << err;
    EXPECT_FALSE(models.set_sha256(id, "not-hex", err));  // the schema checks the form
    // The same file again: same id, checksum kept.
    EXPECT_EQ(models.upsert("/m/r1-1.5b.gguf", 1000, 5, R"({"arch":"qwen2","n_layer":28})", err), id);
    ModelEntry e;
    ASSERT_TRUE(models.find("/m/r1-1.5b.gguf", e, err)) << err;
    EXPECT_EQ(e.sha256, sha);
    EXPECT_EQ(e.metadata_json, R"({"arch":"qwen2","n_layer":28})");
    EXPECT_EQ(e.last_used_at, 0);
    // Changed on disk: the checksum described the old content.
    EXPECT_EQ(models.upsert("/m/r1-1.5b.gguf", 2000, 6, "{}", err), id);
    ASSERT_TRUE(models.find("/m/r1-1.5b.gguf", e, err));
    EXPECT_EQ(e.sha256, "");
    EXPECT_EQ(e.size_bytes, 2000);
    int64_t other = models.upsert("/m/r1-7b.gguf", 5000, 1, "{}", err);
    ASSERT_TRUE(models.mark_used(other, err)) << err;
    std::vector<ModelEntry> list;
    ASSERT_TRUE(models.list(list, err)) << err;
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].id, other);  // most recently used first
    EXPECT_GT(list[0].last_used_at, 0);
    EXPECT_FALSE(models.upsert("/m/bad.gguf", 1, 1, "{not json", err));
    ASSERT_TRUE(models.remove(id, err)) << err;
    err.clear();
    EXPECT_FALSE(models.find("/m/r1-1.5b.gguf", e, err));
    EXPECT_TRUE(err.empty()) << err;  // absent is not an error
    EXPECT_FALSE(models.remove(id, err));
}

TEST(AppState, GetSetRemove) {
    std::string dir = fresh_dir(), err, value;
    auto db = open_ok(dir + "/a.db");
    EXPECT_FALSE(app_state_get(*db, "k", value, err));
    EXPECT_TRUE(err.empty());
    ASSERT_TRUE(app_state_set(*db, "k", "1", err)) << err;
    ASSERT_TRUE(app_state_set(*db, "k", "2", err)) << err;
    ASSERT_TRUE(app_state_get(*db, "k", value, err));
    EXPECT_EQ(value, "2");
    ASSERT_TRUE(app_state_remove(*db, "k", err)) << err;
    EXPECT_FALSE(app_state_get(*db, "k", value, err));
}

TEST(DefaultPath, FollowsXdgDataHome) {
    const char* old_xdg = std::getenv("XDG_DATA_HOME");
    const char* old_home = std::getenv("HOME");
    std::string saved_xdg = old_xdg ? old_xdg : "", saved_home = old_home ? old_home : "";
    setenv("XDG_DATA_HOME", "/data/me", 1);
    EXPECT_EQ(default_database_path(), "/data/me/ponder/ponder.db");
    setenv("XDG_DATA_HOME", "relative/ignored", 1);  // the spec: only absolute paths count
    setenv("HOME", "/home/me", 1);
    EXPECT_EQ(default_database_path(), "/home/me/.local/share/ponder/ponder.db");
    unsetenv("XDG_DATA_HOME");
    EXPECT_EQ(default_database_path(), "/home/me/.local/share/ponder/ponder.db");
    if (old_xdg) setenv("XDG_DATA_HOME", saved_xdg.c_str(), 1);
    if (old_home) setenv("HOME", saved_home.c_str(), 1);
    else unsetenv("HOME");
}
