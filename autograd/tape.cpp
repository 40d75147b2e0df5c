// The backward engine: topological order of the reachable Nodes, gradient accumulation, graph
// release, and the grad/anomaly modes.
#include "autograd/tape.hpp"

#include <atomic>
#include <cmath>
#include <span>
#include <string>
#include <thread>

#include "autograd/capture.hpp"
#include "autograd/factories.hpp"
#include "autograd/ops_elementwise.hpp"

namespace potatolemon {

const char* op_name(Op op) {
    static constexpr const char* kNames[] = {
#define POTATOLEMON_OP_NAME(name) #name,
        POTATOLEMON_OPS(POTATOLEMON_OP_NAME)
#undef POTATOLEMON_OP_NAME
    };
    return op < Op::count ? kNames[static_cast<int>(op)] : "unknown";
}

namespace detail {
constinit thread_local bool grad_mode = true;
constinit thread_local bool anomaly_mode = false;
}  // namespace detail

namespace {
using detail::anomaly_mode;
using detail::grad_mode;
// Per thread rather than one atomic: a locked add and subtract on every op cost ~3% of a small
// model's step.
constinit thread_local std::int64_t live_entries = 0;
// Global rather than per thread: a graph built on one thread may be walked on another, and a
// per-thread epoch could then match a stale mark and skip a node. One add per backward pass.
std::atomic<std::uint64_t> backward_epoch{0};
constinit thread_local std::uint64_t next_sequence = 0;
constinit thread_local int backward_depth = 0;  // backward passes running on this thread

std::string input_shapes(const SmallVector<Tensor, 3>& inputs) {
    std::string s;
    for (const Tensor& t : inputs) s += (s.empty() ? "" : ", ") + to_string(t.shape());
    return s;
}

bool all_finite(const Tensor& t) {
    if (!is_floating(t.dtype())) return true;  // int64 and bool hold no NaN or Inf
    return dispatch(t.dtype(), [&]<class T>() {
        const T* p = t.data<T>();
        for (std::int64_t i = 0, n = t.numel(); i < n; ++i)
            if (!std::isfinite(p[i])) return false;
        return true;
    });
}
}  // namespace

NoGradGuard::NoGradGuard() : previous_(grad_mode) {
    grad_mode = false;
}
NoGradGuard::~NoGradGuard() {
    grad_mode = previous_;
}
GradModeGuard::GradModeGuard(bool enabled) : previous_(grad_mode) {
    grad_mode = enabled;
}
GradModeGuard::~GradModeGuard() {
    grad_mode = previous_;
}
DetectAnomalyGuard::DetectAnomalyGuard() : previous_(anomaly_mode) {
    anomaly_mode = true;
}
DetectAnomalyGuard::~DetectAnomalyGuard() {
    anomaly_mode = previous_;
}
std::int64_t tape_live_entries() {
    return live_entries;
}

Node::Node(Op op_, SmallVector<Tensor, 3> inputs_)
    : op(op_),
      inputs(std::move(inputs_)),
      recorded_in_backward(backward_depth > 0),
      sequence(next_sequence++) {
    ++live_entries;
}
Node::~Node() {
    --live_entries;
}

namespace detail {
void attach(Node* node, const Tensor& out) {
    out.impl()->grad_fn.reset(node);
    out.impl()->requires_grad = true;
    node->output = out.impl();
}

void check_forward_anomaly(Op op, const Tensor& out, const SmallVector<Tensor, 3>& inputs) {
    if (!all_finite(out))
        throw AnomalyError(std::string("anomaly: ") + op_name(op) +
                           " produced NaN or Inf in its result from inputs " +
                           input_shapes(inputs));
}
}  // namespace detail

namespace {

// Nodes reachable from the roots in post-order (each before every node that consumes its output),
// so walking `order` backwards visits a node only after all its consumers. The buffers persist per
// thread so a backward on a small graph allocates nothing.
struct TopologicalOrder {
    std::vector<Node*> order;
    std::vector<std::pair<Node*, std::size_t>> stack;

