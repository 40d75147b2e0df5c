// Tensor: a cheap-to-copy handle to reference-counted, contiguous, row-major storage of float32,
// float64, int64 or bool, with the autograd state (requires_grad, grad, the tape entry that
// produced it).
// Ops live in ops_*.hpp, factories in factories.hpp, the tape in tape.hpp.
#pragma once
#include <atomic>
#include <cstdint>
#include <initializer_list>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "autograd/dtype.hpp"
#include "autograd/refcount.hpp"
#include "autograd/shape.hpp"

namespace potatolemon {

class Tensor;
struct Node;
struct BackwardOptions {
    bool retain_graph = false;  // keep saved tensors so backward can run through the graph again
    bool create_graph = false;  // record the backward pass itself, for gradients of gradients;
                                // implies retain_graph
};

namespace detail {
// The shared state behind Tensor handles. Allocated in one block with its data when it owns it;
// a view (reshape, detach) points into its base's data and keeps the base alive.
// Handles to one tensor may be copied and dropped on several threads at once: the count is
// biased towards the allocating thread (refcount.hpp), so its own copies cost no atomic.
struct TensorImpl {
    BiasedCount count;
    Dtype dtype = Dtype::float32;
    bool requires_grad = false;
    bool retains_grad = false;
    std::atomic<std::uint8_t> grad_lock{0};  // serialises accumulation into `grad` (tape.cpp)
    Shape shape;
    std::int64_t numel = 0;  // shape.numel(), cached: every kernel asks for it
    void* data = nullptr;
    TensorImpl* base = nullptr;  // owns `data` when this is a view
    std::unique_ptr<Node> grad_fn;
    TensorImpl* grad = nullptr;  // accumulated gradient (a counted reference)

    static TensorImpl* allocate(const Shape& shape, Dtype dtype);  // uninitialised data
    static TensorImpl* view_of(TensorImpl* base, const Shape& shape);
    // The owner's path inline, the rest out of line (refcount.cpp): a few instructions at each of
    // the many copies an op makes.
    void retain() {
        if (count.owned_here()) [[likely]]
            ++count.local;
        else
            retain_shared(this);
    }
    void release() {
        if (!count.owned_here()) [[unlikely]]
            return release_shared(this);
        if (--count.local == 0) release_last_local(this);
    }
    void destroy();
    ~TensorImpl();
};
}  // namespace detail

class Tensor {
public:
    Tensor() noexcept : impl_(nullptr) {}
    explicit Tensor(detail::TensorImpl* impl) : impl_(impl) {}  // adopts one reference
    Tensor(const Tensor& other) : impl_(other.impl_) {
        if (impl_) impl_->retain();
    }
    Tensor(Tensor&& other) noexcept : impl_(other.impl_) { other.impl_ = nullptr; }
    Tensor& operator=(Tensor other) noexcept {
        std::swap(impl_, other.impl_);
        return *this;
    }
    ~Tensor() {
        if (impl_) impl_->release();
    }

    bool defined() const { return impl_ != nullptr; }
    const Shape& shape() const { return impl_->shape; }
    int dim() const { return impl_->shape.rank(); }
    std::int64_t size(std::int64_t dim) const;  // throws IndexError
    std::int64_t numel() const { return impl_->numel; }
    Dtype dtype() const { return impl_->dtype; }

    // Typed access to the contiguous data; throws DtypeError if T does not match dtype().
    template <class T>
    T* data() const;
    double item() const;                                         // throws ShapeError unless numel 1
    double at(std::initializer_list<std::int64_t> index) const;  // throws IndexError
    std::vector<double> values() const;                          // all elements, row-major

    // A copy in another dtype; between float32 and float64 differentiable (the gradient is
    // converted back), to int64 or bool not recorded. To bool is `!= 0`; a float outside int64's
    // range (NaN, ±inf) becomes INT64_MIN, as PyTorch on x86.
    Tensor to(Dtype dtype) const;
    // A new tensor sharing the data but not the history: no grad_fn, requires_grad false.
    Tensor detach() const;
    // A deep copy with the same history semantics as an identity op.
    Tensor clone() const;

    // Autograd.
    bool requires_grad() const { return impl_->requires_grad; }
    Tensor& requires_grad_(bool on = true);  // leaves only; throws GraphError on a non-leaf
    bool is_leaf() const { return impl_->grad_fn == nullptr; }
    Node* grad_fn() const { return impl_->grad_fn.get(); }
    Tensor grad() const;  // undefined until a backward reaches this tensor
    void set_grad(const Tensor& grad);
    void zero_grad();    // drops the gradient (as PyTorch's set_to_none)
    void retain_grad();  // keep the gradient of a non-leaf at the next backward
    // Reverse-mode autodiff from this tensor. A non-scalar needs `grad_out` of its shape.
    void backward(const Tensor& grad_out = {}, BackwardOptions options = {}) const;

    std::string str() const;  // PyTorch-style repr
    detail::TensorImpl* impl() const { return impl_; }

private:
    detail::TensorImpl* impl_;
};

std::ostream& operator<<(std::ostream& os, const Tensor& t);
std::ostream& operator<<(std::ostream& os, const Shape& shape);

namespace detail {
[[noreturn]] void throw_undefined(const char* op);
[[noreturn]] void throw_not_floating(const Tensor& t, const char* op);
[[noreturn]] void throw_mixed_dtypes(const Tensor& a, const Tensor& b, const char* op);
[[noreturn]] void throw_wrong_dtype(Dtype stored, Dtype requested);
}  // namespace detail

// Input checks every op makes first; inline because they run on every op of every step.
// Throws GraphError for an undefined tensor.
inline void check_defined(const Tensor& t, const char* op) {
    if (!t.defined()) [[unlikely]]
        detail::throw_undefined(op);
}
// Throws DtypeError unless t is float32 or float64.
inline void check_floating(const Tensor& t, const char* op) {
    check_defined(t, op);
    if (!is_floating(t.dtype())) [[unlikely]]
        detail::throw_not_floating(t, op);
}
// Throws DtypeError unless both are floating and their dtypes agree:
// `op: mixed dtypes float32 [2] and float64 [2]`.
inline void check_same_dtype(const Tensor& a, const Tensor& b, const char* op) {
    check_floating(a, op);
    check_floating(b, op);
    if (a.dtype() != b.dtype()) [[unlikely]]
        detail::throw_mixed_dtypes(a, b, op);
}

template <class T>
T* Tensor::data() const {
    if (impl_->dtype != dtype_of<T>()) [[unlikely]]
        detail::throw_wrong_dtype(impl_->dtype, dtype_of<T>());
    return static_cast<T*>(impl_->data);
}

}  // namespace potatolemon
