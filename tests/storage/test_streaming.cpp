// Streaming writes: the flush policy, recovery of answers whose writer died, a child process
// killed with SIGKILL at random moments, and the UI reading while a worker streams.
#include "ponder/app_state.h"
#include "ponder/conversation_store.h"
#include "ponder/streaming_writer.h"
#include "process_identity.h"
#include "test_util.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <cstring>
#include <map>
#include <mutex>
#include <poll.h>
#include <random>
#include <sys/wait.h>
#include <thread>

using namespace ponder;
using namespace ponder::test;

namespace {

std::string message_text(Database& db, int64_t id, const char* column) {
    Statement st(db, std::string("SELECT ") + column + " FROM messages WHERE id = ?1");
    st.bind(1, id);
    return st.step() ? st.column_text(0) : "<missing>";
}

std::string message_state(Database& db, int64_t id) { return message_text(db, id, "state"); }

} // namespace

TEST(Streaming, WritesAtMostEveryNPiecesAndFinishesWithStats) {
    std::string dir = fresh_dir(), err;
    auto db = open_ok(dir + "/s.db");
    auto ui = open_ok(dir + "/s.db");  // another connection, as the UI thread has
    ConversationStore store(*db);
    int64_t conv = store.create_conversation("t", {}, err);
    int64_t user = store.append_user_message(conv, "hi", err);
    int64_t id = store.begin_assistant_message(conv, user, "m", err);
    ASSERT_TRUE(id) << err;
    EXPECT_EQ(message_state(*ui, id), "streaming");
    {
        StreamingWriter w(*db, id, StreamingPolicy{60000, 4});
        w.add_reasoning("a");
        w.add_reasoning("b");
        w.add_reasoning("c");
        EXPECT_EQ(message_text(*ui, id, "reasoning"), "");  // three pieces: nothing written yet
        w.add_content("1");  // the fourth: written
        EXPECT_EQ(w.flush_count(), 1);
        EXPECT_EQ(message_text(*ui, id, "reasoning"), "abc");
        EXPECT_EQ(message_text(*ui, id, "content"), "1");
        w.add_content("2");
        MessageStats stats;
        stats.prompt_tokens = 7;
        stats.generated_tokens = 5;
        stats.generation_tokens_per_s = 42.5;
        ASSERT_TRUE(w.finish(MessageState::Complete, stats, "", err)) << err;
        EXPECT_FALSE(w.finish(MessageState::Complete, stats, "", err));  // once only
    }
    Message m;
    ASSERT_TRUE(store.load_message(id, m, err)) << err;
    EXPECT_EQ(m.state, MessageState::Complete);
    EXPECT_EQ(m.reasoning, "abc");
    EXPECT_EQ(m.content, "12");
    EXPECT_EQ(m.stats.prompt_tokens, 7);
    EXPECT_EQ(m.stats.generated_tokens, 5);
    EXPECT_DOUBLE_EQ(m.stats.generation_tokens_per_s, 42.5);
    EXPECT_GE(m.stats.reasoning_ms, 0);
    EXPECT_EQ(m.stats.forced_thinking, "");
    EXPECT_EQ(count_rows(*ui, "SELECT count(*) FROM messages WHERE writer IS NOT NULL"), 0);
}

