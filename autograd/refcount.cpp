// The slow paths of biased counting: a non-owner's drop, the owner's merge, and the registry of
// threads that lets a dropping thread queue a tensor to its owner (or merge it itself when the
// owner has exited). Follows CPython's Objects/object.c and Python/brc.c.
#include "autograd/refcount.hpp"

#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

#include "autograd/tensor.hpp"

namespace potatolemon::detail {

constinit thread_local std::uint32_t thread_token = kNoThread;
constinit thread_local std::atomic<bool> thread_needs_service{true};

namespace {
constinit thread_local bool thread_exited = false;

struct ThreadRecord {
    std::vector<TensorImpl*> queue;  // tensors whose counts this thread must merge
    std::atomic<bool>* needs_service = nullptr;
};

// Tokens are reused once their thread has exited: a new thread then adopts the old one's
// unmerged counts, which is safe because both registration and a merge on behalf of an exited
// owner hold the mutex.
struct Registry {
    std::mutex mutex;
    std::unordered_map<std::uint32_t, ThreadRecord> threads;
    std::vector<std::uint32_t> free_tokens;
    std::uint32_t next_token = 1;
};

Registry& registry() {
    static Registry* r = new Registry;  // never destroyed: threads may exit after static dtors
    return *r;
}

// Folds the owner's count into `shared` and gives up ownership; `extra` is -1 for the reference
// a queue held. Returns the references left. Run by the owner, or under the registry mutex for
// an owner that has exited.
std::int64_t explicit_merge(TensorImpl* impl, std::int32_t extra) {
    BiasedCount& c = impl->count;
    c.owner.store(0, std::memory_order_relaxed);
    std::int32_t shared = c.shared.load(std::memory_order_relaxed);
    std::int32_t refs = 0;
    do {
        refs = (shared >> 2) + static_cast<std::int32_t>(c.local) + extra;
    } while (!c.shared.compare_exchange_weak(
        shared, refs * BiasedCount::kOne | BiasedCount::kMerged, std::memory_order_acq_rel));
    return refs;  // `local` is ignored from now on
}

void merge_queue(std::vector<TensorImpl*>& queue) {
    for (TensorImpl* impl : queue)
        if (explicit_merge(impl, -1) == 0) impl->destroy();
    queue.clear();
}

void queue_to_owner(TensorImpl* impl) {
    Registry& r = registry();
    std::unique_lock lock(r.mutex);
    auto it = r.threads.find(impl->count.owner.load(std::memory_order_relaxed));
    if (it != r.threads.end()) {
        it->second.queue.push_back(impl);
        it->second.needs_service->store(true, std::memory_order_relaxed);
        return;
    }
    bool last = explicit_merge(impl, -1) == 0;  // the owner has exited: nobody writes `local`
    lock.unlock();
    if (last) impl->destroy();
}

// At thread exit: merge what is queued, leave the registry, and count as a stranger from now on
// (later thread_local destructors may still drop tensors this thread owns).
struct ThreadExit {
    ~ThreadExit() {
        std::vector<TensorImpl*> queue;
        {
            Registry& r = registry();
            std::lock_guard lock(r.mutex);
            auto it = r.threads.find(thread_token);
            queue = std::move(it->second.queue);
            r.threads.erase(it);
            r.free_tokens.push_back(thread_token);
            thread_token = kNoThread;
            thread_exited = true;
            thread_needs_service.store(true, std::memory_order_relaxed);
        }
        merge_queue(queue);
    }
};

void register_thread() {
    thread_local ThreadExit at_exit;  // constructed here: its destructor runs at thread exit
    (void)at_exit;
    Registry& r = registry();
    std::lock_guard lock(r.mutex);
    std::uint32_t token = r.next_token;
    if (r.free_tokens.empty()) {
        ++r.next_token;
    } else {
        token = r.free_tokens.back();
        r.free_tokens.pop_back();
    }
    r.threads[token].needs_service = &thread_needs_service;
    thread_token = token;
}
}  // namespace

std::int64_t BiasedCount::use_count() const {
    std::int32_t s = shared.load(std::memory_order_acquire);
    if ((s & 3) == kMerged || !owned_here()) return s >> 2;
    return (s >> 2) + std::int64_t{local} - ((s & 3) == kQueued ? 1 : 0);
}

bool service_thread() {
    if (thread_exited) return false;
    if (thread_token == kNoThread) register_thread();
    std::vector<TensorImpl*> queue;
    {
        Registry& r = registry();
        std::lock_guard lock(r.mutex);
        std::swap(queue, r.threads.at(thread_token).queue);
        thread_needs_service.store(false, std::memory_order_relaxed);
    }
    merge_queue(queue);
    return true;
}

void release_shared(TensorImpl* impl) {
    BiasedCount& c = impl->count;
    std::int32_t shared = c.shared.load(std::memory_order_relaxed);
    std::int32_t next = 0;
    bool queue = false;
    do {
        // Count zero and neither queued nor merged: the reference dropped is one the owner
        // counted. The queue takes it over instead of the count going negative.
        queue = shared == 0;
        next = queue ? BiasedCount::kQueued : shared - BiasedCount::kOne;
    } while (!c.shared.compare_exchange_weak(shared, next, std::memory_order_acq_rel));
    if (queue)
        queue_to_owner(impl);
    else if (next == BiasedCount::kMerged)
        impl->destroy();
}

void retain_shared(TensorImpl* impl) {
    impl->count.shared.fetch_add(BiasedCount::kOne, std::memory_order_relaxed);
}

void release_last_local(TensorImpl* impl) {
    BiasedCount& c = impl->count;
    std::int32_t shared = c.shared.load(std::memory_order_acquire);
    if (shared == 0) return impl->destroy();  // no other thread ever held it
    c.owner.store(0, std::memory_order_relaxed);
    std::int32_t next = 0;
    do {
        next = (shared & ~3) | BiasedCount::kMerged;
    } while (!c.shared.compare_exchange_weak(shared, next, std::memory_order_acq_rel));
    if (next == BiasedCount::kMerged) impl->destroy();
}

}  // namespace potatolemon::detail
