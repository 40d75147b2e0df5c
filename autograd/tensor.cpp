// TensorImpl allocation and lifetime, element access, conversion and the autograd entry points.
#include "autograd/tensor.hpp"

#include <bit>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <new>
#include <string>

#include "autograd/block_pool.hpp"
#include "autograd/capture.hpp"
#include "autograd/errors.hpp"
#include "autograd/tape.hpp"

namespace potatolemon {
namespace detail {

namespace {
constexpr std::size_t kAlignment = 64;  // cache line; also what the vector kernels like
constexpr std::size_t kHeader = (sizeof(TensorImpl) + kAlignment - 1) / kAlignment * kAlignment;
// Three cache lines: a larger header would move small tensors into the next pool size class.
static_assert(kHeader == 192);

std::size_t owning_block_bytes(std::int64_t numel, Dtype dtype) {
    return kHeader + static_cast<std::size_t>(numel) * dtype_size(dtype) + kAlignment;
}

// Owned by this thread, or merged from the start by a thread whose thread_local destructors are
// running (it can no longer merge queued counts).
void init_count(BiasedCount& count) {
    if (thread_needs_service.load(std::memory_order_relaxed)) [[unlikely]] {
        if (!service_thread()) {
            count.local = 0;
            count.shared.store(BiasedCount::kOne | BiasedCount::kMerged, std::memory_order_relaxed);
            return;
        }
    }
    count.owner.store(thread_token, std::memory_order_relaxed);
}

// torch's message names the bytes too ("DefaultCPUAllocator: can't allocate memory: you tried to
// allocate 4398046511104 bytes").
[[noreturn]] void throw_out_of_memory(const Shape& shape, Dtype dtype) {
    const auto bytes = static_cast<std::size_t>(shape.numel()) * dtype_size(dtype);
    throw OutOfMemoryError("tensor: cannot allocate " + to_string(shape) + " of " +
                           dtype_name(dtype) + " (" + std::to_string(bytes) + " bytes)");
}
}  // namespace

// One pool block holds the impl followed by its data, aligned by hand (the pool hands out
// malloc's 16-byte-aligned blocks).
TensorImpl* TensorImpl::allocate(const Shape& shape, Dtype dtype) {
    std::int64_t numel = shape.numel();
    // numel fits int64 but numel * 8 bytes may not fit size_t: the product would wrap to a
    // small block that the caller then writes past. Element sizes are powers of two: a shift
    // divides by one (a 64-bit division on every allocation cost more than the rest of it).
    constexpr std::size_t kRoom = std::numeric_limits<std::size_t>::max() - kHeader - kAlignment;
    if (static_cast<std::size_t>(numel) > kRoom >> std::countr_zero(dtype_size(dtype)))
        throw ShapeError("tensor: " + to_string(shape) + " of " + dtype_name(dtype) +
                         " has more bytes than size_t counts");
    void* block = nullptr;
    try {
        block = pool_allocate(owning_block_bytes(numel, dtype));
    } catch (const std::bad_alloc&) {
        throw_out_of_memory(shape, dtype);
    }
    auto* impl = new (block) TensorImpl;  // default-init: the dims past the rank stay unwritten
    init_count(impl->count);
    impl->shape = shape;
    impl->numel = numel;
    impl->dtype = dtype;
    auto data = reinterpret_cast<std::uintptr_t>(block) + kHeader;
    impl->data = reinterpret_cast<void*>((data + kAlignment - 1) / kAlignment * kAlignment);
    if (capturing()) [[unlikely]]
        capture_session->allocated(impl);
    return impl;
}

TensorImpl* TensorImpl::view_of(TensorImpl* base, const Shape& shape) {
    while (base->base) base = base->base;
    void* block = pool_allocate(sizeof(TensorImpl));
    auto* impl = new (block) TensorImpl;
    init_count(impl->count);
    impl->shape = shape;
    impl->numel = shape.numel();
    impl->dtype = base->dtype;
    impl->data = base->data;
    impl->base = base;
    base->retain();
    return impl;
}

void TensorImpl::destroy() {
    std::size_t bytes = base ? sizeof(TensorImpl) : owning_block_bytes(numel, dtype);
    this->~TensorImpl();
    pool_free(this, bytes);
}

TensorImpl::~TensorImpl() {
    if (grad) grad->release();
    if (base) base->release();
}

}  // namespace detail

std::int64_t Tensor::size(std::int64_t dim) const {
    return impl_->shape[normalize_dim(dim, this->dim(), "size")];
}

double Tensor::item() const {
    if (detail::capturing()) [[unlikely]]
        detail::capture_host_read("item");
    if (numel() != 1)
        throw ShapeError("item: expected one element, got shape " + to_string(shape()));
    return dispatch_any(dtype(), [&]<class T>() { return static_cast<double>(*data<T>()); });
}

double Tensor::at(std::initializer_list<std::int64_t> index) const {
    if (detail::capturing()) [[unlikely]]
        detail::capture_host_read("at");
    if (static_cast<int>(index.size()) != dim())
        throw IndexError("at: " + std::to_string(index.size()) + " indices for shape " +
                         to_string(shape()));
    std::int64_t offset = 0;
    int i = 0;
    for (std::int64_t idx : index) {
        std::int64_t n = shape()[i++];
        if (idx < -n || idx >= n)
            throw IndexError("at: index " + std::to_string(idx) + " out of range for dim " +
                             std::to_string(i - 1) + " of shape " + to_string(shape()));
        offset = offset * n + (idx < 0 ? idx + n : idx);
    }
    return dispatch_any(dtype(), [&]<class T>() { return static_cast<double>(data<T>()[offset]); });
}

std::vector<double> Tensor::values() const {
    if (detail::capturing()) [[unlikely]]
        detail::capture_host_read("values");
    return dispatch_any(dtype(), [&]<class T>() {
        const T* p = data<T>();
        return std::vector<double>(p, p + numel());
    });
}

Tensor Tensor::detach() const {
    return Tensor(detail::TensorImpl::view_of(impl_, shape()));
}

Tensor& Tensor::requires_grad_(bool on) {
    if (!is_leaf())
        throw GraphError(
            "requires_grad_: only leaf tensors can change requires_grad; use "
            "detach() to make a leaf from " +
            to_string(shape()));
    if (on && !is_floating(dtype()))
        throw DtypeError(std::string("requires_grad_: ") + dtype_name(dtype()) +
                         " tensors cannot require grad");
    impl_->requires_grad = on;
    return *this;
}

Tensor Tensor::grad() const {
    if (!impl_->grad) return Tensor();
    impl_->grad->retain();
    return Tensor(impl_->grad);
}

void Tensor::set_grad(const Tensor& grad) {
    if (grad.defined() && (grad.shape() != shape() || grad.dtype() != dtype()))
        throw ShapeError("set_grad: gradient " + to_string(grad.shape()) + " " +
                         dtype_name(grad.dtype()) + " does not match tensor " + to_string(shape()) +
                         " " + dtype_name(dtype()));
    if (grad.defined()) grad.impl_->retain();
    if (impl_->grad) impl_->grad->release();
    impl_->grad = grad.impl_;
}

void Tensor::zero_grad() {
    set_grad(Tensor());
}

void Tensor::retain_grad() {
    if (!is_leaf()) impl_->retains_grad = true;
}

namespace detail {
void throw_undefined(const char* op) {
    throw GraphError(std::string(op) + ": undefined tensor");
}

void throw_not_floating(const Tensor& t, const char* op) {
    throw DtypeError(std::string(op) + ": expected a float32 or float64 tensor, got " +
                     dtype_name(t.dtype()) + " " + to_string(t.shape()));
}

void throw_mixed_dtypes(const Tensor& a, const Tensor& b, const char* op) {
    throw DtypeError(std::string(op) + ": mixed dtypes " + dtype_name(a.dtype()) + " " +
                     to_string(a.shape()) + " and " + dtype_name(b.dtype()) + " " +
                     to_string(b.shape()) + "; convert one with .to()");
}

void throw_wrong_dtype(Dtype stored, Dtype requested) {
    throw DtypeError(std::string("data: tensor is ") + dtype_name(stored) + ", requested " +
                     dtype_name(requested));
}
}  // namespace detail

}  // namespace potatolemon