TEST(Streaming, ForcedThinkingIsSavedAndABadValueNeverCostsTheAnswer) {
    std::string dir = fresh_dir(), err;
    auto db = open_ok(dir + "/f.db");
    ConversationStore store(*db);
    int64_t conv = store.create_conversation("t", {}, err);
    int64_t user = store.append_user_message(conv, "hi", err);
    const std::string forced = R"([{"kind":"answer_now","at":17,"description":"Thought ended at 17 tokens: answer now"}])";
    int64_t good = store.begin_assistant_message(conv, user, "m", err);
    {
        StreamingWriter w(*db, good);
        w.add_reasoning("so");
        w.add_content("42");
        MessageStats s;
        s.forced_thinking = forced;
        ASSERT_TRUE(w.finish(MessageState::Complete, s, "", err)) << err;
    }
    int64_t bad = store.begin_regeneration(good, "m", err);
    {
        StreamingWriter w(*db, bad);
        w.add_content("43");
        MessageStats s;
        s.forced_thinking = "{not json";
        ASSERT_TRUE(w.finish(MessageState::Complete, s, "", err)) << err;
    }
    Message m;
    ASSERT_TRUE(store.load_message(good, m, err)) << err;
    EXPECT_EQ(nlohmann::json::parse(m.stats.forced_thinking), nlohmann::json::parse(forced));
    ASSERT_TRUE(store.load_message(bad, m, err)) << err;
    EXPECT_EQ(m.content, "43");
    EXPECT_EQ(m.stats.forced_thinking, "");
}

