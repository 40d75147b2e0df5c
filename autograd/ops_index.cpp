#include "autograd/ops_index.hpp"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <string>

#include "autograd/capture.hpp"
#include "autograd/factories.hpp"
#include "autograd/ops_shape.hpp"
#include "autograd/tape.hpp"

namespace potatolemon {

namespace {
// Tensors seen as (outer, rows, inner) around one dim: row k of every outer block moves at once.
struct Rows {
    std::int64_t outer = 1, inner = 1;
};
struct Identity {
    std::int64_t operator()(std::int64_t k) const { return k; }
};
struct Offset {
    std::int64_t start;
    std::int64_t operator()(std::int64_t k) const { return start + k; }
};
struct Indexed {
    const std::int64_t* idx;
    std::int64_t operator()(std::int64_t k) const { return idx[k]; }
};
Rows rows_around(const Shape& shape, int dim) {
    Rows r;
    for (int d = 0; d < shape.rank(); ++d) (d < dim ? r.outer : r.inner) *= d == dim ? 1 : shape[d];
    return r;
}

// dst row place(k) ← src row pick(k), for k < count, in each of `outer` blocks. Rows move as
// bytes, so any dtype. A replay record: Pick and Place are plain functors (a slice's range, a
// pointer to the index).
template <class Pick, class Place>
struct CopyRowsRecord {
    static constexpr const char* name = "copy_rows";
    std::int64_t outer, count, src_rows, dst_rows;
    std::size_t row_bytes;
    const char* s;
    char* d;
    Pick pick;
    Place place;
    static void run(const CopyRowsRecord& r) {
        for (std::int64_t o = 0; o < r.outer; ++o)
            for (std::int64_t k = 0; k < r.count; ++k)
                std::memcpy(r.d + (o * r.dst_rows + r.place(k)) * r.row_bytes,
                            r.s + (o * r.src_rows + r.pick(k)) * r.row_bytes, r.row_bytes);
    }
};

// dst row place(k) += src row k, for k < src_rows (repeated places accumulate); a replay record.
template <class T, class Place>
struct AddRowsRecord {
    static constexpr const char* name = "add_rows";
    std::int64_t outer, src_rows, dst_rows, inner;
    const T* s;
    T* d;
    Place place;
    static void run(const AddRowsRecord& r) {
        for (std::int64_t o = 0; o < r.outer; ++o)
            for (std::int64_t k = 0; k < r.src_rows; ++k) {
                const T* from = r.s + (o * r.src_rows + k) * r.inner;
                T* to = r.d + (o * r.dst_rows + r.place(k)) * r.inner;
                for (std::int64_t i = 0; i < r.inner; ++i) to[i] += from[i];
            }
    }
};

// `index` is the buffer pick or place reads, if any: a replay must find it written.
template <class Pick, class Place>
void copy_rows(const Tensor& src, Tensor& dst, int dim, std::int64_t count, Pick pick, Place place,
               const std::int64_t* index = nullptr) {
    Rows r = rows_around(src.shape(), dim);
    CopyRowsRecord<Pick, Place> record{r.outer,
                                       count,
                                       src.shape()[dim],
                                       dst.shape()[dim],
                                       dtype_size(src.dtype()) * static_cast<std::size_t>(r.inner),
                                       static_cast<const char*>(src.impl()->data),
                                       static_cast<char*>(dst.impl()->data),
                                       pick,
                                       place};
    CopyRowsRecord<Pick, Place>::run(record);
    if (detail::capturing()) [[unlikely]]
        detail::capture_emit(record, {record.s, index}, {record.d});
}
// dst row k ← src row pick(k), for every row k of dst.
template <class Pick>
void gather_rows(const Tensor& src, Tensor& dst, int dim, Pick pick,
                 const std::int64_t* index = nullptr) {
    copy_rows(src, dst, dim, dst.shape()[dim], pick, Identity{}, index);
}

template <class Place>
void add_rows(const Tensor& src, Tensor& dst, int dim, Place place,
              const std::int64_t* index = nullptr) {
    Rows r = rows_around(src.shape(), dim);
    dispatch(src.dtype(), [&]<class T>() {
        AddRowsRecord<T, Place> record{r.outer, src.shape()[dim], dst.shape()[dim],
                                       r.inner, src.data<T>(),    dst.data<T>(),
                                       place};
        // Checked before the run: it reads dst (a fresh fill of zeros, say) before changing it.
        if (detail::capturing()) [[unlikely]]
            detail::capture_emit(record, {record.s, record.d, index}, {record.d});
        AddRowsRecord<T, Place>::run(record);
    });
}

Tensor copy_of(const Tensor& x) {
    Tensor out = empty(x.shape(), x.dtype());
    detail::copy_data(x, out);
    return out;
}

struct SliceRange {
    std::int64_t start, count, step;
    std::int64_t operator()(std::int64_t k) const { return start + k * step; }
};

SliceRange slice_range(std::int64_t size, std::int64_t start, std::int64_t end, std::int64_t step,
                       const char* op) {
    if (step < 1)
        throw IndexError(std::string(op) + ": step must be >= 1, got " + std::to_string(step));
    auto clamp_index = [size](std::int64_t i) {
        return std::clamp(i < 0 ? i + size : i, std::int64_t(0), size);
    };
    start = clamp_index(start);
    end = clamp_index(end);
    return {start, end > start ? (end - start + step - 1) / step : 0, step};
}

void check_index(const Tensor& index, const char* op) {
    check_defined(index, op);
    if (index.dtype() != Dtype::int64)
        throw DtypeError(std::string(op) + ": index must be int64, got " +
                         dtype_name(index.dtype()) + " " + to_string(index.shape()));
}

// The n indices at p must lie in [0, x_shape[dim]).
void check_index_values(const std::int64_t* p, std::int64_t n, const Shape& x_shape, int dim,
                        const char* op) {
    const std::int64_t size = x_shape[dim];
    for (std::int64_t i = 0; i < n; ++i)
        if (p[i] < 0 || p[i] >= size)
            throw IndexError(std::string(op) + ": index " + std::to_string(p[i]) +
                             " out of range for dim " + std::to_string(dim) + " of size " +
                             std::to_string(size) + " (input " + to_string(x_shape) + ")");
}
void check_index_values(const Tensor& index, const Tensor& x, int dim, const char* op) {
    check_index_values(index.data<std::int64_t>(), index.numel(), x.shape(), dim, op);
}
}  // namespace

Tensor slice(const Tensor& x, std::int64_t dim, std::int64_t start, std::int64_t end,
             std::int64_t step) {
    check_defined(x, "slice");
    int d = normalize_dim(dim, x.dim(), "slice");
    SliceRange r = slice_range(x.shape()[d], start, end, step, "slice");
    Shape shape = x.shape();
    shape[d] = r.count;
    Tensor out = empty(shape, x.dtype());
    gather_rows(x, out, d, r);
    if (!should_record(x)) return out;
    return record(
        Op::slice, out, {x}, [in_shape = x.shape(), d, r](const Tensor& grad_out, const Tensor&) {
            return Grads{slice_backward(grad_out, in_shape, d, r.start, r(r.count), r.step)};
        });
}

Tensor slice_backward(const Tensor& grad, const Shape& input_shape, std::int64_t dim,
                      std::int64_t start, std::int64_t end, std::int64_t step) {
    check_floating(grad, "slice_backward");
    int d = normalize_dim(dim, input_shape.rank(), "slice_backward");
    SliceRange r = slice_range(input_shape[d], start, end, step, "slice_backward");
    Shape expected = input_shape;
    expected[d] = r.count;
    if (grad.shape() != expected)
        throw ShapeError("slice_backward: gradient " + to_string(grad.shape()) +
                         " does not match the slice " + to_string(expected) + " of " +
                         to_string(input_shape));
    Tensor out = zeros(input_shape, grad.dtype());
    add_rows(grad, out, d, r);
    if (!should_record(grad)) return out;
    return record(Op::slice_backward, std::move(out), {grad},
                  [d, r](const Tensor& grad_out, const Tensor&) {
                      return Grads{slice(grad_out, d, r.start, r(r.count), r.step)};
                  });
}

namespace {
// PyTorch's rank-0 rule for the index ops: x is one row of size 1 and the result has rank 0 (index
// and source have rank 0 or 1). Each runs the op on [1]-shaped views, which carry the gradient.
Tensor index_add_rank0(const Tensor& x, const Tensor& index, const Tensor& source) {
    if (index.dim() > 1 || source.dim() > 1 || source.numel() != index.numel())
        throw ShapeError("index_add: source " + to_string(source.shape()) + " and index " +
                         to_string(index.shape()) + " do not fit input " + to_string(x.shape()));
    Shape n{index.numel()};
    return view(index_add(view(x, Shape{1}), 0, view(index, n), view(source, n)), Shape{});
}
Tensor gather_rank0(const Tensor& x, const Tensor& index) {
    if (index.dim() > 1)
        throw ShapeError("gather: index " + to_string(index.shape()) +
                         " has more dims than input " + to_string(x.shape()));
    return view(gather(view(x, Shape{1}), 0, view(index, Shape{index.numel()})), index.shape());
}
// index and src have one shape at every rank here (PyTorch lets src be larger).
Tensor scatter_add_rank0(const Tensor& x, const Tensor& index, const Tensor& src) {
    if (index.dim() > 1 || index.shape() != src.shape())
        throw ShapeError("scatter_add: index " + to_string(index.shape()) + " and src " +
                         to_string(src.shape()) + " do not fit input " + to_string(x.shape()));
    Shape n{index.numel()};
    return view(scatter_add(view(x, Shape{1}), 0, view(index, n), view(src, n)), Shape{});
}
}  // namespace

Tensor index_select(const Tensor& x, std::int64_t dim, const Tensor& index) {
    check_defined(x, "index_select");
    check_index(index, "index_select");
    int d = normalize_dim_or_scalar(dim, x.dim(), "index_select");
    if (x.dim() == 0) {
        // PyTorch 1.13 writes each index's value into its one-element result (past its end for
        // two indices, nothing for none), so one index is the only case it defines.
        if (index.dim() > 1 || index.numel() != 1)
            throw ShapeError("index_select: a rank-0 input takes one index, got index " +
                             to_string(index.shape()));
        return view(index_select(view(x, Shape{1}), 0, view(index, Shape{1})), Shape{});
    }
    if (index.dim() != 1)
        throw ShapeError("index_select: index must be 1-D, got " + to_string(index.shape()));
    check_index_values(index, x, d, "index_select");
    Shape shape = x.shape();
    shape[d] = index.numel();
    Tensor out = empty(shape, x.dtype());
    const std::int64_t* idx = index.data<std::int64_t>();
    gather_rows(x, out, d, Indexed{idx}, idx);
    if (!should_record(x)) return out;
    return record(Op::index_select, std::move(out), {x},
                  [x, d, index](const Tensor& grad_out, const Tensor&) {
                      return Grads{index_add(zeros_like(x), d, index, grad_out)};
                  });
}

Tensor index_add(const Tensor& x, std::int64_t dim, const Tensor& index, const Tensor& source) {
    check_same_dtype(x, source, "index_add");
    check_index(index, "index_add");
    int d = normalize_dim_or_scalar(dim, x.dim(), "index_add");
    if (x.dim() == 0) return index_add_rank0(x, index, source);
    Shape expected = x.shape();
    if (index.dim() == 1) expected[d] = index.numel();
    if (index.dim() != 1 || source.shape() != expected)
        throw ShapeError("index_add: source " + to_string(source.shape()) + " and index " +
                         to_string(index.shape()) + " do not fit input " + to_string(x.shape()) +
                         " along dim " + std::to_string(d));
    check_index_values(index, x, d, "index_add");
    Tensor out = copy_of(x);
    const std::int64_t* idx = index.data<std::int64_t>();
    add_rows(source, out, d, Indexed{idx}, idx);
    if (!should_record(x, source)) return out;
    return record(Op::index_add, std::move(out), {x, source},
                  [d, index](const Tensor& grad_out, const Tensor&) {
                      return Grads{grad_out, index_select(grad_out, d, index)};
                  });
}

// A composite of index_select (which already accumulates repeated rows in its backward) and a
// view: two tape entries, the rows copied once.
Tensor embedding(const Tensor& weight, const Tensor& indices) {
    check_floating(weight, "embedding");
    check_index(indices, "embedding");
    if (weight.dim() != 2)
        throw ShapeError("embedding: weight must be [V, D], got " + to_string(weight.shape()));
    if (indices.dim() >= Shape::kMaxRank)
        throw ShapeError("embedding: indices " + to_string(indices.shape()) +
                         " leave no room for " + "the embedding dim (rank limit " +
                         std::to_string(Shape::kMaxRank) + ")");
    std::int64_t rows = weight.shape()[0];
    const std::int64_t* p = indices.data<std::int64_t>();
    for (std::int64_t i = 0, n = indices.numel(); i < n; ++i)
        if (p[i] < 0 || p[i] >= rows)
            throw IndexError("embedding: index " + std::to_string(p[i]) + " (entry " +
                             std::to_string(i) + " of indices " + to_string(indices.shape()) +
                             ") out of range for " + std::to_string(rows) + " embeddings (weight " +
                             to_string(weight.shape()) + ")");
    Tensor flat(detail::TensorImpl::view_of(indices.impl(), Shape{indices.numel()}));
    Shape shape = indices.shape();
    shape.push_back(weight.shape()[1]);
    return view(index_select(weight, 0, flat), shape);
}

namespace {
// Checks index against x for gather/scatter_add, then calls f(i, offset) for every entry i of
// index, where offset is x's element that entry addresses along dim.
template <class F>
void for_each_indexed(const Shape& x_shape, int dim, const Shape& shape, const std::int64_t* idx,
                      const char* op, F f) {
    bool fits = shape.rank() == x_shape.rank();
    for (int d = 0; fits && d < x_shape.rank(); ++d) fits = d == dim || shape[d] <= x_shape[d];
    if (!fits)
        throw ShapeError(std::string(op) + ": index " + to_string(shape) + " does not fit input " +
                         to_string(x_shape) + " along dim " + std::to_string(dim));
    check_index_values(idx, shape.numel(), x_shape, dim, op);
    auto x_strides = contiguous_strides(x_shape);
    std::array<std::int64_t, Shape::kMaxRank> pos{};
    std::int64_t base = 0;  // offset in x of pos with the dim coordinate at 0
    for (std::int64_t i = 0, n = shape.numel(); i < n; ++i) {
        f(i, base + idx[i] * x_strides[dim]);
        for (int d = shape.rank() - 1; d >= 0; --d) {
            std::int64_t step = d == dim ? 0 : x_strides[d];
            base += step;
            if (++pos[d] < shape[d]) break;
            base -= step * shape[d];
            pos[d] = 0;
        }
    }
}

// gather's and scatter_add's loops as replay records; the index is checked again at every run, as
// its values may change between replays.
template <class T, bool scatter>
struct IndexedRecord {
    static constexpr const char* name = scatter ? "scatter_add" : "gather";
    Shape x_shape, index_shape;
    int dim;
    const std::int64_t* idx;
    const T* src;
    T* out;
    static void run(const IndexedRecord& r) {
        const T* s = r.src;
        T* o = r.out;
        if constexpr (scatter)
            for_each_indexed(r.x_shape, r.dim, r.index_shape, r.idx, name,
                             [&](std::int64_t i, std::int64_t at) { o[at] += s[i]; });
        else
            for_each_indexed(r.x_shape, r.dim, r.index_shape, r.idx, name,
                             [&](std::int64_t i, std::int64_t at) { o[i] = s[at]; });
    }
};
}  // namespace

Tensor gather(const Tensor& x, std::int64_t dim, const Tensor& index) {
    check_defined(x, "gather");
    check_index(index, "gather");
    int d = normalize_dim_or_scalar(dim, x.dim(), "gather");
    if (x.dim() == 0) return gather_rank0(x, index);
    Tensor out = empty(index.shape(), x.dtype());
    dispatch_any(x.dtype(), [&]<class T>() {
        IndexedRecord<T, false> r{x.shape(),   index.shape(), d, index.data<std::int64_t>(),
                                  x.data<T>(), out.data<T>()};
        IndexedRecord<T, false>::run(r);
        if (detail::capturing()) [[unlikely]]
            detail::capture_emit(r, {r.idx, r.src}, {r.out});
    });
    if (!should_record(x)) return out;
    return record(Op::gather, std::move(out), {x},
                  [x, d, index](const Tensor& grad_out, const Tensor&) {
                      return Grads{scatter_add(zeros_like(x), d, index, grad_out)};
                  });
}

Tensor scatter_add(const Tensor& x, std::int64_t dim, const Tensor& index, const Tensor& src) {
    check_same_dtype(x, src, "scatter_add");
    check_index(index, "scatter_add");
    int d = normalize_dim_or_scalar(dim, x.dim(), "scatter_add");
    if (x.dim() == 0) return scatter_add_rank0(x, index, src);
    if (index.shape() != src.shape())
        throw ShapeError("scatter_add: index " + to_string(index.shape()) + " and src " +
                         to_string(src.shape()) + " must have the same shape");
    Tensor out = copy_of(x);
    dispatch(x.dtype(), [&]<class T>() {
        IndexedRecord<T, true> r{x.shape(),     index.shape(), d, index.data<std::int64_t>(),
                                 src.data<T>(), out.data<T>()};
        if (detail::capturing()) [[unlikely]]  // before the run, which changes what it reads
            detail::capture_emit(r, {r.idx, r.src, r.out}, {r.out});
        IndexedRecord<T, true>::run(r);
    });
    if (!should_record(x, src)) return out;
    return record(Op::scatter_add, std::move(out), {x, src},
                  [d, index](const Tensor& grad_out, const Tensor&) {
                      return Grads{grad_out, gather(grad_out, d, index)};
                  });
}

namespace {
// The dtype concat promotes its inputs to, after checking they are defined.
Dtype concat_dtype(const std::vector<Tensor>& xs) {
    check_defined(xs[0], "concat");
    Dtype dtype = xs[0].dtype();
    for (const Tensor& x : xs) {
        check_defined(x, "concat");
        dtype = promote_types(dtype, x.dtype());
    }
    return dtype;
}
}  // namespace

// Mixed dtypes are promoted as torch.cat does; between float32 and float64 the conversion is
// recorded, so the gradient reaches each input in its own dtype.
Tensor concat(const std::vector<Tensor>& xs, std::int64_t dim) {
    if (xs.empty()) throw ShapeError("concat: needs at least one tensor");
    // PyTorch's legacy rule: 1-D empty tensors ([0]) are left out of a concat of other shapes.
    auto skipped = [](const Tensor& x) { return x.defined() && x.dim() == 1 && x.shape()[0] == 0; };
    if (std::any_of(xs.begin(), xs.end(), skipped) && !std::all_of(xs.begin(), xs.end(), skipped)) {
        std::vector<Tensor> kept;
        std::copy_if(xs.begin(), xs.end(), std::back_inserter(kept),
                     [&](const Tensor& x) { return !skipped(x); });
        return concat(kept, dim);
    }
    for (std::size_t i = 0; i < xs.size(); ++i)
        if (xs[i].defined() && xs[i].dim() == 0)  // PyTorch's rule too, whatever the dim
            throw ShapeError("concat: the rank-0 tensor at position " + std::to_string(i) +
                             " cannot be concatenated (stack it, or unsqueeze it first)");
    Dtype dtype = concat_dtype(xs);
    int d = normalize_dim(dim, xs[0].dim(), "concat");
    Shape shape = xs[0].shape();
    shape[d] = 0;
    SmallVector<Tensor, 3> inputs;
    bool mixed = false;
    for (const Tensor& x : xs) {
        Shape expected = xs[0].shape();
        if (x.dim() == expected.rank()) expected[d] = x.shape()[d];
        if (x.shape() != expected)
            throw ShapeError("concat: shapes " + to_string(xs[0].shape()) + " and " +
                             to_string(x.shape()) + " differ outside dim " + std::to_string(d));
        if (__builtin_add_overflow(shape[d], x.shape()[d], &shape[d]))
            throw ShapeError("concat: the sizes of dim " + std::to_string(d) +
                             " add up past int64 (" + to_string(x.shape()) + ")");
        mixed = mixed || x.dtype() != dtype;
        inputs.push_back(x);
    }
    if (mixed) {
        std::vector<Tensor> promoted;
        for (const Tensor& x : xs) promoted.push_back(x.dtype() == dtype ? x : x.to(dtype));
        return concat(promoted, d);
    }
    Tensor out = empty(shape, dtype);
    std::vector<std::int64_t> bounds{0};  // input i fills rows bounds[i] .. bounds[i+1]
    for (const Tensor& x : xs) {
        std::int64_t start = bounds.back();
        copy_rows(x, out, d, x.shape()[d], Identity{}, Offset{start});
        bounds.push_back(start + x.shape()[d]);
    }
    return record(Op::concat, std::move(out), std::move(inputs),
                  [d, bounds](const Tensor& grad_out, const Tensor&) {
                      Grads grads;
                      for (std::size_t i = 0; i + 1 < bounds.size(); ++i)
                          grads.push_back(slice(grad_out, d, bounds[i], bounds[i + 1]));
                      return grads;
                  });
}

// A composite of unsqueeze and concat, so mixed dtypes promote as in concat.
Tensor stack(const std::vector<Tensor>& xs, std::int64_t dim) {
    if (xs.empty()) throw ShapeError("stack: needs at least one tensor");
    check_defined(xs[0], "stack");
    int d = normalize_dim(dim, xs[0].dim() + 1, "stack");
    std::vector<Tensor> expanded;
    for (const Tensor& x : xs) {
        check_defined(x, "stack");
        if (x.shape() != xs[0].shape())
            throw ShapeError("stack: shapes " + to_string(xs[0].shape()) + " and " +
                             to_string(x.shape()) + " differ");
        expanded.push_back(unsqueeze(x, d));
    }
    return concat(expanded, d);
}

}  // namespace potatolemon
