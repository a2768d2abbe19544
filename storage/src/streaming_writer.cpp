#include "ponder/streaming_writer.h"

#include "process_identity.h"
#include "text.h"

#include <vector>

namespace ponder {

StreamingWriter::StreamingWriter(Database& db, int64_t message_id, StreamingPolicy policy)
    : db_(db), message_id_(message_id), policy_(policy), last_flush_(Clock::now()),
      // The state check makes a write fail loudly if the message was deleted or taken over.
      update_(db, "UPDATE messages SET content = ?2, reasoning = ?3 WHERE id = ?1 AND state = 'streaming'") {}

StreamingWriter::~StreamingWriter() {
    if (finished_) return;
    std::string ignored;
    finish(MessageState::Interrupted, {}, "", ignored);
}

void StreamingWriter::add_reasoning(std::string_view piece) {
    if (piece.empty() || finished_) return;
    if (!reasoning_started_) {
        reasoning_started_ = true;
        reasoning_start_ = Clock::now();
    }
    reasoning_.append(piece);
    pending_pieces_++;
    maybe_flush();
}

void StreamingWriter::add_content(std::string_view piece) {
    if (piece.empty() || finished_) return;
    if (reasoning_started_ && !reasoning_ended_) {  // the first answer piece ends the thought
        reasoning_ended_ = true;
        reasoning_end_ = Clock::now();
    }
    content_.append(piece);
    pending_pieces_++;
    maybe_flush();
}

void StreamingWriter::maybe_flush() {
    if (pending_pieces_ < policy_.max_pieces &&
        Clock::now() - last_flush_ < std::chrono::milliseconds(policy_.interval_ms))
        return;
    std::string error;
    if (!flush(error)) last_error_ = error;
}

bool StreamingWriter::flush(std::string& error) {
    if (pending_pieces_ == 0) return true;
    auto start = Clock::now();
    // The whole text each time rather than appending in SQL: SQLite's || is undefined for text
    // holding NUL bytes, and the row is rewritten either way.
    update_.reset();
    bool ok = update_.bind(1, message_id_).bind(2, content_).bind(3, reasoning_).run();
    if (ok && db_.changes() != 1) {
        ok = false;
        error = "message " + std::to_string(message_id_) + " is no longer being written (deleted, or its writer was "
                                                            "taken for dead)";
    } else if (!ok) {
        error = "saving the answer so far failed: " + update_.error();
    }
    auto end = Clock::now();
    flush_seconds_ += std::chrono::duration<double>(end - start).count();
    last_flush_ = end;  // a failed write is also retried only after the interval
    if (!ok) return false;
    flushes_++;
    pending_pieces_ = 0;
    return true;
}

bool StreamingWriter::finish(MessageState state, const MessageStats& stats, std::string_view error_message,
                             std::string& error) {
    if (finished_) {
        error = "message " + std::to_string(message_id_) + " was already finished";
        return false;
    }
    if (state == MessageState::Streaming) {
        error = "finish() needs a final state";
        return false;
    }
    MessageStats s = stats;
    if (s.reasoning_ms == 0 && reasoning_started_) {
        auto end = reasoning_ended_ ? reasoning_end_ : Clock::now();
        s.reasoning_ms = std::chrono::duration_cast<std::chrono::milliseconds>(end - reasoning_start_).count();
    }
    auto start = Clock::now();
    Transaction tx(db_);
    Statement st(db_, R"sql(
        UPDATE messages SET content = ?2, reasoning = ?3, state = ?4, error = ?5, prompt_tokens = ?6,
               generated_tokens = ?7, prompt_tokens_per_s = ?8, generation_tokens_per_s = ?9, reasoning_ms = ?10,
               forced_thinking = ?11, writer = NULL
        WHERE id = ?1 AND state = 'streaming')sql");
    st.bind(1, message_id_).bind(2, content_).bind(3, reasoning_).bind(4, message_state_name(state));
    st.bind(5, error_message).bind(6, s.prompt_tokens).bind(7, s.generated_tokens);
    st.bind_double(8, s.prompt_tokens_per_s).bind_double(9, s.generation_tokens_per_s).bind(10, s.reasoning_ms);
    st.bind(11, text::forced_thinking_array(s.forced_thinking));
    if (!st.run()) {
        error = "saving the answer failed: " + st.error();
        return false;
    }
    if (db_.changes() != 1) {
        error = "message " + std::to_string(message_id_) + " is no longer being written (deleted, or its writer was "
                                                            "taken for dead)";
        return false;
    }
    Statement touch(db_, "UPDATE conversations SET updated_at = ?2 "
                         "WHERE id = (SELECT conversation_id FROM messages WHERE id = ?1)");
    if (!touch.bind(1, message_id_).bind(2, text::now_ms()).run() || !tx.commit(error)) {
        if (error.empty()) error = touch.error();
        error = "saving the answer failed: " + error;
        return false;
    }
    finished_ = true;
    flush_seconds_ += std::chrono::duration<double>(Clock::now() - start).count();
    return true;
}

bool recover_interrupted_messages(Database& db, std::string& error, int* recovered) {
    if (recovered) *recovered = 0;
    // Read first, decide outside SQL (liveness is a /proc question), then write in one short
    // transaction that re-checks the state: a live writer may have finished in between.
    std::vector<std::pair<int64_t, std::string>> streaming;
    {
        Statement st(db, "SELECT id, coalesce(writer, '') FROM messages WHERE state = 'streaming'");
        while (st.step()) streaming.emplace_back(st.column_int(0), st.column_text(1));
        if (!st.error().empty()) {
            error = "looking for interrupted answers failed: " + st.error();
            return false;
        }
    }
    std::vector<int64_t> dead;
    for (const auto& [id, writer] : streaming)
        if (!process_identity::alive(writer)) dead.push_back(id);
    if (dead.empty()) return true;
    // A dead writer cannot finish its message meanwhile, so the state check suffices.
    Transaction tx(db);
    Statement st(db, "UPDATE messages SET state = 'interrupted', writer = NULL WHERE id = ?1 AND state = 'streaming'");
    int n = 0;
    for (int64_t id : dead) {
        if (!st.bind(1, id).run()) {
            error = "marking interrupted answers failed: " + st.error();
            return false;
        }
        n += db.changes();
    }
    if (!tx.commit(error)) {
        error = "marking interrupted answers failed: " + error;
        return false;
    }
    if (recovered) *recovered = n;
    return true;
}

} // namespace ponder
