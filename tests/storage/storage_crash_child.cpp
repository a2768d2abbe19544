// storage_crash_child DB RUN [abandon]: the process the crash test kills with SIGKILL. It writes turns into
// one conversation as fast as it can, answers streamed through a StreamingWriter, and reports on
// stdout (unbuffered, after each commit returned) what is now in the database:
//   conv ID | user ID | begin ID | flushed ID REASONING_BYTES CONTENT_BYTES | done ID
// The text is a fixed stream of 8-byte tokens (kReasoningTokens "r000000 ", then kAnswerTokens
// "c000000 "), so the test can tell a clean prefix from a torn write.
// With "abandon": starts one answer, saves "half an answer" and exits without finishing it.
#include "ponder/conversation_store.h"
#include "ponder/streaming_writer.h"

#include <chrono>
#include <cstdio>
#include <string>
#include <unistd.h>

namespace {

constexpr int kReasoningTokens = 40;
constexpr int kAnswerTokens = 120;

void report(const std::string& line) {
    std::string l = line + "\n";
    if (::write(STDOUT_FILENO, l.data(), l.size()) != static_cast<ssize_t>(l.size())) _exit(3);
}

std::string token(char kind, int k) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%c%06d ", kind, k);
    return buf;
}

} // namespace

int main(int argc, char** argv) {
    using namespace ponder;
    if (argc != 3 && !(argc == 4 && std::string(argv[3]) == "abandon")) {
        std::fprintf(stderr, "usage: storage_crash_child DB RUN [abandon]\n");
        return 2;
    }
    std::string error;
    auto db = Database::open(argv[1], error);
    if (!db) {
        std::fprintf(stderr, "storage_crash_child: %s\n", error.c_str());
        return 1;
    }
    ConversationStore store(*db);
    int64_t conv = store.create_conversation(std::string("crash run ") + argv[2], {}, error);
    if (!conv) return 1;
    report("conv " + std::to_string(conv));
    if (argc == 4) {
        int64_t answer = store.begin_assistant_message(conv, 0, "crash-model", error);
        StreamingWriter writer(*db, answer, StreamingPolicy{0, 1});
        writer.add_content("half an answer");
        if (!answer || writer.flush_count() != 1) return 1;
        report("begin " + std::to_string(answer));
        _exit(0);  // no destructors: the answer stays "streaming", as after a crash
    }
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);  // never outlive the test
    for (int turn = 0; std::chrono::steady_clock::now() < deadline; turn++) {
        int64_t user = store.append_user_message(conv, "question " + std::to_string(turn), error);
        if (!user) return 1;
        report("user " + std::to_string(user));
        int64_t answer = store.begin_assistant_message(conv, user, "crash-model", error);
        if (!answer) return 1;
        report("begin " + std::to_string(answer));
        StreamingWriter writer(*db, answer, StreamingPolicy{1000, 5});  // a write every 5 pieces
        int flushes = 0;
        for (int k = 0; k < kReasoningTokens + kAnswerTokens; k++) {
            if (k < kReasoningTokens) writer.add_reasoning(token('r', k));
            else writer.add_content(token('c', k - kReasoningTokens));
            if (!writer.last_error().empty()) return 1;
            if (writer.flush_count() != flushes) {
                flushes = writer.flush_count();
                report("flushed " + std::to_string(answer) + " " + std::to_string(writer.reasoning().size()) + " " +
                       std::to_string(writer.content().size()));
            }
        }
        if (!writer.finish(MessageState::Complete, {}, "", error)) return 1;
        report("done " + std::to_string(answer));
    }
    return 0;
}