    void build(std::span<Node* const> roots) {
        std::uint64_t epoch = backward_epoch.fetch_add(1, std::memory_order_relaxed) + 1;
        order.clear();
        for (Node* root : roots) {
            if (root->visit_epoch == epoch) continue;
            root->visit_epoch = epoch;
            stack.emplace_back(root, 0);
            while (!stack.empty()) {
                Node* node = stack.back().first;
                std::size_t next = stack.back().second++;
                if (next == node->inputs.size()) {
                    order.push_back(node);
                    stack.pop_back();
                    continue;
                }
                const Tensor& input = node->inputs[next];
                Node* child = input.defined() ? input.grad_fn() : nullptr;
                if (child && child->visit_epoch != epoch) {
                    child->visit_epoch = epoch;
                    stack.emplace_back(child, 0);
                }
            }
        }
    }
};

Tensor accumulate(const Tensor& sum, Tensor grad) {
    return sum.defined() ? add(sum, grad) : std::move(grad);
}

bool exclusively_owned(const detail::TensorImpl* impl) {
    // Another thread's gradient tensor is never written in place: its count is not ours to read.
    return impl->count.owned_here() && impl->count.use_count() == 1 && !impl->base &&
           !impl->grad_fn;
}

// Held while a backward accumulates into one tensor's .grad, so passes on several threads into
// shared parameters lose no contribution (LibTorch's AccumulateGrad locks likewise). Their order
// is then the threads' order; on one thread nothing changes. Uncontended it is one exchange.
class GradLock {
public:
    explicit GradLock(detail::TensorImpl* impl) : flag_(impl->grad_lock) {
        for (int spins = 0; flag_.exchange(1, std::memory_order_acquire) != 0; ++spins) {
            if (spins >= 64) std::this_thread::yield();
        }
    }
    ~GradLock() { flag_.store(0, std::memory_order_release); }
    GradLock(const GradLock&) = delete;
    GradLock& operator=(const GradLock&) = delete;

private:
    std::atomic<std::uint8_t>& flag_;
};

// The in-place accumulation below, as a replay record.
template <class T>
struct AccumulateRecord {
    static constexpr const char* name = "gradient accumulation";
    T* dst;
    const T* src;
    std::int64_t n;
    static void run(const AccumulateRecord& r) {
        for (std::int64_t i = 0; i < r.n; ++i) r.dst[i] += r.src[i];
    }
};

// grad += g in place when nothing else can see grad's data (the common case from the second
// backward on); a new tensor otherwise, since gradients may be shared between tensors.
void accumulate_into_grad(detail::TensorImpl* impl, const Tensor& g, bool create_graph) {
    GradLock lock(impl);
    detail::TensorImpl* current = impl->grad;
    if (!create_graph && current && exclusively_owned(current) && current->shape == g.shape() &&
        current->dtype == g.dtype()) {
        dispatch(g.dtype(), [&]<class T>() {
            AccumulateRecord<T> r{static_cast<T*>(current->data), g.data<T>(), g.numel()};
            if (detail::capturing()) [[unlikely]]  // before the run, which changes what it reads
                detail::capture_emit(r, {r.dst, r.src}, {r.dst});
            AccumulateRecord<T>::run(r);
        });
        return;
    }
    impl->retain();
    Tensor target(impl);
    Tensor stored = create_graph || !g.requires_grad() ? g : g.detach();
    target.set_grad(current ? add(target.grad(), stored) : stored);
}

// Where gradients end up: leaves' (and retained non-leaves') .grad, or the slots of grad().
struct GradSink {
    const std::vector<Tensor>* captured = nullptr;  // grad(): the inputs asked for
    std::vector<Tensor> results;