TEST(Streaming, WritesAfterTheIntervalEvenWithFewPieces) {
    std::string dir = fresh_dir(), err;
    auto db = open_ok(dir + "/s.db");
    ConversationStore store(*db);
    int64_t conv = store.create_conversation("t", {}, err);
    int64_t id = store.begin_assistant_message(conv, 0, "m", err);
    StreamingWriter w(*db, id, StreamingPolicy{20, 1000});
    w.add_content("x");
    EXPECT_EQ(w.flush_count(), 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    w.add_content("y");
    EXPECT_EQ(w.flush_count(), 1);
    EXPECT_EQ(message_text(*db, id, "content"), "xy");
}

TEST(Streaming, ErrorAndCancelledStatesKeepTheText) {
    std::string dir = fresh_dir(), err;
    auto db = open_ok(dir + "/s.db");
    ConversationStore store(*db);
    int64_t conv = store.create_conversation("t", {}, err);
    int64_t a = store.begin_assistant_message(conv, 0, "m", err);
    {
        StreamingWriter w(*db, a);
        w.add_content("partial");
        ASSERT_TRUE(w.finish(MessageState::Error, {}, "out of memory", err)) << err;
    }
    Message m;
    ASSERT_TRUE(store.load_message(a, m, err));
    EXPECT_EQ(m.state, MessageState::Error);
    EXPECT_EQ(m.error, "out of memory");
    EXPECT_EQ(m.content, "partial");
    int64_t b = store.begin_regeneration(a, "m", err);
    {
        StreamingWriter w(*db, b);
        w.add_content("stopped here");
        EXPECT_FALSE(w.finish(MessageState::Streaming, {}, "", err));  // not a final state
        ASSERT_TRUE(w.finish(MessageState::Cancelled, {}, "", err)) << err;
    }
    EXPECT_EQ(message_state(*db, b), "cancelled");
    EXPECT_EQ(message_text(*db, b, "content"), "stopped here");
}

TEST(Streaming, WriterDroppedWithoutFinishMarksInterrupted) {
    std::string dir = fresh_dir(), err;
    auto db = open_ok(dir + "/s.db");
    ConversationStore store(*db);
    int64_t conv = store.create_conversation("t", {}, err);
    int64_t id = store.begin_assistant_message(conv, 0, "m", err);
    {
        StreamingWriter w(*db, id, StreamingPolicy{60000, 1000});
        w.add_content("unsaved");
    }
    EXPECT_EQ(message_state(*db, id), "interrupted");
    EXPECT_EQ(message_text(*db, id, "content"), "unsaved");
}

TEST(Streaming, DeletedMessageMakesWritesFailLoudly) {
    std::string dir = fresh_dir(), err;
    auto db = open_ok(dir + "/s.db");
    ConversationStore store(*db);
    int64_t conv = store.create_conversation("t", {}, err);
    int64_t id = store.begin_assistant_message(conv, 0, "m", err);
    StreamingWriter w(*db, id, StreamingPolicy{60000, 1});
    w.add_content("a");
    EXPECT_TRUE(w.last_error().empty()) << w.last_error();
    ASSERT_TRUE(store.delete_conversation(conv, err)) << err;
    w.add_content("b");
    EXPECT_NE(w.last_error().find("no longer being written"), std::string::npos) << w.last_error();
    EXPECT_FALSE(w.finish(MessageState::Complete, {}, "", err));
    EXPECT_NE(err.find("no longer being written"), std::string::npos) << err;
}

TEST(Streaming, ProcessIdentityTellsLiveFromDead) {
    std::string me = process_identity::current();
    EXPECT_TRUE(process_identity::alive(me)) << me;
    std::istringstream in(me);
    long pid;
    std::string start, boot;
    in >> pid >> start >> boot;
    EXPECT_FALSE(process_identity::alive(std::to_string(pid) + " " + start + "1 " + boot));  // pid reused
    EXPECT_FALSE(process_identity::alive(std::to_string(pid) + " " + start + " another-boot"));
    EXPECT_FALSE(process_identity::alive(""));
    EXPECT_FALSE(process_identity::alive("garbage"));
}

// A message left streaming by a process that is gone becomes interrupted on the next open; one
// that a live process (here: this one, through another connection) is writing stays streaming.
TEST(Streaming, OpenRecoversOnlyMessagesOfDeadWriters) {
    std::string dir = fresh_dir(), err, path = dir + "/r.db";
    auto db = open_ok(path);
    ConversationStore store(*db);
    int64_t conv = store.create_conversation("t", {}, err);
    int64_t mine = store.begin_assistant_message(conv, 0, "m", err);
    StreamingWriter live(*db, mine, StreamingPolicy{0, 1});
    live.add_content("still going");

    // A child process that starts an answer, saves some of it and exits without finishing.
    // Left a zombie (not reaped) during the open below: a zombie is no live writer either.
    int fds[2];
    ASSERT_EQ(pipe2(fds, O_CLOEXEC), 0);
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
        dup2(fds[1], STDOUT_FILENO);
        execl(PONDER_CRASH_CHILD, PONDER_CRASH_CHILD, path.c_str(), "0", "abandon", static_cast<char*>(nullptr));
        _exit(127);
    }
    close(fds[1]);
    siginfo_t info{};  // wait until it exited, without reaping it
    ASSERT_EQ(waitid(P_PID, static_cast<id_t>(child), &info, WEXITED | WNOWAIT), 0);
    ASSERT_EQ(info.si_status, 0);
    char buf[256] = {};
    ASSERT_GT(read(fds[0], buf, sizeof buf - 1), 0);
    close(fds[0]);
    int64_t dead_id = 0;
    ASSERT_EQ(std::sscanf(std::strstr(buf, "begin ") ? std::strstr(buf, "begin ") : "", "begin %ld", &dead_id), 1) << buf;
    EXPECT_EQ(message_state(*db, dead_id), "streaming");
    auto again = open_ok(path);  // the open runs the recovery
    EXPECT_EQ(message_state(*again, dead_id), "interrupted");
    EXPECT_EQ(message_text(*again, dead_id, "content"), "half an answer");
    EXPECT_EQ(message_state(*again, mine), "streaming");
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    // The interrupted answer is searchable now (indexed once it stopped streaming).
    std::vector<SearchHit> hits;
    ConversationStore s2(*again);
    ASSERT_TRUE(s2.search("half", {}, hits, err)) << err;
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].message_id, dead_id);
    ASSERT_TRUE(live.finish(MessageState::Complete, {}, "", err)) << err;
}

// --- crash safety: SIGKILL at random moments ------------------------------------------------

