// Capture and replay (issue 10). While a CaptureSession is open on a thread, each kernel appends a
// plain record (a run function and its arguments: pointers, sizes, scalars; no closure, no tensor)
// to a Plan, which keeps every tensor allocated meanwhile at its address. Plan::replay runs the
// records through the very kernel functions eager calls: no allocation, tape entry or reference
// count. nn/capture.hpp builds the training-step API on this.
#pragma once
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <new>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "autograd/tensor.hpp"

namespace potatolemon {

// The records of one captured computation and the buffers they read and write.
class Plan {
public:
    void replay() const;  // runs every record in capture order
    std::size_t records() const { return count_; }
    std::size_t record_bytes() const { return storage_.size() * sizeof(Chunk); }
    std::size_t buffer_bytes() const;  // data of the tensors the plan keeps alive
    // Drops the tape entries of kept tensors nothing else holds: the plan needs their buffers,
    // not the graph that made them.
    void release_graph();

private:
    friend class CaptureSession;
    struct alignas(16) Chunk {
        std::byte bytes[16];
    };
    struct Header {
        void (*run)(const std::byte* payload);
        std::uint32_t chunks;  // header and payload
    };
    std::vector<Chunk> storage_;
    std::size_t count_ = 0;
    std::vector<Tensor> kept_;                       // every tensor allocated during the capture
    std::vector<std::vector<std::byte>> constants_;  // contents restored before each replay use
};

// Opens a capture into `plan` on this thread for its scope; ops run eagerly as usual meanwhile.
// A kernel without a replay record leaves its result unmarked; reading such a buffer (or a
// constant that was changed in place, or a value on the host through item/at/values) marks the
// capture failed with a reason, and the plan must not be replayed. Throws GraphError if a capture
// is already open on this thread.
class CaptureSession {
public:
    explicit CaptureSession(Plan& plan);
    ~CaptureSession();
    CaptureSession(const CaptureSession&) = delete;
    CaptureSession& operator=(const CaptureSession&) = delete;

    bool ok() const { return failure_.empty(); }
    const std::string& failure() const { return failure_; }  // the first reason, empty if ok

    // Whether `t`'s buffer holds what a replay would put there: computed by a record, a constant
    // unchanged since it was made, or a buffer from before the capture. Marks failure otherwise.
    bool check_read(const Tensor& t, const char* what);

    // Hooks for kernels and factories (through the detail:: functions below).
    void allocated(detail::TensorImpl* impl);  // a new buffer, from TensorImpl::allocate
    void constant(const Tensor& t);
    void fail(const std::string& reason);
    template <class P>
    void emit(const P& payload, std::initializer_list<const void*> reads,
              std::initializer_list<const void*> writes);

private:
    enum class State : std::uint8_t { unwritten, written, constant };
    struct Buffer {
        State state = State::unwritten;
        std::size_t bytes = 0;
        std::vector<std::byte> snapshot;  // a constant's contents when made
    };
    bool readable(const void* data, const char* reader);
    // Marks `data` as written by the next record; a constant it overwrites (a fill of zeros that
    // an op then accumulates into) is restored by a record of its own first, as eager refills it.
    void written(const void* data);
    std::byte* append(void (*run)(const std::byte*), std::size_t payload_bytes);

    template <class P>
    static void run_record(const std::byte* payload) {
        P::run(*std::launder(reinterpret_cast<const P*>(payload)));
    }

    Plan& plan_;
    std::unordered_map<const void*, Buffer> buffers_;
    std::string failure_;
    CaptureSession* previous_;
};

namespace detail {
extern constinit thread_local CaptureSession* capture_session;

inline bool capturing() {
    return capture_session != nullptr;
}
// A record for the open capture: P is trivially destructible with `static void run(const P&)`,
// which calls the kernel eager just called with the same arguments, and `static constexpr const
// char* name` for messages. `reads` are the data pointers of the tensors it reads, `writes` those
// it writes, less state that persists across steps (parameters, an optimiser's moments), which a
// replay must not re-make.
template <class P>
void capture_emit(const P& payload, std::initializer_list<const void*> reads,
                  std::initializer_list<const void*> writes) {
    capture_session->emit(payload, reads, writes);
}
// Factories call this with what they filled: replay may read it as it is.
inline void capture_constant(const Tensor& t) {
    if (capture_session) capture_session->constant(t);
}
// Copies src's bytes over dst's (as many as dst holds), with a replay record under a capture.
void copy_data(const Tensor& src, const Tensor& dst);
// What cannot be replayed (a generator seeded in the capture, batch norm's cumulative average).
void capture_unsupported(const char* what);
// item/at/values: a value read on the host may steer control flow, which a plan cannot follow.
void capture_host_read(const char* what);
}  // namespace detail

template <class P>
void CaptureSession::emit(const P& payload, std::initializer_list<const void*> reads,
                          std::initializer_list<const void*> writes) {
    // The plan moves records as bytes when it grows: no destructor, no pointer into itself.
    static_assert(std::is_trivially_destructible_v<P>);
    for (const void* r : reads)
        if (!readable(r, P::name)) return;
    for (const void* w : writes) written(w);
    new (append(&run_record<P>, sizeof(P))) P(payload);
}

}  // namespace potatolemon
