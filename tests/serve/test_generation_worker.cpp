// ponder-cli serve's generation worker over the bundled demo model: cancellation from the socket
// thread, queued or running. A cancel must reach the engine however early it lands: the worker
// hands its job's flag to generate() (GenerateOptions::cancel), which reads it before the first
// prompt batch; the session's own flag, cleared when generate() starts, would lose it.
#include "generation_worker.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <thread>

using namespace ponder;
using namespace ponder::serve;

namespace {

struct Demo {
    std::shared_ptr<Model> model;
    std::unique_ptr<Session> session;
    Demo() {
        std::string err;
        model = model_load(PONDER_DEMO_MODEL, {}, err);
        EXPECT_NE(model, nullptr) << err;
        SessionOptions so;
        so.n_ctx = 2048;
        so.n_batch = 16;  // many prompt batches: a cancel between them is visible
        session = Session::create(model, so, err);
        EXPECT_NE(session, nullptr) << err;
    }
    std::shared_ptr<GenerationJob> job(uint64_t id, int prompt_repeats, bool stream) {
        auto j = std::make_shared<GenerationJob>();
        j->id = id;
        j->connection = id;
        std::string text;
        for (int i = 0; i < prompt_repeats; i++) text += "What is 12 + 7? ";
        std::string err;
        EXPECT_TRUE(chat_render_tokens(model_tokenizer(*model), {{"user", text}}, {}, j->prompt, err)) << err;
        j->options.sampler.temperature = 0;
        j->options.n_predict = 40;
        j->info.stream = stream;
        j->info.prompt_tokens = static_cast<int>(j->prompt.size());
        return j;
    }
};

// Collects the worker's outputs until `count` jobs have finished.
struct Outbox {
    std::mutex m;
    std::condition_variable cv;
    bool woken = false;
    std::function<void()> wake() {
        return [this] {
            std::lock_guard<std::mutex> l(m);
            woken = true;
            cv.notify_all();
        };
    }
    std::vector<WorkerOutput> finished(GenerationWorker& w, size_t count) {
        std::vector<WorkerOutput> done;
        while (done.size() < count) {
            std::unique_lock<std::mutex> l(m);
            if (!cv.wait_for(l, std::chrono::seconds(30), [&] { return woken; })) break;
            woken = false;
            l.unlock();
            for (auto& o : w.take_outputs())
                if (o.finished) done.push_back(std::move(o));
        }
        return done;
    }
};

} // namespace

TEST(GenerationWorker, HandsTheJobsCancelFlagToTheEngine) {
    Demo d;
    Outbox box;
    GenerationWorker w(*d.session, 4, box.wake());
    auto job = d.job(1, 1, false);
    ASSERT_TRUE(w.submit(job));
    auto done = box.finished(w, 1);
    ASSERT_EQ(done.size(), 1u);
    EXPECT_EQ(done[0].summary.status, 200);
    EXPECT_GT(done[0].summary.completion_tokens, 0);
    // What makes a cancel between dequeuing and generate() count: the engine reads this flag.
    EXPECT_EQ(job->options.cancel, &job->cancelled);
}

TEST(GenerationWorker, CancelledWhileQueuedOrRunning) {
    Demo d;
    Outbox box;
    GenerationWorker w(*d.session, 4, box.wake());
    // Cancelled before it runs (its flag set, as cancel() does for a job the worker already took):
    // nothing evaluated, the KV cache untouched.
    auto warm = d.job(1, 1, false);
    ASSERT_TRUE(w.submit(warm));
    ASSERT_EQ(box.finished(w, 1).size(), 1u);
    const std::vector<int32_t> cache = d.session->cached_tokens();
    auto early = d.job(2, 40, false);
    early->cancelled = true;
    ASSERT_TRUE(w.submit(early));
    auto done = box.finished(w, 1);
    ASSERT_EQ(done.size(), 1u);
    EXPECT_EQ(done[0].summary.finish_reason, "cancelled");
    EXPECT_EQ(done[0].summary.completion_tokens, 0);
    EXPECT_EQ(d.session->cached_tokens(), cache);

    // Cancelled through the worker once it has taken the job (its first bytes, the stream's role
    // chunk, are out: the cancel lands before, in or after the prompt evaluation): it stops, and
    // the next job runs normally.
    auto running = d.job(3, 40, true);
    running->options.n_predict = -1;
    running->options.sampler.repeat_penalty = 0.2f;  // rewards repeating: never ends by itself, fills the context
    ASSERT_TRUE(w.submit(running));
    while (w.waiting() > 0) std::this_thread::yield();
    auto next = d.job(4, 1, false);
    ASSERT_TRUE(w.submit(next));
    EXPECT_FALSE(w.cancel(3));  // running: its final output still arrives
    done = box.finished(w, 2);
    ASSERT_EQ(done.size(), 2u);
    EXPECT_EQ(done[0].job, 3u);
    EXPECT_EQ(done[0].summary.finish_reason, "cancelled");
    EXPECT_LT(done[0].summary.completion_tokens, 5);
    EXPECT_EQ(done[1].job, 4u);
    EXPECT_EQ(done[1].summary.status, 200);
    EXPECT_NE(done[1].summary.finish_reason, "cancelled");
}