namespace {

constexpr int kReasoningTokens = 40, kAnswerTokens = 120;  // as in storage_crash_child.cpp

std::string token_stream(char kind, int n) {
    std::string s;
    char buf[16];
    for (int k = 0; k < n; k++) {
        std::snprintf(buf, sizeof buf, "%c%06d ", kind, k);
        s += buf;
    }
    return s;
}

struct Child {
    pid_t pid = -1;
    int out = -1;
    std::string reports;
};

Child spawn_child(const std::string& db, int run) {
    int fds[2];
    EXPECT_EQ(pipe2(fds, O_CLOEXEC), 0);
    Child c;
    c.pid = fork();
    if (c.pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        std::string r = std::to_string(run);
        execl(PONDER_CRASH_CHILD, PONDER_CRASH_CHILD, db.c_str(), r.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    close(fds[1]);
    c.out = fds[0];
    return c;
}

// Reads what the child reported until `deadline`, or until `until` appears in it.
void read_reports(Child& c, std::chrono::steady_clock::time_point deadline, const std::string& until = "") {
    char buf[4096];
    for (;;) {
        if (!until.empty() && c.reports.find(until) != std::string::npos) return;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        pollfd p{c.out, POLLIN, 0};
        int timeout = static_cast<int>(left.count());
        if (timeout <= 0 || poll(&p, 1, timeout) <= 0) return;
        ssize_t n = read(c.out, buf, sizeof buf);
        if (n <= 0) return;
        c.reports.append(buf, static_cast<size_t>(n));
    }
}

void drain(Child& c) {
    char buf[4096];
    ssize_t n;
    while ((n = read(c.out, buf, sizeof buf)) > 0) c.reports.append(buf, static_cast<size_t>(n));
    close(c.out);
}

} // namespace

// Many runs of a child that streams answers as fast as it can, each killed with SIGKILL at a
// random moment (half of them at a random time after start, which also lands inside the first
// run's schema creation; half shortly after an answer began). After each kill: the file is
// sound, every message the child reported committed is there with its exact text, the answer it
// was writing is interrupted with at least the text of its last reported write, and every text
// in the file is a whole-token prefix of what was streamed (no torn write).
TEST(Streaming, SigkillAtRandomMomentsLosesNothingCommitted) {
    std::string dir = fresh_dir(), err, path = dir + "/crash.db";
    const std::string full_reasoning = token_stream('r', kReasoningTokens);
    const std::string full_answer = token_stream('c', kAnswerTokens);
    std::mt19937 rng(12345);
    struct Expect {
        std::string state;  // "complete" or "" (interrupted or complete: killed between finish and report)
        size_t min_reasoning = 0, min_content = 0;
    };
    std::map<int64_t, Expect> answers;  // every answer ever reported, checked again after every run
    std::map<int64_t, std::string> users;
    int interrupted_seen = 0, completed_seen = 0;
    // How long the child takes to finish its first answer here (a sanitizer build or a busy
    // machine is many times slower), measured on a file of its own: the random kills spread over
    // twice that, so some land mid-answer and some after answers finished.
    int full_answer_us = 0;
    {
        Child c = spawn_child(dir + "/calibrate.db", 0);
        ASSERT_GT(c.pid, 0);
        auto start = std::chrono::steady_clock::now();
        read_reports(c, start + std::chrono::seconds(60), "done ");
        full_answer_us = static_cast<int>(std::chrono::duration_cast<std::chrono::microseconds>(
                                              std::chrono::steady_clock::now() - start).count());
        kill(c.pid, SIGKILL);
        waitpid(c.pid, nullptr, 0);
        drain(c);
        ASSERT_NE(c.reports.find("done "), std::string::npos) << "the child finished no answer in 60 s";
    }
    const int kRuns = 50;
    for (int run = 0; run < kRuns; run++) {
        Child c = spawn_child(path, run);
        ASSERT_GT(c.pid, 0);
        auto start = std::chrono::steady_clock::now();
        if (run % 2 == 0) {
            auto delay = std::chrono::microseconds(
                std::uniform_int_distribution<int>(0, std::max(40000, 2 * full_answer_us))(rng));
            read_reports(c, start + delay);
        } else {
            read_reports(c, start + std::chrono::seconds(10), "begin ");
            auto delay = std::chrono::microseconds(std::uniform_int_distribution<int>(0, 5000)(rng));
            read_reports(c, std::chrono::steady_clock::now() + delay);
        }
        kill(c.pid, SIGKILL);
        int status = 0;
        ASSERT_EQ(waitpid(c.pid, &status, 0), c.pid);
        ASSERT_TRUE(WIFSIGNALED(status)) << "the child ended by itself (status " << status << "): " << c.reports;
        drain(c);

        std::istringstream lines(c.reports);
        std::string line;
        while (std::getline(lines, line)) {
            std::istringstream f(line);
            std::string what;
            int64_t id = 0;
            f >> what >> id;
            if (what == "user") users[id] = "";
            if (what == "begin") answers[id] = {};
            if (what == "flushed") f >> answers[id].min_reasoning >> answers[id].min_content;
            if (what == "done") answers[id].state = "complete";
        }

        auto db = open_ok(path);  // recovers the killed child's answer
        ASSERT_NE(db, nullptr);
        ASSERT_EQ(db->integrity_check(), "ok") << "run " << run;
        EXPECT_EQ(count_rows(*db, "SELECT count(*) FROM messages WHERE state = 'streaming'"), 0) << "run " << run;
        for (const auto& [id, ignored] : users)
            EXPECT_EQ(message_text(*db, id, "content").rfind("question ", 0), 0u) << "user message " << id;
        for (const auto& [id, e] : answers) {
            std::string state = message_state(*db, id);
            std::string reasoning = message_text(*db, id, "reasoning"), content = message_text(*db, id, "content");
            if (e.state == "complete") {
                EXPECT_EQ(state, "complete") << "answer " << id;
            } else {
                EXPECT_TRUE(state == "interrupted" || state == "complete") << "answer " << id << ": " << state;
            }
            if (state == "complete") {
                EXPECT_EQ(reasoning, full_reasoning) << "answer " << id;
                EXPECT_EQ(content, full_answer) << "answer " << id;
            }
            EXPECT_GE(reasoning.size(), e.min_reasoning) << "answer " << id << " lost text it had saved";
            EXPECT_GE(content.size(), e.min_content) << "answer " << id << " lost text it had saved";
        }
        // Every answer in the file, reported or not (killed between commit and report), is a
        // whole-token prefix of the stream.
        Statement all(*db, "SELECT id, reasoning, content, state FROM messages WHERE role = 'assistant'");
        while (all.step()) {
            std::string r = all.column_text(1), a = all.column_text(2), state = all.column_text(3);
            EXPECT_TRUE(r.size() % 8 == 0 && full_reasoning.compare(0, r.size(), r) == 0) << "torn reasoning: " << r;
            EXPECT_TRUE(a.size() % 8 == 0 && full_answer.compare(0, a.size(), a) == 0) << "torn answer: " << a;
            EXPECT_TRUE(a.empty() || r == full_reasoning) << "answer text before the reasoning was complete";
        }
        interrupted_seen = static_cast<int>(count_rows(*db, "SELECT count(*) FROM messages WHERE state = 'interrupted'"));
        completed_seen = static_cast<int>(count_rows(*db, "SELECT count(*) FROM messages WHERE state = 'complete' "
                                                          "AND role = 'assistant'"));
        if (HasFailure()) break;
    }
    // The kills really landed mid-answer, and answers really finished in between.
    EXPECT_GE(interrupted_seen, kRuns / 4);
    EXPECT_GE(completed_seen, 1);
    std::printf("crash test: %d runs, %d answers interrupted, %d complete (first answer in %.1f ms)\n", kRuns,
                interrupted_seen, completed_seen, full_answer_us / 1000.0);
}

// --- the UI reading while a worker streams ---------------------------------------------------

// One worker streams answers with a write every piece; the UI thread lists, loads, searches and
// makes its own small writes (rename, pin, app state) on its own connection; a second reader
// exports. No call may fail: WAL readers never wait for the writer, and writers wait for each
// other within the busy timeout instead of reporting "database is locked".
TEST(Streaming, ReadersAndWritersNeverSeeDatabaseLocked) {
    std::string dir = fresh_dir(), err, path = dir + "/c.db";
    int64_t conv = 0;
    {
        auto db = open_ok(path);
        ConversationStore store(*db);
        conv = store.create_conversation("busy", {}, err);
        for (int i = 0; i < 50; i++) ASSERT_TRUE(store.append_user_message(conv, "earlier message " + std::to_string(i), err));
    }
    std::atomic<bool> stop{false};
    std::atomic<int> reads{0}, ui_writes{0}, flushes{0};
    std::mutex errors_mutex;
    std::vector<std::string> errors;
    auto record = [&](const std::string& who, const std::string& e) {
        std::lock_guard<std::mutex> lock(errors_mutex);
        errors.push_back(who + ": " + e);
    };

    std::thread worker([&] {
        std::string e;
        auto db = Database::open(path, e);
        if (!db) return record("worker open", e);
        ConversationStore store(*db);
        for (int turn = 0; !stop; turn++) {
            int64_t user = store.append_user_message(conv, "question " + std::to_string(turn), e);
            int64_t id = user ? store.begin_assistant_message(conv, user, "m", e) : 0;
            if (!id) return record("worker", e);
            StreamingWriter w(*db, id, StreamingPolicy{0, 1});  // every piece is a transaction
            for (int k = 0; k < 200 && !stop; k++) {
                w.add_content("word" + std::to_string(k) + " ");
                if (!w.last_error().empty()) return record("worker flush", w.last_error());
            }
            if (!w.finish(MessageState::Complete, {}, "", e)) return record("worker finish", e);
            flushes += w.flush_count();
        }
    });
    std::thread ui([&] {
        std::string e;
        auto db = Database::open(path, e);
        if (!db) return record("ui open", e);
        ConversationStore store(*db);
        std::vector<ConversationSummary> list;
        std::vector<Message> branch;
        std::vector<SearchHit> hits;
        for (int i = 0; !stop; i++) {
            if (!store.list_conversations(50, 0, list, e)) return record("ui list", e);
            if (!store.load_active_branch(conv, branch, e)) return record("ui load", e);
            if (!store.search("word1", {}, hits, e)) return record("ui search", e);
            reads += 3;
            if (i % 5 == 0) {
                if (!store.rename_conversation(conv, "busy " + std::to_string(i), e)) return record("ui rename", e);
                if (!store.set_pinned(conv, i % 2 == 0, e)) return record("ui pin", e);
                if (!app_state_set(*db, "last", std::to_string(i), e)) return record("ui state", e);
                ui_writes += 3;
            }
        }
    });
    std::thread exporter([&] {
        std::string e;
        auto db = Database::open(path, e);
        if (!db) return record("export open", e);
        ConversationStore store(*db);
        std::vector<Message> all;
        while (!stop) {
            if (!store.load_all_messages(conv, all, e)) return record("export", e);
            reads++;
        }
    });
    std::this_thread::sleep_for(std::chrono::seconds(3));
    stop = true;
    worker.join();
    ui.join();
    exporter.join();
    for (const std::string& e : errors) ADD_FAILURE() << e;
    EXPECT_GT(reads.load(), 100);
    EXPECT_GT(ui_writes.load(), 10);
    EXPECT_GT(flushes.load(), 100);
    auto db = open_ok(path);
    EXPECT_EQ(db->integrity_check(), "ok");
    std::printf("concurrency: %d reads, %d UI writes, %d streamed writes, no errors\n", reads.load(), ui_writes.load(),
                flushes.load());
}
