// The capture session's bookkeeping (which buffers a replay would fill) and the plan's storage.
#include "autograd/capture.hpp"

#include <cstring>

#include "autograd/errors.hpp"
#include "autograd/tape.hpp"

namespace potatolemon {

namespace detail {
constinit thread_local CaptureSession* capture_session = nullptr;

namespace {
struct CopyRecord {
    static constexpr const char* name = "copy";
    const void* src;
    void* dst;
    std::size_t bytes;
    static void run(const CopyRecord& r) {
        if (r.bytes) std::memcpy(r.dst, r.src, r.bytes);
    }
};
}  // namespace

void copy_data(const Tensor& src, const Tensor& dst) {
    CopyRecord r{src.impl()->data, dst.impl()->data,
                 static_cast<std::size_t>(dst.numel()) * dtype_size(dst.dtype())};
    CopyRecord::run(r);
    if (capture_session) [[unlikely]]
        capture_session->emit(r, {r.src}, {r.dst});
}

void capture_unsupported(const char* what) {
    if (capture_session) capture_session->fail(std::string(what) + " cannot be replayed");
}

void capture_host_read(const char* what) {
    if (capture_session)
        capture_session->fail(std::string(what) +
                              " read a tensor's value on the host; control flow on tensor values "
                              "cannot be captured");
}
}  // namespace detail

void Plan::replay() const {
    const Chunk* chunk = storage_.data();
    const Chunk* end = chunk + storage_.size();
    while (chunk != end) {
        const auto* header = std::launder(reinterpret_cast<const Header*>(chunk));
        header->run(reinterpret_cast<const std::byte*>(chunk + 1));
        chunk += header->chunks;
    }
}

std::size_t Plan::buffer_bytes() const {
    std::size_t bytes = 0;
    for (const Tensor& t : kept_)
        bytes += static_cast<std::size_t>(t.numel()) * dtype_size(t.dtype());
    return bytes;
}

void Plan::release_graph() {
    // Newest first: dropping a consumer's entry releases its inputs' extra references.
    for (auto it = kept_.rbegin(); it != kept_.rend(); ++it)
        if (it->impl()->count.use_count() == 1) it->impl()->grad_fn.reset();
}

CaptureSession::CaptureSession(Plan& plan) : plan_(plan), previous_(detail::capture_session) {
    if (previous_) throw GraphError("capture: a capture is already open on this thread");
    static_assert(sizeof(Plan::Header) <= sizeof(Plan::Chunk));
    detail::capture_session = this;
}

CaptureSession::~CaptureSession() {
    detail::capture_session = previous_;
}

void CaptureSession::fail(const std::string& reason) {
    if (failure_.empty()) failure_ = "capture: " + reason;
}

void CaptureSession::allocated(detail::TensorImpl* impl) {
    impl->retain();
    plan_.kept_.emplace_back(impl);
    buffers_[impl->data] = Buffer{
        State::unwritten, static_cast<std::size_t>(impl->numel) * dtype_size(impl->dtype), {}};
}

void CaptureSession::constant(const Tensor& t) {
    auto it = buffers_.find(t.impl()->data);
    if (it == buffers_.end()) return;
    const auto* bytes = static_cast<const std::byte*>(t.impl()->data);
    it->second.state = State::constant;
    it->second.snapshot.assign(bytes, bytes + it->second.bytes);
}

bool CaptureSession::readable(const void* data, const char* reader) {
    auto it = buffers_.find(data);
    if (it == buffers_.end()) return true;  // from before the capture: read live at replay
    const Buffer& b = it->second;
    if (b.state == State::written) return true;
    if (b.state == State::constant &&
        (b.bytes == 0 || std::memcmp(b.snapshot.data(), data, b.bytes) == 0))
        return true;
    fail(std::string(reader) + " reads a buffer of " + std::to_string(b.bytes) + " bytes " +
         (b.state == State::constant ? "that changed in place after it was made"
                                     : "written by an op that has no replay record"));
    return false;
}

namespace {
struct RestoreRecord {
    const std::byte* from;
    void* to;
    std::size_t bytes;
    static void run(const RestoreRecord& r) { std::memcpy(r.to, r.from, r.bytes); }
};
}  // namespace

void CaptureSession::written(const void* data) {
    auto it = buffers_.find(data);
    if (it == buffers_.end()) return;
    Buffer& b = it->second;
    if (b.state == State::constant && b.bytes > 0) {
        plan_.constants_.push_back(std::move(b.snapshot));
        const RestoreRecord r{plan_.constants_.back().data(), const_cast<void*>(data), b.bytes};
        new (append(&run_record<RestoreRecord>, sizeof(RestoreRecord))) RestoreRecord(r);
    }
    b.state = State::written;
}

bool CaptureSession::check_read(const Tensor& t, const char* what) {
    return t.defined() && readable(t.impl()->data, what);
}

std::byte* CaptureSession::append(void (*run)(const std::byte*), std::size_t payload_bytes) {
    std::size_t chunks = 1 + (payload_bytes + sizeof(Plan::Chunk) - 1) / sizeof(Plan::Chunk);
    std::size_t at = plan_.storage_.size();
    plan_.storage_.resize(at + chunks);
    new (&plan_.storage_[at]) Plan::Header{run, static_cast<std::uint32_t>(chunks)};
    ++plan_.count_;
    return reinterpret_cast<std::byte*>(&plan_.storage_[at + 1]);
}

}  // namespace potatolemon
