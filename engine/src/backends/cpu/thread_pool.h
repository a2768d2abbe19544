// A fixed pool of worker threads for data-parallel ops. parallel_for splits [0, n) into
// contiguous chunks, one per thread, the caller's thread included. Workers spin briefly
// between ops (ops come back to back during a forward pass), then sleep.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ponder::cpu {

class ThreadPool {
public:
    explicit ThreadPool(int n_threads);
    ~ThreadPool();
    ThreadPool(const ThreadPool&) = delete;
    ThreadPool& operator=(const ThreadPool&) = delete;

    int size() const { return n_threads_; }
    // fn(begin, end, thread_index) for each thread's share of [0, n); returns when all are done.
    void parallel_for(int64_t n, const std::function<void(int64_t, int64_t, int)>& fn);

private:
    void worker(int index);

    int n_threads_;
    std::vector<std::thread> threads_;
    const std::function<void(int64_t, int64_t, int)>* job_ = nullptr;
    int64_t job_n_ = 0;
    std::atomic<uint64_t> generation_{0};
    std::atomic<int> pending_{0};
    std::atomic<bool> stop_{false};
    std::atomic<int> sleeping_{0};  // workers blocked on wake_ (only they need a notify)
    std::mutex mutex_;
    std::condition_variable wake_;
};

// Threads to use by default: one per physical core the process may run on.
int default_thread_count();

} // namespace ponder::cpu
