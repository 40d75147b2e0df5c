#include "autograd/ops_shape.hpp"

#include <algorithm>
#include <sstream>
#include <string>

#include "autograd/capture.hpp"
#include "autograd/elementwise_kernels.hpp"
#include "autograd/factories.hpp"
#include "autograd/ops_reduce.hpp"
#include "autograd/tape.hpp"

namespace potatolemon {

namespace {
Shape infer_shape(const Tensor& x, const std::vector<std::int64_t>& dims) {
    Shape shape;
    int inferred = -1;
    std::int64_t nonzero = 1;  // the given dims other than 0 multiplied, as Shape::numel checks
    bool empty = false;
    for (std::size_t i = 0; i < dims.size(); ++i) {
        if (dims[i] == -1 && inferred < 0) {
            inferred = static_cast<int>(i);
            shape.push_back(1);
            continue;
        }
        if (dims[i] < 0)
            throw ShapeError("reshape: invalid dim " + std::to_string(dims[i]) + " for " +
                             to_string(x.shape()));
        shape.push_back(dims[i]);
        empty = empty || dims[i] == 0;
        if (__builtin_mul_overflow(nonzero, dims[i] == 0 ? 1 : dims[i], &nonzero))
            throw ShapeError("reshape: the size of " + to_string(shape) + "... overflows int64");
    }
    std::int64_t known = empty ? 0 : nonzero;
    if (inferred >= 0) {
        if (known == 0 || x.numel() % known != 0)
            throw ShapeError("reshape: cannot infer -1 reshaping " + to_string(x.shape()));
        shape[inferred] = x.numel() / known;
    }
    return shape;
}
}  // namespace

Tensor view(const Tensor& x, const Shape& shape) {
    check_defined(x, "view");
    if (shape.numel() != x.numel())
        throw ShapeError("view: cannot view " + to_string(x.shape()) + " (" +
                         std::to_string(x.numel()) + " elements) to " + to_string(shape));
    Tensor out(detail::TensorImpl::view_of(x.impl(), shape));
    if (!should_record(x)) return out;
    return record(Op::reshape, std::move(out), {x},
                  [in_shape = x.shape()](const Tensor& grad_out, const Tensor&) {
                      return Grads{view(grad_out, in_shape)};
                  });
}

Tensor reshape(const Tensor& x, const std::vector<std::int64_t>& shape) {
    check_defined(x, "reshape");
    Shape to = infer_shape(x, shape);
    if (to.numel() != x.numel())
        throw ShapeError("reshape: cannot reshape " + to_string(x.shape()) + " (" +
                         std::to_string(x.numel()) + " elements) to " + to_string(to));
    return view(x, to);
}

Tensor flatten(const Tensor& x, std::int64_t start_dim, std::int64_t end_dim) {
    check_defined(x, "flatten");
    int start = normalize_dim_or_scalar(start_dim, x.dim(), "flatten");
    int end = normalize_dim_or_scalar(end_dim, x.dim(), "flatten");
    if (x.dim() == 0) return view(x, Shape{1});
    if (start > end)
        throw IndexError("flatten: start_dim " + std::to_string(start_dim) + " after end_dim " +
                         std::to_string(end_dim) + " for " + to_string(x.shape()));
    Shape shape;
    for (int d = 0; d < start; ++d) shape.push_back(x.shape()[d]);
    std::int64_t merged = 1;
    for (int d = start; d <= end; ++d) merged *= x.shape()[d];  // fits: see Shape::numel
    shape.push_back(merged);
    for (int d = end + 1; d < x.dim(); ++d) shape.push_back(x.shape()[d]);
    return view(x, shape);
}

Tensor squeeze(const Tensor& x) {
    check_defined(x, "squeeze");
    Shape shape;
    for (std::int64_t d : x.shape())
        if (d != 1) shape.push_back(d);
    return view(x, shape);
}

Tensor squeeze(const Tensor& x, std::int64_t dim) {
    check_defined(x, "squeeze");
    int d = normalize_dim_or_scalar(dim, x.dim(), "squeeze");
    if (x.dim() == 0 || x.shape()[d] != 1) return x;
    Shape shape = x.shape();
    shape.erase(d);
    return view(x, shape);
}

Tensor unsqueeze(const Tensor& x, std::int64_t dim) {
    check_defined(x, "unsqueeze");
    int d = normalize_dim(dim, x.dim() + 1, "unsqueeze");
    Shape shape = x.shape();
    shape.insert(d, 1);
    return view(x, shape);
}

namespace {
std::vector<int> check_permutation(const Tensor& x, const std::vector<std::int64_t>& dims) {
    if (static_cast<int>(dims.size()) != x.dim())
        throw IndexError("permute: " + std::to_string(dims.size()) + " dims given for " +
                         to_string(x.shape()));
    std::vector<int> perm;
    std::vector<bool> seen(dims.size());
    for (std::int64_t d : dims) {
        int n = normalize_dim(d, x.dim(), "permute");
        if (seen[n])
            throw IndexError("permute: dim " + std::to_string(d) + " repeated for " +
                             to_string(x.shape()));
        seen[n] = true;
        perm.push_back(n);
    }
    return perm;
}

// permute's copy as a replay record: out[i] = x at the input offset of output index i.
template <class T>
struct PermuteRecord {
    static constexpr const char* name = "permute";
    Shape shape;                                        // of the output
    std::array<std::int64_t, Shape::kMaxRank> strides;  // input stride of each output dim
    const T* src;
    T* dst;
    static void run(const PermuteRecord& r) {
        std::array<std::int64_t, Shape::kMaxRank> index{};
        std::int64_t offset = 0;
        for (std::int64_t i = 0, n = r.shape.numel(); i < n; ++i) {
            r.dst[i] = r.src[offset];
            for (int d = r.shape.rank() - 1; d >= 0; --d) {
                offset += r.strides[d];
                if (++index[d] < r.shape[d]) break;
                offset -= r.strides[d] * r.shape[d];
                index[d] = 0;
            }
        }
    }
};

Tensor permute_kernel(const Tensor& x, const std::vector<int>& perm) {
    Shape shape;
    for (int p : perm) shape.push_back(x.shape()[p]);
    Tensor out = empty(shape, x.dtype());
    auto in_strides = contiguous_strides(x.shape());
    std::array<std::int64_t, Shape::kMaxRank> strides{};  // input stride of each output dim
    for (std::size_t i = 0; i < perm.size(); ++i) strides[i] = in_strides[perm[i]];
    dispatch_any(x.dtype(), [&]<class T>() {
        PermuteRecord<T> r{shape, strides, x.data<T>(), out.data<T>()};
        PermuteRecord<T>::run(r);
        if (detail::capturing()) [[unlikely]]
            detail::capture_emit(r, {r.src}, {r.dst});
    });
    return out;
}
}  // namespace

Tensor permute(const Tensor& x, const std::vector<std::int64_t>& dims) {
    check_defined(x, "permute");
    std::vector<int> perm = check_permutation(x, dims);
    std::vector<std::int64_t> inverse(perm.size());
    for (std::size_t i = 0; i < perm.size(); ++i) inverse[perm[i]] = static_cast<std::int64_t>(i);
    Tensor out = permute_kernel(x, perm);
    if (!should_record(x)) return out;
    return record(Op::permute, std::move(out), {x},
                  [inverse](const Tensor& grad_out, const Tensor&) {
                      return Grads{permute(grad_out, inverse)};
                  });
}

Tensor transpose(const Tensor& x, std::int64_t dim0, std::int64_t dim1) {
    check_defined(x, "transpose");
    int a = normalize_dim_or_scalar(dim0, x.dim(), "transpose");
    int b = normalize_dim_or_scalar(dim1, x.dim(), "transpose");
    if (x.dim() == 0) return permute(x, {});
    std::vector<std::int64_t> dims(x.dim());
    for (int d = 0; d < x.dim(); ++d) dims[d] = d;
    std::swap(dims[a], dims[b]);
    return permute(x, dims);
}

Tensor mT(const Tensor& x) {
    check_defined(x, "mT");
    if (x.dim() < 2) throw ShapeError("mT: needs rank >= 2, got " + to_string(x.shape()));
    return transpose(x, -2, -1);
}

Tensor expand(const Tensor& x, const Shape& shape) {
    check_defined(x, "expand");
    if (x.dim() > shape.rank() || broadcast_shapes(x.shape(), shape, "expand") != shape)
        throw ShapeError("expand: cannot expand " + to_string(x.shape()) + " to " +
                         to_string(shape));
    if (x.shape() == shape) return x;
    // The binary map of x against itself: its broadcasting walk, with no second tensor to allocate.
    Tensor out = detail::map_binary_to(x, x, shape, x.dtype(), [](auto v, auto) { return v; });
    if (!should_record(x)) return out;
    return record(Op::expand, std::move(out), {x},
                  [in_shape = x.shape()](const Tensor& grad_out, const Tensor&) {
                      return Grads{sum_to(grad_out, in_shape)};
                  });
}

namespace {
// Per dim of x: where the part of x that pad keeps starts in x and in the result, and its length.
struct PadBox {
    std::array<std::int64_t, Shape::kMaxRank> from{}, to{}, count{};
};

// The padded shape of x, after checking pads (see pad in ops_shape.hpp); fills `box`. `strict`:
// PyTorch's rule that, when any pad is positive, no dim named by pads may come out empty (the
// backward, cropping back what was added, is not held to it).
Shape padded_shape(const Tensor& x, const std::vector<std::int64_t>& pads, PadBox& box,
                   bool strict) {
    if (pads.size() % 2 != 0 || pads.size() / 2 > static_cast<std::size_t>(x.dim()))
        throw ShapeError("pad: " + std::to_string(pads.size()) + " pads for " +
                         to_string(x.shape()) +
                         "; give (before, after) pairs, at most one per dim");
    Shape shape = x.shape();
    for (int d = 0; d < x.dim(); ++d) box.count[d] = shape[d];
    for (std::size_t i = 0; i < pads.size() / 2; ++i) {
        int d = x.dim() - 1 - static_cast<int>(i);
        std::int64_t in = shape[d], before = pads[2 * i], after = pads[2 * i + 1];
        std::int64_t kept = in + std::min<std::int64_t>(before, 0);  // after the front crop
        std::int64_t size;
        if (before < -in || after < -kept || __builtin_add_overflow(in, before, &size) ||
            __builtin_add_overflow(size, after, &size))
            throw ShapeError("pad: pads (" + std::to_string(before) + ", " + std::to_string(after) +
                             ") do not fit dim " + std::to_string(d) + " of " +
                             to_string(x.shape()));
        box.from[d] = std::max<std::int64_t>(-before, 0);
        box.to[d] = std::max<std::int64_t>(before, 0);
        box.count[d] = std::min(kept, size - box.to[d]);
        shape[d] = size;
    }
    std::int64_t count = 1;
    for (std::int64_t d : shape)
        if (__builtin_mul_overflow(count, d, &count))
            throw ShapeError("pad: " + to_string(x.shape()) + " padded to " + to_string(shape) +
                             " has more elements than int64 counts");
    bool grows = std::any_of(pads.begin(), pads.end(), [](std::int64_t p) { return p > 0; });
    for (std::size_t i = 0; strict && grows && i < pads.size() / 2; ++i)
        if (int d = x.dim() - 1 - static_cast<int>(i); shape[d] == 0)
            throw ShapeError("pad: pads (" + std::to_string(pads[2 * i]) + ", " +
                             std::to_string(pads[2 * i + 1]) + ") leave dim " + std::to_string(d) +
                             " of " + to_string(x.shape()) +
                             " empty while other dims grow (PyTorch rejects this)");
    return shape;
}

// Copies x's kept box into out, one run of the last dim at a time; a replay record (the rest of
// out keeps the pad value it was filled with).
template <class T>
struct PadCopyRecord {
    static constexpr const char* name = "pad";
    PadBox box;
    Shape in_shape, out_shape;
    const T* src;
    T* dst;
    static void run(const PadCopyRecord& r) {
        int rank = r.in_shape.rank();
        if (rank == 0) {
            *r.dst = *r.src;
            return;
        }
        std::int64_t rows = 1;
        for (int d = 0; d < rank; ++d) rows *= r.box.count[d];
        if (rows == 0) return;
        rows /= r.box.count[rank - 1];
        auto in_strides = contiguous_strides(r.in_shape);
        auto out_strides = contiguous_strides(r.out_shape);
        std::array<std::int64_t, Shape::kMaxRank> pos{};
        for (std::int64_t row = 0; row < rows; ++row) {
            std::int64_t from = 0, to = 0;
            for (int d = 0; d < rank; ++d) {
                from += (r.box.from[d] + pos[d]) * in_strides[d];
                to += (r.box.to[d] + pos[d]) * out_strides[d];
            }
            std::copy_n(r.src + from, r.box.count[rank - 1], r.dst + to);
            for (int d = rank - 2; d >= 0 && ++pos[d] == r.box.count[d]; --d) pos[d] = 0;
        }
    }
};

void pad_copy(const Tensor& x, Tensor& out, const PadBox& box) {
    dispatch_any(x.dtype(), [&]<class T>() {
        PadCopyRecord<T> r{box, x.shape(), out.shape(), x.data<T>(), out.data<T>()};
        PadCopyRecord<T>::run(r);
        if (detail::capturing()) [[unlikely]]
            detail::capture_emit(r, {r.src}, {r.dst});
    });
}
// PyTorch refuses a pad value outside [-2^63, 2^63] for int64 (NaN too) rather than wrapping it;
// 2^63 itself passes its check and becomes INT64_MIN, as value_cast makes it here.
void check_pad_value(const Tensor& x, double value) {
    constexpr double limit = 9223372036854775808.0;  // 2^63, exact in a double
    if (x.dtype() != Dtype::int64 || (value >= -limit && value <= limit)) return;
    std::ostringstream message;
    message << "pad: value " << value << " cannot be converted to int64 without overflow (input "
            << to_string(x.shape()) << ")";
    throw DtypeError(message.str());
}

// pad is linear in x: its backward pads the gradient by the negated pads, cropping what was added
// and restoring what was cropped with zeros. `strict` applies PyTorch's refusal of a named dim left
// empty beside a positive pad, which the gradient's crop must not meet.
Tensor pad(const Tensor& x, const std::vector<std::int64_t>& pads, double value, bool strict) {
    check_defined(x, "pad");
    check_pad_value(x, value);
    PadBox box;
    Tensor out = full(padded_shape(x, pads, box, strict), value, x.dtype());
    pad_copy(x, out, box);
    if (!should_record(x)) return out;
    return record(Op::pad, std::move(out), {x}, [pads](const Tensor& grad_out, const Tensor&) {
        std::vector<std::int64_t> negated;
        for (std::int64_t p : pads) negated.push_back(-p);
        return Grads{pad(grad_out, negated, 0, false)};
    });
}
}  // namespace

Tensor pad(const Tensor& x, const std::vector<std::int64_t>& pads, double value) {
    return pad(x, pads, value, true);
}

}  // namespace potatolemon
