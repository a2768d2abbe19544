// The one thread that owns the Session: chat completions wait in a bounded queue and run one at a
// time on the same KV cache (never interleaved), so a follow-up turn reuses the cached prefix.
// Responses go back as bytes for a connection, through an outbox the socket thread drains when
// woken. Cancellation (a client gone, a signal) works from any thread, queued or running.
#pragma once

#include "completion_writer.h"

#include "ponder/engine.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace ponder::serve {

struct GenerationJob {
    uint64_t id = 0;
    uint64_t connection = 0;  // the socket thread's id of the client connection
    std::vector<int32_t> prompt;
    GenerateOptions options;
    CompletionInfo info;
    std::chrono::steady_clock::time_point received;  // for the log's milliseconds
    std::atomic<bool> cancelled{false};  // the engine reads it during generation (options.cancel)
};

// Bytes for one connection; `finished` on the last piece of a job's response.
struct WorkerOutput {
    uint64_t connection = 0, job = 0;
    std::string bytes;
    bool finished = false;
    CompletionSummary summary;  // when finished
    double ms = 0;              // when finished: from the request to the last byte
};

class GenerationWorker {
public:
    // `wake` is called (from the worker thread) when the outbox goes from empty to non-empty.
    GenerationWorker(Session& session, size_t max_waiting, std::function<void()> wake);
    ~GenerationWorker();  // stop()s
    GenerationWorker(const GenerationWorker&) = delete;
    GenerationWorker& operator=(const GenerationWorker&) = delete;

    // Queues a job; false when max_waiting jobs are already waiting (the caller answers 503).
    bool submit(std::shared_ptr<GenerationJob> job);
    // A waiting job is dropped (true: it will produce no output at all); a running one is
    // cancelled (false: its final output still arrives, with finish reason "cancelled").
    bool cancel(uint64_t job_id);
    // Everything produced since the last call (socket thread).
    std::vector<WorkerOutput> take_outputs();
    // Cancels the running job, drops the waiting ones and joins the thread.
    void stop();
    size_t waiting() const;

private:
    void run();
    void run_job(GenerationJob& job);
    void post(const GenerationJob& job, std::string bytes, bool finished, const CompletionSummary* summary = nullptr);

    Session& session_;
    const size_t max_waiting_;
    std::function<void()> wake_;
    mutable std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<std::shared_ptr<GenerationJob>> queue_;
    std::shared_ptr<GenerationJob> running_;
    bool stopping_ = false;
    std::vector<WorkerOutput> outbox_;
    std::thread thread_;
};

} // namespace ponder::serve
