// The tape: each op on inputs that need gradients records one Node (inputs, op, backward closure);
// the output tensor owns its Node, so the graph is freed as soon as no tensor reaches it.
// Reverse-mode autodiff (`backward`, `grad`) walks the Nodes reachable from the outputs in reverse
// topological order. Grad mode and anomaly mode are per thread; a graph is not shared across
// threads.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "autograd/block_pool.hpp"
#include "autograd/op.hpp"
#include "autograd/small_vector.hpp"
#include "autograd/tensor.hpp"

namespace potatolemon {

using Grads = SmallVector<Tensor, 3>;  // one gradient per input; undefined where not needed

// One tape entry. Backward closures never capture their own output (that would be a cycle
// output → node → closure → output); the engine passes the output back in as `out` instead.
struct Node {
    Node(Op op, SmallVector<Tensor, 3> inputs);
    virtual ~Node();
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;

    virtual Grads backward(const Tensor& grad_out, const Tensor& out) = 0;
    virtual void release_saved() = 0;
    // A copy of what the backward holds (its closure), empty once released or if not copyable.
    // Graph export finds the tensors a backward keeps alive by the reference counts this copy
    // adds, so nothing reads the closure's bytes.
    virtual std::shared_ptr<const void> copy_saved() const = 0;

    // Tape entries come and go every step: keep them in the per-thread block pool.
    static void* operator new(std::size_t bytes) { return detail::pool_allocate(bytes); }
    static void operator delete(void* block, std::size_t bytes) { detail::pool_free(block, bytes); }

    Op op;
    SmallVector<Tensor, 3> inputs;
    detail::TensorImpl* output = nullptr;  // not owned: the output owns this node
    bool released = false;
    bool recorded_in_backward = false;  // by a create_graph backward: a gradient's own graph
    std::uint64_t sequence = 0;         // creation order on this thread: graph export's order
    // Scratch for one backward pass.
    std::uint64_t visit_epoch = 0;
    Tensor pending_grad;
};

template <class F>
struct LambdaNode final : Node {
    LambdaNode(Op op, SmallVector<Tensor, 3> inputs, F fn)
        : Node(op, std::move(inputs)), fn_(std::move(fn)) {}
    Grads backward(const Tensor& grad_out, const Tensor& out) override {
        return (*fn_)(grad_out, out);
    }
    void release_saved() override { fn_.reset(); }
    std::shared_ptr<const void> copy_saved() const override {
        if constexpr (std::is_copy_constructible_v<F>) {
            if (fn_) return std::make_shared<const F>(*fn_);
        }
        return nullptr;
    }

private:
    std::optional<F> fn_;
};

namespace detail {
// Per thread, read by every op: inline reads (initial-exec TLS within the library).
extern constinit thread_local bool grad_mode;
extern constinit thread_local bool anomaly_mode;
}  // namespace detail

inline bool grad_mode_enabled() {
    return detail::grad_mode;
}
inline bool anomaly_mode_enabled() {
    return detail::anomaly_mode;
}

// Disables recording for its scope (torch::NoGradGuard).
class NoGradGuard {
public:
    NoGradGuard();
    ~NoGradGuard();
    NoGradGuard(const NoGradGuard&) = delete;
    NoGradGuard& operator=(const NoGradGuard&) = delete;

private:
    bool previous_;
};

// Sets grad mode for its scope; the engine uses it to record a backward only under create_graph.
class GradModeGuard {
public:
    explicit GradModeGuard(bool enabled);
    ~GradModeGuard();
    GradModeGuard(const GradModeGuard&) = delete;
    GradModeGuard& operator=(const GradModeGuard&) = delete;

private:
    bool previous_;
};

// While alive, the first op whose forward result or backward gradient holds NaN/Inf throws
// AnomalyError naming the op and its input shapes (torch.autograd.detect_anomaly).
class DetectAnomalyGuard {
public:
    DetectAnomalyGuard();
    ~DetectAnomalyGuard();
    DetectAnomalyGuard(const DetectAnomalyGuard&) = delete;
    DetectAnomalyGuard& operator=(const DetectAnomalyGuard&) = delete;

private:
    bool previous_;
};

// Tape entries created minus those destroyed on this thread (where a graph is usually built and
// freed); a training loop keeps it flat.
std::int64_t tape_live_entries();

namespace detail {
inline bool needs_grad(const Tensor& t) {
    return t.defined() && t.requires_grad();
}
inline bool needs_recording(const SmallVector<Tensor, 3>& inputs) {
    if (!grad_mode) return false;
    for (const Tensor& t : inputs)
        if (needs_grad(t)) return true;
    return false;
}
void attach(Node* node, const Tensor& out);
void check_forward_anomaly(Op op, const Tensor& out, const SmallVector<Tensor, 3>& inputs);
}  // namespace detail

// Whether `record` has anything to do for an op on these inputs: grad mode is on and one of them
// requires grad, or anomaly mode wants to see the result. Ops ask first, as LibTorch's generated
// code does, so that without a tape (inside a backward pass, under NoGradGuard) they build no
// backward closure: its captures and input list cost ~100 instructions a call.
template <class... Inputs>
bool should_record(const Inputs&... inputs) {
    return detail::anomaly_mode || (detail::grad_mode && (detail::needs_grad(inputs) || ...));
}

// Records `out = op(inputs)` with its backward when grad mode is on and an input requires grad.
// backward_fn(grad_out, out) returns one gradient per input, each of that input's shape.
template <class F>
Tensor record(Op op, Tensor out, SmallVector<Tensor, 3> inputs, F&& backward_fn) {
    if (detail::anomaly_mode) detail::check_forward_anomaly(op, out, inputs);
    if (!detail::needs_recording(inputs)) return out;
    detail::attach(
        new LambdaNode<std::decay_t<F>>(op, std::move(inputs), std::forward<F>(backward_fn)), out);
    return out;
}

struct GradOptions {
    bool retain_graph = false;
    bool create_graph = false;  // implies retain_graph
    bool allow_unused = false;  // an input the outputs do not depend on gets an undefined gradient
};

// Gradients of `outputs` (weighted by `grad_outputs`; may be empty for scalar outputs) with respect
// to `inputs`, returned rather than accumulated into .grad (torch.autograd.grad).
std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs = {}, GradOptions options = {});

}  // namespace potatolemon
