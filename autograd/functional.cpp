// jacobian, hessian, vjp, jvp and hvp from `grad`: input preparation, argument checks, the
// per-element Jacobian rows and the double-vjp trick.
#include "autograd/functional.hpp"

#include <string>

#include "autograd/dtype.hpp"
#include "autograd/errors.hpp"
#include "autograd/factories.hpp"
#include "autograd/ops_index.hpp"
#include "autograd/ops_shape.hpp"
#include "autograd/tape.hpp"

namespace potatolemon {

namespace {

// Tensors fn is differentiated against. With create_graph, an input that requires grad is seen
// through a recorded alias so the results stay connected to it; otherwise a detached copy that
// requires grad keeps the caller's graph and .grad untouched (torch's _grad_preprocess).
std::vector<Tensor> prepare_inputs(const std::vector<Tensor>& inputs, bool create_graph,
                                   const char* op) {
    std::vector<Tensor> xs;
    for (const Tensor& x : inputs) {
        check_floating(x, op);
        if (create_graph && x.requires_grad())
            xs.push_back(view(x, x.shape()));
        else
            xs.push_back(x.detach().requires_grad_());
    }
    return xs;
}

Tensor evaluate(const TensorFn& fn, const std::vector<Tensor>& xs, const char* op) {
    Tensor out = fn(xs);
    check_floating(out, op);
    return out;
}

void check_single_element(const Tensor& out, const char* op) {
    if (out.numel() != 1)
        throw ShapeError(std::string(op) + ": fn must return a single element, got " +
                         to_string(out.shape()));
}

// The tangents of jvp and hvp: one per input, of its shape and dtype; ones when v is empty and
// every input has one element.
std::vector<Tensor> checked_tangents(const std::vector<Tensor>& v, const std::vector<Tensor>& xs,
                                     const char* op) {
    std::vector<Tensor> tangents;
    if (v.empty()) {
        for (std::size_t i = 0; i < xs.size(); ++i) {
            if (xs[i].numel() != 1)
                throw ShapeError(std::string(op) + ": v is needed since input " +
                                 std::to_string(i) + " has shape " + to_string(xs[i].shape()));
            tangents.push_back(ones(xs[i].shape(), xs[i].dtype()));
        }
        return tangents;
    }
    if (v.size() != xs.size())
        throw ShapeError(std::string(op) + ": " + std::to_string(xs.size()) + " inputs but " +
                         std::to_string(v.size()) + " tensors in v");
    for (std::size_t i = 0; i < xs.size(); ++i) {
        check_same_dtype(xs[i], v[i], op);
        if (v[i].shape() != xs[i].shape())
            throw ShapeError(std::string(op) + ": v[" + std::to_string(i) + "] has shape " +
                             to_string(v[i].shape()) + " but input " + std::to_string(i) +
                             " has shape " + to_string(xs[i].shape()));
    }
    return v;
}

// Zeros of out's shape with a one at flat index j.
Tensor one_hot(const Tensor& out, std::int64_t j) {
    Tensor seed = zeros(out.shape(), out.dtype());
    dispatch(out.dtype(), [&]<class T>() { seed.data<T>()[j] = T(1); });
    return seed;
}

// The cotangent of vjp: v checked against the output, or ones for a one-element output.
Tensor checked_cotangent(const Tensor& v, const Tensor& out, const char* op) {
    if (!v.defined()) {
        if (out.numel() != 1)
            throw ShapeError(std::string(op) + ": v is needed since the output has shape " +
                             to_string(out.shape()));
        return ones(out.shape(), out.dtype());
    }
    check_same_dtype(out, v, op);
    if (v.shape() != out.shape())
        throw ShapeError(std::string(op) + ": v has shape " + to_string(v.shape()) +
                         " but the output has shape " + to_string(out.shape()));
    return v;
}

// grad of outs with respect to xs, weighted by seeds; undefined where no output reaches an input
// (an output that does not require grad, e.g. a constant gradient, reaches none).
std::vector<Tensor> reverse(const std::vector<Tensor>& outs, const std::vector<Tensor>& xs,
                            const std::vector<Tensor>& seeds, bool create_graph) {
    std::vector<Tensor> reached, reached_seeds;
    for (std::size_t i = 0; i < outs.size(); ++i)
        if (outs[i].defined() && outs[i].requires_grad())
            reached.push_back(outs[i]), reached_seeds.push_back(seeds[i]);
    if (reached.empty()) return std::vector<Tensor>(xs.size());
    return grad(reached, xs, reached_seeds,
                {.retain_graph = true, .create_graph = create_graph, .allow_unused = true});
}

[[noreturn]] void throw_unused(std::size_t i, const std::vector<Tensor>& xs, const char* op) {
    throw GraphError(std::string(op) + ": the output does not depend on input " +
                     std::to_string(i) + " " + to_string(xs[i].shape()) +
                     "; pass allow_unused=true to get zeros");
}

// Undefined gradients become zeros, or a GraphError naming the first input fn ignores.
void fill_unused(std::vector<Tensor>& grads, const std::vector<Tensor>& xs, bool allow_unused,
                 const char* op) {
    for (std::size_t i = 0; i < grads.size(); ++i) {
        if (grads[i].defined()) continue;
        if (!allow_unused) throw_unused(i, xs, op);
        grads[i] = zeros(xs[i].shape(), xs[i].dtype());
    }
}

Shape joined(const Shape& a, const Shape& b) {
    Shape s = a;
    for (std::int64_t d : b) s.push_back(d);
    return s;
}

// d out / d xs[i] of shape out.shape ++ xs[i].shape, one reverse pass per element of out (row j
// is the gradient of out_j). Entries out does not reach are zeros; used[i] says whether any row
// of input i was reached.
std::vector<Tensor> jacobian_blocks(const Tensor& out, const std::vector<Tensor>& xs,
                                    bool create_graph, std::vector<bool>& used) {
    std::vector<std::vector<Tensor>> rows(xs.size());
    used.assign(xs.size(), false);
    for (std::int64_t j = 0; j < out.numel(); ++j) {
        std::vector<Tensor> grads = reverse({out}, xs, {one_hot(out, j)}, create_graph);
        for (std::size_t i = 0; i < xs.size(); ++i) {
            used[i] = used[i] || grads[i].defined();
            rows[i].push_back(grads[i].defined() ? grads[i] : zeros(xs[i].shape(), xs[i].dtype()));
        }
    }
    std::vector<Tensor> blocks;
    for (std::size_t i = 0; i < xs.size(); ++i) {
        Shape shape = joined(out.shape(), xs[i].shape());
        blocks.push_back(rows[i].empty() ? zeros(shape, xs[i].dtype())
                                         : view(stack(rows[i], 0), shape));
    }
    return blocks;
}

Tensor finish(const Tensor& t, bool create_graph) {
    return create_graph ? t : t.detach();
}
std::vector<Tensor> finish(std::vector<Tensor> ts, bool create_graph) {
    for (Tensor& t : ts) t = finish(t, create_graph);
    return ts;
}

}  // namespace

std::vector<Tensor> jacobian(const TensorFn& fn, const std::vector<Tensor>& inputs,
                             FunctionalOptions options) {
    GradModeGuard mode(true);
    std::vector<Tensor> xs = prepare_inputs(inputs, options.create_graph, "jacobian");
    Tensor out = evaluate(fn, xs, "jacobian");
    std::vector<bool> used;
    std::vector<Tensor> blocks = jacobian_blocks(out, xs, options.create_graph, used);
    // An empty output has no rows to tell; its Jacobian is empty either way.
    for (std::size_t i = 0; i < xs.size(); ++i)
        if (!used[i] && out.numel() > 0 && !options.allow_unused) throw_unused(i, xs, "jacobian");
    return finish(std::move(blocks), options.create_graph);
}

std::vector<std::vector<Tensor>> hessian(const TensorFn& fn, const std::vector<Tensor>& inputs,
                                         FunctionalOptions options) {
    GradModeGuard mode(true);
    std::vector<Tensor> xs = prepare_inputs(inputs, options.create_graph, "hessian");
    Tensor out = evaluate(fn, xs, "hessian");
    check_single_element(out, "hessian");
    std::vector<Tensor> g = reverse({out}, xs, {ones(out.shape(), out.dtype())}, true);
    fill_unused(g, xs, options.allow_unused, "hessian");
    std::vector<std::vector<Tensor>> h;
    for (const Tensor& g_i : g) {
        std::vector<bool> used;  // a block g_i does not reach is a zero block, not an error
        h.push_back(
            finish(jacobian_blocks(g_i, xs, options.create_graph, used), options.create_graph));
    }
    return h;
}

VjpResult vjp(const TensorFn& fn, const std::vector<Tensor>& inputs, const Tensor& v,
              FunctionalOptions options) {
    GradModeGuard mode(true);
    std::vector<Tensor> xs = prepare_inputs(inputs, options.create_graph, "vjp");
    Tensor out = evaluate(fn, xs, "vjp");
    Tensor seed = checked_cotangent(v, out, "vjp");
    std::vector<Tensor> g = reverse({out}, xs, {seed}, options.create_graph);
    fill_unused(g, xs, options.allow_unused, "vjp");
    return {finish(out, options.create_graph), finish(std::move(g), options.create_graph)};
}

JvpResult jvp(const TensorFn& fn, const std::vector<Tensor>& inputs, const std::vector<Tensor>& v,
              FunctionalOptions options) {
    GradModeGuard mode(true);
    std::vector<Tensor> xs = prepare_inputs(inputs, options.create_graph, "jvp");
    std::vector<Tensor> tangents = checked_tangents(v, xs, "jvp");
    Tensor out = evaluate(fn, xs, "jvp");
    Tensor u = zeros(out.shape(), out.dtype()).requires_grad_();
    std::vector<Tensor> g = reverse({out}, xs, {u}, true);
    fill_unused(g, xs, options.allow_unused, "jvp");
    Tensor ju = reverse(g, {u}, tangents, options.create_graph)[0];
    if (!ju.defined()) ju = zeros(out.shape(), out.dtype());
    return {finish(out, options.create_graph), finish(ju, options.create_graph)};
}

HvpResult hvp(const TensorFn& fn, const std::vector<Tensor>& inputs, const std::vector<Tensor>& v,
              FunctionalOptions options) {
    GradModeGuard mode(true);
    std::vector<Tensor> xs = prepare_inputs(inputs, options.create_graph, "hvp");
    std::vector<Tensor> tangents = checked_tangents(v, xs, "hvp");
    Tensor out = evaluate(fn, xs, "hvp");
    check_single_element(out, "hvp");
    std::vector<Tensor> g = reverse({out}, xs, {ones(out.shape(), out.dtype())}, true);
    fill_unused(g, xs, options.allow_unused, "hvp");
    std::vector<Tensor> hv = reverse(g, xs, tangents, options.create_graph);
    fill_unused(hv, xs, true, "hvp");  // a gradient constant in an input: H's block is zero
    return {finish(out, options.create_graph), finish(std::move(hv), options.create_graph)};
}

}  // namespace potatolemon
