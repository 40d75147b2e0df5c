#include "autograd/ops_pool.hpp"

#include <string>

#include "autograd/capture.hpp"
#include "autograd/factories.hpp"
#include "autograd/kernels/pool.hpp"
#include "autograd/ops_elementwise.hpp"
#include "autograd/ops_index.hpp"
#include "autograd/ops_shape.hpp"
#include "autograd/tape.hpp"

namespace potatolemon {

namespace {
struct PoolArgs {
    Size2 kernel, stride, padding, dilation;
};

void check_window_arg(Size2 value, const char* name, const char* op) {
    if (value.h < 1 || value.w < 1)
        throw ShapeError(std::string(op) + ": " + name + " must be >= 1, got " + to_string(value));
}

// floor((in + 2 pad - dilation (kernel - 1) - 1) / stride) + 1, or 0 when the dilated kernel
// does not fit the padded input. Arguments are checked positive and pad <= kernel / 2, so
// in + 2 pad fits in 64 unsigned bits; a product that does not is larger than any input.
std::int64_t pooled_size(std::int64_t in, std::int64_t kernel, std::int64_t stride,
                         std::int64_t pad, std::int64_t dilation) {
    std::uint64_t padded = std::uint64_t(in) + 2 * std::uint64_t(pad), span;
    if (__builtin_mul_overflow(std::uint64_t(dilation), std::uint64_t(kernel - 1), &span) ||
        span >= padded)
        return 0;
    return static_cast<std::int64_t>((padded - span - 1) / std::uint64_t(stride)) + 1;
}

void check_pool_args(const PoolArgs& a, const char* op) {
    check_window_arg(a.kernel, "kernel_size", op);
    check_window_arg(a.stride, "stride", op);
    check_window_arg(a.dilation, "dilation", op);
    if (a.padding.h < 0 || a.padding.w < 0 || a.padding.h > a.kernel.h / 2 ||
        a.padding.w > a.kernel.w / 2)
        throw ShapeError(std::string(op) + ": padding " + to_string(a.padding) +
                         " must be between 0 and half the kernel size " + to_string(a.kernel));
}

// A caller-given shape whose element count overflows int64 throws ShapeError naming `op`.
void check_numel(const Shape& shape, const char* op) {
    std::int64_t n = 1;
    for (std::int64_t d : shape)
        if (__builtin_mul_overflow(n, d, &n))
            throw ShapeError(std::string(op) + ": element count of " + to_string(shape) +
                             " overflows int64");
}

// The pooling kernels as replay records.
enum class PoolKernel { max, max_backward, avg, avg_backward };

template <class T, PoolKernel kKernel>
struct PoolRecord {
    static constexpr const char* name = "pooling";
    kernels::Pool2dGeometry g;
    bool count_include_pad;
    const T* in;
    std::int64_t* indices;  // max: written (or null); max_backward: read
    T* out;
    static void run(const PoolRecord& r) {
        if constexpr (kKernel == PoolKernel::max) {
            kernels::max_pool2d(r.g, r.in, r.out, r.indices);
        } else if constexpr (kKernel == PoolKernel::max_backward) {
            if (!kernels::max_pool2d_backward(r.g, r.in, r.indices, r.out))
                throw IndexError("max_pool2d_backward: an index lies outside [-1, " +
                                 std::to_string(r.g.in_h * r.g.in_w) + ")");
        } else if constexpr (kKernel == PoolKernel::avg) {
            kernels::avg_pool2d(r.g, r.count_include_pad, r.in, r.out);
        } else {
            kernels::avg_pool2d_backward(r.g, r.count_include_pad, r.in, r.out);
        }
    }
};

template <PoolKernel kKernel, class T>
void emit_pool(const PoolRecord<T, kKernel>& r) {
    if (!detail::capturing()) [[likely]]
        return;
    if constexpr (kKernel == PoolKernel::max)
        detail::capture_emit(r, {r.in}, {r.out, r.indices});
    else if constexpr (kKernel == PoolKernel::max_backward)
        detail::capture_emit(r, {r.in, r.indices}, {r.out});
    else
        detail::capture_emit(r, {r.in}, {r.out});
}

// max_pool2d's backward over disjoint 2×2 windows, found again from its input, as a replay record.
template <class T>
struct MaxBackward2x2Record {
    static constexpr const char* name = "pooling";
    kernels::Pool2dGeometry g;
    const T* in;
    const T* grad;
    T* out;
    static void run(const MaxBackward2x2Record& r) {
        kernels::max_pool2d_backward_2x2(r.g, r.in, r.grad, r.out);
    }
};

// relu_max_pool2d's kernels over disjoint 2×2 windows as a replay record: forward when grad is
// null (in → out), else the backward (in, grad → out).
template <class T>
struct ReluMax2x2Record {
    static constexpr const char* name = "pooling";
    kernels::Pool2dGeometry g;
    const T* in;
    const T* grad;
    T* out;
    static void run(const ReluMax2x2Record& r) {
        if (r.grad)
            kernels::relu_max_pool2d_backward_2x2(r.g, r.in, r.grad, r.out);
        else
            kernels::relu_max_pool2d_2x2(r.g, r.in, r.out);
    }
};

template <class T>
void run_relu_max_2x2(const ReluMax2x2Record<T>& r) {
    ReluMax2x2Record<T>::run(r);
    if (detail::capturing()) [[unlikely]]
        detail::capture_emit(r, {r.in, r.grad}, {r.out});  // a null grad is no buffer
}

// The geometry of pooling `shape`, after checking every precondition listed in ops_pool.hpp.
kernels::Pool2dGeometry pool_geometry(const Shape& shape, const PoolArgs& a, const char* op) {
    int r = shape.rank();
    check_numel(shape, op);
    if (r != 3 && r != 4)
        throw ShapeError(std::string(op) + ": expected a [N, C, H, W] or [C, H, W] input, got " +
                         to_string(shape));
    std::int64_t c = shape[r - 3], h = shape[r - 2], w = shape[r - 1];
    if (c == 0 || h == 0 || w == 0)
        throw ShapeError(std::string(op) +
                         ": C, H and W must be non-empty (only N may be 0), got " +
                         to_string(shape));
    check_pool_args(a, op);
    kernels::Pool2dGeometry g{};
    g.planes = r == 4 ? shape[0] * c : c;
    g.in_h = h, g.in_w = w;
    g.out_h = pooled_size(h, a.kernel.h, a.stride.h, a.padding.h, a.dilation.h);
    g.out_w = pooled_size(w, a.kernel.w, a.stride.w, a.padding.w, a.dilation.w);
    if (g.out_h < 1 || g.out_w < 1)
        throw ShapeError(std::string(op) + ": kernel " + to_string(a.kernel) + " with dilation " +
                         to_string(a.dilation) + " is larger than the input " + to_string(shape) +
                         " padded by " + to_string(a.padding));
    g.kernel_h = a.kernel.h, g.kernel_w = a.kernel.w;
    g.stride_h = a.stride.h, g.stride_w = a.stride.w;
    g.pad_h = a.padding.h, g.pad_w = a.padding.w;
    g.dilation_h = a.dilation.h, g.dilation_w = a.dilation.w;
    return g;
}

Shape pooled_shape(const Shape& input, const kernels::Pool2dGeometry& g) {
    Shape out = input;
    out[out.rank() - 2] = g.out_h;
    out[out.rank() - 1] = g.out_w;
    return out;
}

// out[..., i] = x's plane at position indices[..., i] (0 for index -1): the transpose of
// max_pool2d_backward, written with gather, whose backward (scatter_add) closes the loop.
Tensor gather_planes(const Tensor& x, const Tensor& indices) {
    const Shape &s = x.shape(), &o = indices.shape();
    int r = s.rank();
    std::int64_t planes = r == 4 ? o[0] * o[1] : o[0];
    std::int64_t plane = s[r - 2] * s[r - 1], out_plane = o[r - 2] * o[r - 1];
    if (plane == 0) return zeros(o, x.dtype());  // then every index is -1: nothing to gather
    Tensor index = empty({planes, out_plane}, Dtype::int64);
    Tensor mask = empty({planes, out_plane}, x.dtype());
    bool all_valid = true;
    const std::int64_t* from = indices.data<std::int64_t>();
    std::int64_t* to = index.data<std::int64_t>();
    dispatch(x.dtype(), [&]<class T>() {
        T* keep = mask.data<T>();
        for (std::int64_t i = 0, n = index.numel(); i < n; ++i) {
            bool valid = from[i] >= 0;
            to[i] = valid ? from[i] : 0;
            keep[i] = valid ? 1 : 0;
            all_valid = all_valid && valid;
        }
    });
    Tensor out = gather(view(x, {planes, plane}), 1, index);
    return view(all_valid ? out : out * mask, o);
}

// The indices max_pool2d_with_indices would return for `input` (its values discarded).
Tensor max_pool2d_indices(const Tensor& input, const kernels::Pool2dGeometry& g) {
    Shape out_shape = pooled_shape(input.shape(), g);
    Tensor values = empty(out_shape, input.dtype()), indices = empty(out_shape, Dtype::int64);
    dispatch(input.dtype(), [&]<class T>() {
        PoolRecord<T, PoolKernel::max> r{g, false, input.data<T>(), indices.data<std::int64_t>(),
                                         values.data<T>()};
        PoolRecord<T, PoolKernel::max>::run(r);
        emit_pool(r);
    });
    return indices;
}

// The gradient goes to each window's max. Disjoint 2×2 windows (the usual CNN pooling) keep the
// input rather than indices, which the input's own backward mostly keeps alive anyway: a
// first-order backward then finds each max again while it writes the gradient, one pass instead
// of writing indices forward and reading them back.
Tensor record_max_pool2d(Tensor values, const Tensor& input, const kernels::Pool2dGeometry& g,
                         Tensor indices) {
    if (indices.defined() || !kernels::disjoint_2x2(g))
        return record(Op::max_pool2d, values, {input},
                      [indices, in_shape = input.shape()](const Tensor& grad_out, const Tensor&) {
                          return Grads{max_pool2d_backward(grad_out, indices, in_shape)};
                      });
    return record(
        Op::max_pool2d, values, {input}, [input, g](const Tensor& grad_out, const Tensor&) {
            if (should_record(grad_out))
                return Grads{
                    max_pool2d_backward(grad_out, max_pool2d_indices(input, g), input.shape())};
            Tensor grad_in = empty(input.shape(), input.dtype());
            dispatch(input.dtype(), [&]<class T>() {
                MaxBackward2x2Record<T> r{g, input.data<T>(), grad_out.data<T>(),
                                          grad_in.data<T>()};
                MaxBackward2x2Record<T>::run(r);
                if (detail::capturing()) [[unlikely]]
                    detail::capture_emit(r, {r.in, r.grad}, {r.out});
            });
            return Grads{grad_in};
        });
}

// max_pool2d's values, and its indices when `with_indices` or the tape needs them.
ValuesIndices max_pool2d_impl(const Tensor& input, Size2 kernel_size, std::optional<Size2> stride,
                              Size2 padding, Size2 dilation, bool with_indices) {
    check_floating(input, "max_pool2d");
    kernels::Pool2dGeometry g =
        pool_geometry(input.shape(), {kernel_size, stride.value_or(kernel_size), padding, dilation},
                      "max_pool2d");
    Shape out_shape = pooled_shape(input.shape(), g);
    Tensor values = empty(out_shape, input.dtype());
    bool recording = should_record(input);
    bool need_indices = with_indices || (recording && !kernels::disjoint_2x2(g));
    Tensor indices = need_indices ? empty(out_shape, Dtype::int64) : Tensor();
    dispatch(input.dtype(), [&]<class T>() {
        PoolRecord<T, PoolKernel::max> r{g, false, input.data<T>(),
                                         indices.defined() ? indices.data<std::int64_t>() : nullptr,
                                         values.data<T>()};
        PoolRecord<T, PoolKernel::max>::run(r);
        emit_pool(r);
    });
    if (recording) values = record_max_pool2d(values, input, g, indices);
    return {values, indices};
}
}  // namespace

ValuesIndices max_pool2d_with_indices(const Tensor& input, Size2 kernel_size,
                                      std::optional<Size2> stride, Size2 padding, Size2 dilation) {
    return max_pool2d_impl(input, kernel_size, stride, padding, dilation, true);
}

Tensor max_pool2d(const Tensor& input, Size2 kernel_size, std::optional<Size2> stride,
                  Size2 padding, Size2 dilation) {
    return max_pool2d_impl(input, kernel_size, stride, padding, dilation, false).values;
}

Tensor max_pool2d_backward(const Tensor& grad, const Tensor& indices, const Shape& input_shape) {
    check_floating(grad, "max_pool2d_backward");
    check_defined(indices, "max_pool2d_backward");
    if (indices.dtype() != Dtype::int64)
        throw DtypeError("max_pool2d_backward: indices must be int64, got " +
                         std::string(dtype_name(indices.dtype())) + " " +
                         to_string(indices.shape()));
    const Shape& s = grad.shape();
    int r = s.rank();
    check_numel(input_shape, "max_pool2d_backward");
    bool fits = (r == 3 || r == 4) && indices.shape() == s && input_shape.rank() == r;
    for (int d = 0; fits && d < r - 2; ++d) fits = s[d] == input_shape[d];
    if (!fits)
        throw ShapeError("max_pool2d_backward: gradient " + to_string(s) + " and indices " +
                         to_string(indices.shape()) + " do not fit the input " +
                         to_string(input_shape));
    kernels::Pool2dGeometry g{r == 4 ? s[0] * s[1] : s[0],
                              input_shape[r - 2],
                              input_shape[r - 1],
                              s[r - 2],
                              s[r - 1],
                              1,
                              1,
                              1,
                              1,
                              0,
                              0,
                              1,
                              1};
    Tensor out = empty(input_shape, grad.dtype());
    bool in_range = dispatch(grad.dtype(), [&]<class T>() {
        PoolRecord<T, PoolKernel::max_backward> r{g, false, grad.data<T>(),
                                                  indices.data<std::int64_t>(), out.data<T>()};
        bool ok = kernels::max_pool2d_backward(g, r.in, r.indices, r.out);
        if (ok) emit_pool(r);
        return ok;
    });
    if (!in_range)
        throw IndexError("max_pool2d_backward: an index lies outside [-1, " +
                         std::to_string(g.in_h * g.in_w) + ") for the input " +
                         to_string(input_shape));
    if (!should_record(grad)) return out;
    return record(Op::max_pool2d_backward, std::move(out), {grad},
                  [indices](const Tensor& grad_out, const Tensor&) {
                      return Grads{gather_planes(grad_out, indices)};
                  });
}

// y = max_pool2d(relu(x)): grad x = threshold_backward(max_pool2d_backward(G, indices of the
// max of relu(x)), x), which the first-order pass computes as one kernel.
Tensor relu_max_pool2d(const Tensor& input, Size2 kernel_size, std::optional<Size2> stride,
                       Size2 padding, Size2 dilation) {
    check_floating(input, "relu_max_pool2d");
    kernels::Pool2dGeometry g =
        pool_geometry(input.shape(), {kernel_size, stride.value_or(kernel_size), padding, dilation},
                      "relu_max_pool2d");
    if (!kernels::disjoint_2x2(g))
        return max_pool2d(relu(input), kernel_size, stride, padding, dilation);
    Tensor values = empty(pooled_shape(input.shape(), g), input.dtype());
    dispatch(input.dtype(), [&]<class T>() {
        run_relu_max_2x2<T>({g, input.data<T>(), nullptr, values.data<T>()});
    });
    if (!should_record(input)) return values;
    return record(
        Op::relu_max_pool2d, values, {input}, [input, g](const Tensor& grad_out, const Tensor&) {
            if (should_record(grad_out)) {
                Tensor indices = max_pool2d_indices(relu(input.detach()), g);
                return Grads{threshold_backward(
                    max_pool2d_backward(grad_out, indices, input.shape()), input)};
            }
            Tensor grad_in = empty(input.shape(), input.dtype());
            dispatch(input.dtype(), [&]<class T>() {
                run_relu_max_2x2<T>({g, input.data<T>(), grad_out.data<T>(), grad_in.data<T>()});
            });
            return Grads{grad_in};
        });
}

Tensor avg_pool2d(const Tensor& input, Size2 kernel_size, std::optional<Size2> stride,
                  Size2 padding, bool count_include_pad) {
    check_floating(input, "avg_pool2d");
    Size2 step = stride.value_or(kernel_size);
    kernels::Pool2dGeometry g =
        pool_geometry(input.shape(), {kernel_size, step, padding, 1}, "avg_pool2d");
    Tensor out = empty(pooled_shape(input.shape(), g), input.dtype());
    dispatch(input.dtype(), [&]<class T>() {
        PoolRecord<T, PoolKernel::avg> r{g, count_include_pad, input.data<T>(), nullptr,
                                         out.data<T>()};
        PoolRecord<T, PoolKernel::avg>::run(r);
        emit_pool(r);
    });
    if (!should_record(input)) return out;
    return record(Op::avg_pool2d, std::move(out), {input},
                  [in_shape = input.shape(), kernel_size, step, padding, count_include_pad](
                      const Tensor& grad_out, const Tensor&) {
                      return Grads{avg_pool2d_backward(grad_out, in_shape, kernel_size, step,
                                                       padding, count_include_pad)};
                  });
}

// A linear map's transpose: its own backward is avg_pool2d again.
Tensor avg_pool2d_backward(const Tensor& grad, const Shape& input_shape, Size2 kernel_size,
                           Size2 stride, Size2 padding, bool count_include_pad) {
    check_floating(grad, "avg_pool2d_backward");
    kernels::Pool2dGeometry g =
        pool_geometry(input_shape, {kernel_size, stride, padding, 1}, "avg_pool2d_backward");
    Shape expected = pooled_shape(input_shape, g);
    if (grad.shape() != expected)
        throw ShapeError("avg_pool2d_backward: gradient " + to_string(grad.shape()) +
                         " does not match the pooled shape " + to_string(expected) + " of " +
                         to_string(input_shape));
    Tensor out = empty(input_shape, grad.dtype());
    dispatch(grad.dtype(), [&]<class T>() {
        PoolRecord<T, PoolKernel::avg_backward> r{g, count_include_pad, grad.data<T>(), nullptr,
                                                  out.data<T>()};
        PoolRecord<T, PoolKernel::avg_backward>::run(r);
        emit_pool(r);
    });
    if (!should_record(grad)) return out;
    return record(
        Op::avg_pool2d_backward, out, {grad},
        [kernel_size, stride, padding, count_include_pad](const Tensor& grad_out, const Tensor&) {
            return Grads{avg_pool2d(grad_out, kernel_size, stride, padding, count_include_pad)};
        });
}

}  // namespace potatolemon