    void deliver(detail::TensorImpl* impl, const Tensor& grad, bool create_graph) {
        if (!captured) return accumulate_into_grad(impl, grad, create_graph);
        for (std::size_t i = 0; i < captured->size(); ++i)
            if ((*captured)[i].impl() == impl) results[i] = accumulate(results[i], grad);
    }
};

void check_anomaly_backward(const Node& node, const Grads& grads) {
    for (std::size_t i = 0; i < grads.size(); ++i)
        if (grads[i].defined() && !all_finite(grads[i]))
            throw AnomalyError(std::string("anomaly: backward of ") + op_name(node.op) +
                               " produced NaN or Inf in the gradient of input " +
                               std::to_string(i) + " (input shapes " + input_shapes(node.inputs) +
                               ")");
}

Grads call_backward(Node* node, const Tensor& grad_out) {
    node->output->retain();
    Tensor out(node->output);
    try {
        return node->backward(grad_out, out);
    } catch (const AnomalyError& e) {  // an op inside the formula; say whose backward it was
        throw AnomalyError(std::string("anomaly: backward of ") + op_name(node->op) +
                           " (input shapes " + input_shapes(node->inputs) + "): " + e.what());
    }
}

void run_node(Node* node, GradSink& sink, BackwardOptions options) {
    Tensor grad_out = std::move(node->pending_grad);
    node->pending_grad = Tensor();
    if (!grad_out.defined()) return;
    detail::TensorImpl* out_impl = node->output;
    if (sink.captured || out_impl->retains_grad)
        sink.deliver(out_impl, grad_out, options.create_graph);
    if (node->released)
        throw GraphError(std::string("backward: the graph through ") + op_name(node->op) +
                         " was already released by an earlier backward; pass retain_graph=true "
                         "to that backward to run through it again");
    Grads grads = call_backward(node, grad_out);
    if (anomaly_mode) check_anomaly_backward(*node, grads);
    for (std::size_t i = 0; i < node->inputs.size(); ++i) {
        const Tensor& input = node->inputs[i];
        if (i >= grads.size() || !grads[i].defined() || !input.requires_grad()) continue;
        if (Node* child = input.grad_fn())
            child->pending_grad = accumulate(child->pending_grad, std::move(grads[i]));
        else
            sink.deliver(input.impl(), grads[i], options.create_graph);
    }
    if (!options.retain_graph) {
        node->release_saved();
        node->released = true;
    }
}

void run_backward(std::span<const Tensor> outputs, std::span<const Tensor> grad_outputs,
                  GradSink& sink, BackwardOptions options) {
    // As PyTorch: a recorded backward may reference this graph (saved outputs), so keep it.
    options.retain_graph = options.retain_graph || options.create_graph;
    SmallVector<Node*, 2> roots;
    for (std::size_t i = 0; i < outputs.size(); ++i) {
        const Tensor& out = outputs[i];
        if (!out.requires_grad())
            throw GraphError("backward: tensor " + to_string(out.shape()) +
                             " does not require grad and has no grad_fn");
        if (Node* node = out.grad_fn()) {
            node->pending_grad = accumulate(node->pending_grad, grad_outputs[i]);
            roots.push_back(node);
        } else {
            sink.deliver(out.impl(), grad_outputs[i], options.create_graph);
        }
    }
    GradModeGuard mode(options.create_graph);
    // Reuse this thread's buffers unless a backward is already using them.
    thread_local TopologicalOrder cached;
    thread_local bool cached_in_use = false;
    TopologicalOrder fresh;
    TopologicalOrder& topo = cached_in_use ? fresh : cached;
    bool owns_cache = !cached_in_use;
    cached_in_use = true;
    ++backward_depth;
    struct Release {
        bool owns;
        ~Release() {
            if (owns) cached_in_use = false;
            --backward_depth;
        }
    } release{owns_cache};
    topo.build({roots.begin(), roots.end()});
    try {
        for (std::size_t i = topo.order.size(); i-- > 0;) run_node(topo.order[i], sink, options);
    } catch (...) {  // leave no half-summed gradient behind for the next backward
        for (Node* node : topo.order) node->pending_grad = Tensor();
        throw;
    }
}

Tensor seed_gradient(const Tensor& out, const Tensor& grad_out, const char* op) {
    if (!grad_out.defined()) {
        if (out.numel() != 1)
            throw GraphError(std::string(op) + ": output of shape " + to_string(out.shape()) +
                             " is not a scalar; pass a gradient of that shape");
        return ones(out.shape(), out.dtype());
    }
    if (grad_out.shape() != out.shape())
        throw ShapeError(std::string(op) + ": gradient shape " + to_string(grad_out.shape()) +
                         " does not match output shape " + to_string(out.shape()));
    check_same_dtype(out, grad_out, op);
    return grad_out;
}

}  // namespace

void Tensor::backward(const Tensor& grad_out, BackwardOptions options) const {
    check_defined(*this, "backward");
    GradSink sink;
    Tensor seed = seed_gradient(*this, grad_out, "backward");
    run_backward({this, 1}, {&seed, 1}, sink, options);
}

std::vector<Tensor> grad(const std::vector<Tensor>& outputs, const std::vector<Tensor>& inputs,
                         const std::vector<Tensor>& grad_outputs, GradOptions options) {
    if (!grad_outputs.empty() && grad_outputs.size() != outputs.size())
        throw GraphError("grad: " + std::to_string(outputs.size()) + " outputs but " +
                         std::to_string(grad_outputs.size()) + " output gradients");
    std::vector<Tensor> seeds;
    for (std::size_t i = 0; i < outputs.size(); ++i) {
        check_defined(outputs[i], "grad");
        seeds.push_back(
            seed_gradient(outputs[i], grad_outputs.empty() ? Tensor() : grad_outputs[i], "grad"));
    }
    for (const Tensor& input : inputs) {
        check_defined(input, "grad");
        if (!input.requires_grad())
            throw GraphError("grad: an input of shape " + to_string(input.shape()) +
                             " does not require grad");
    }
    GradSink sink{&inputs, std::vector<Tensor>(inputs.size())};
    run_backward(outputs, seeds, sink, {options.retain_graph, options.create_graph});
    for (std::size_t i = 0; i < inputs.size(); ++i)
        if (!sink.results[i].defined() && !options.allow_unused)
            throw GraphError("grad: input " + std::to_string(i) + " of shape " +
                             to_string(inputs[i].shape()) +
                             " is not used by the outputs; pass allow_unused=true");
    return sink.results;
}

}  // namespace potatolemon
