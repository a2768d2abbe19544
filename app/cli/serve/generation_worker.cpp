#include "generation_worker.h"

#include <algorithm>
#include <utility>

namespace ponder::serve {

GenerationWorker::GenerationWorker(Session& session, size_t max_waiting, std::function<void()> wake)
    : session_(session), max_waiting_(max_waiting), wake_(std::move(wake)), thread_([this] { run(); }) {}

GenerationWorker::~GenerationWorker() { stop(); }

bool GenerationWorker::submit(std::shared_ptr<GenerationJob> job) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        // The running job does not wait; max_waiting 0 still runs one request at a time.
        size_t in_flight = queue_.size() + (running_ ? 1 : 0);
        if (stopping_ || in_flight > max_waiting_) return false;
        queue_.push_back(std::move(job));
    }
    cv_.notify_one();
    return true;
}

bool GenerationWorker::cancel(uint64_t job_id) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = std::find_if(queue_.begin(), queue_.end(), [&](const auto& j) { return j->id == job_id; });
    if (it != queue_.end()) {
        queue_.erase(it);
        return true;
    }
    // The engine reads the job's flag (GenerateOptions::cancel) between prompt batches and before
    // each token. Not session_.cancel(): generate() clears that flag when it starts, so a cancel
    // landing between taking the job and that start would be lost and the whole prompt evaluated.
    if (running_ && running_->id == job_id) running_->cancelled = true;
    return false;
}

std::vector<WorkerOutput> GenerationWorker::take_outputs() {
    std::lock_guard<std::mutex> lock(mutex_);
    return std::exchange(outbox_, {});
}

size_t GenerationWorker::waiting() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return queue_.size();
}

void GenerationWorker::stop() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
        queue_.clear();
        if (running_) running_->cancelled = true;
    }
    cv_.notify_one();
    if (thread_.joinable()) thread_.join();
}

void GenerationWorker::post(const GenerationJob& job, std::string bytes, bool finished, const CompletionSummary* summary) {
    if (bytes.empty() && !finished) return;
    bool was_empty;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        was_empty = outbox_.empty();
        // Consecutive pieces for the same job are merged: one write instead of one per token.
        if (!outbox_.empty() && outbox_.back().job == job.id && !outbox_.back().finished) {
            outbox_.back().bytes += bytes;
            outbox_.back().finished = finished;
        } else {
            outbox_.push_back(WorkerOutput{job.connection, job.id, std::move(bytes), finished, {}, 0});
        }
        if (finished) {
            // Not running any more before the client can see the end: its next request must not
            // count this one as in flight (a spurious 503 with --queue 0).
            running_.reset();
            outbox_.back().summary = *summary;
            outbox_.back().ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - job.received).count();
        }
    }
    if (was_empty) wake_();
}

void GenerationWorker::run() {
    for (;;) {
        std::shared_ptr<GenerationJob> job;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            job = queue_.front();
            queue_.pop_front();
            running_ = job;
        }
        run_job(*job);  // its last post() clears running_
    }
}

void GenerationWorker::run_job(GenerationJob& job) {
    CompletionWriter writer(job.info);
    post(job, writer.start(), false);
    GenerateResult r;
    if (job.cancelled) {  // cancelled while queued: the KV cache is left as it is
        r.reason = StopReason::Cancelled;
    } else {
        job.options.cancel = &job.cancelled;  // seen from the first prompt batch on, never cleared
        r = session_.generate(job.prompt, job.options, [&](const Event& e) {
            if (job.cancelled || writer.stop_found()) return;  // the engine stops before the next token
            post(job, writer.on_event(e), false);
            if (writer.stop_found()) session_.cancel();  // a stop string: from the callback, so never lost
        });
    }
    std::string tail = writer.finish(r);
    post(job, std::move(tail), true, &writer.summary());
}

} // namespace ponder::serve
