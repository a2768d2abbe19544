// Saving an answer while it is generated.
//
// begin_assistant_message (conversation_store.h) creates the message in state Streaming, tagged
// with this process's identity. A StreamingWriter collects the pieces the engine emits and writes
// the text so far at most every `interval_ms` (or every `max_pieces` pieces), each write one short
// transaction; a crash or kill therefore loses at most the last interval of text. finish() writes
// the rest with the final state and statistics.
//
// Every Database::open first runs recover_interrupted_messages: a message still Streaming whose
// writer process is gone (or whose pid now belongs to another process) becomes Interrupted, its
// text kept. A message a live process is still writing is left alone.
#pragma once

#include "ponder/conversation_store.h"
#include "ponder/storage.h"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

namespace ponder {

struct StreamingPolicy {
    int interval_ms = 250;  // most text a crash can lose, in time
    int max_pieces = 64;    // ... and in pieces, for very fast generation
};

class StreamingWriter {
public:
    // Uses `db` from the calling thread only (the generating thread owns its own connection).
    StreamingWriter(Database& db, int64_t message_id, StreamingPolicy policy = {});
    // A writer dropped without finish() saves what it has and marks the message Interrupted.
    ~StreamingWriter();
    StreamingWriter(const StreamingWriter&) = delete;
    StreamingWriter& operator=(const StreamingWriter&) = delete;

    // Add a piece and write the text if a write is due. A failed write (disk full, ...) keeps the
    // text in memory and is retried at the next one; last_error() tells.
    void add_reasoning(std::string_view piece);
    void add_content(std::string_view piece);
    bool flush(std::string& error);  // writes the text now if anything is new
    // Writes the whole text with the final state (not Streaming) and statistics; a zero
    // stats.reasoning_ms is filled with the thinking time this writer saw.
    bool finish(MessageState state, const MessageStats& stats, std::string_view error_message, std::string& error);

    int64_t message_id() const { return message_id_; }
    const std::string& content() const { return content_; }
    const std::string& reasoning() const { return reasoning_; }
    const std::string& last_error() const { return last_error_; }
    int flush_count() const { return flushes_; }
    double flush_seconds() const { return flush_seconds_; }  // time spent writing, for the benchmark

private:
    void maybe_flush();
    Database& db_;
    int64_t message_id_;
    StreamingPolicy policy_;
    std::string content_, reasoning_, last_error_;
    int pending_pieces_ = 0;
    bool finished_ = false;
    int flushes_ = 0;
    double flush_seconds_ = 0;
    using Clock = std::chrono::steady_clock;
    Clock::time_point last_flush_, reasoning_start_, reasoning_end_;
    bool reasoning_started_ = false, reasoning_ended_ = false;
    Statement update_;  // prepared once: a write is then one bind + step
};

// Turns messages left Streaming by processes that no longer run into Interrupted, text kept.
// Database::open calls it; `recovered` (optional) counts them.
bool recover_interrupted_messages(Database& db, std::string& error, int* recovered = nullptr);

} // namespace ponder
