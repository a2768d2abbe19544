// Saving a terminal conversation (ponder-cli run / chat with --db PATH or --save) into the
// database the app uses, so it shows up there: the question, then the answer streamed through a
// StreamingWriter and finished with its statistics.
#pragma once

#include "args.h"
#include "ponder/conversation_store.h"
#include "ponder/engine.h"
#include "ponder/storage.h"
#include "ponder/streaming_writer.h"

#include <memory>
#include <string>

namespace ponder::cli {

// "--db PATH" or "--save" (the default database), for run and chat.
inline const std::set<std::string> kSaveOptions = {"db"};
inline const std::set<std::string> kSaveFlags = {"save"};

// Opens --db / the default database; throws CommandError with the open's message. For the
// history commands too.
std::unique_ptr<Database> open_database(const Args& args);

class ConversationSaver {
public:
    // nullptr when neither --db nor --save was given: nothing is written then.
    static std::unique_ptr<ConversationSaver> from_args(const Args& args);

    // The conversation's settings, used when the first question creates it.
    void set_settings(const ConversationSettings& settings) { settings_ = settings; }
    // Saves a question (creating the conversation on the first one) and starts its answer.
    void begin_turn(const std::string& question, const std::string& model);
    void piece(const Event& e);  // Reasoning / Answer events
    // Saves the rest of the answer with its final state. Throws CommandError if it cannot.
    void finish(const GenerateResult& r);

    int64_t conversation_id() const { return conversation_; }
    int64_t answer_id() const { return answer_; }

private:
    explicit ConversationSaver(std::unique_ptr<Database> db) : db_(std::move(db)), store_(*db_) {}
    std::unique_ptr<Database> db_;
    ConversationStore store_;
    ConversationSettings settings_;
    std::unique_ptr<StreamingWriter> writer_;
    int64_t conversation_ = 0, answer_ = 0;
};

// The sampling settings as the JSON object a conversation stores.
std::string sampling_json(const SamplerParams& p);

} // namespace ponder::cli
