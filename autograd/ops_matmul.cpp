// Dimension letters: M rows of the result, N its columns, K the inner (summed) dim.
#include "autograd/ops_matmul.hpp"

#include <algorithm>
#include <string>

#include "autograd/capture.hpp"
#include "autograd/factories.hpp"
#include "autograd/kernels/gemm.hpp"
#include "autograd/ops_elementwise.hpp"
#include "autograd/ops_reduce.hpp"
#include "autograd/ops_shape.hpp"
#include "autograd/tape.hpp"

namespace potatolemon {

namespace {
Shape batch_of(const Shape& shape) {
    Shape batch;
    for (int d = 0; d + 2 < shape.rank(); ++d) batch.push_back(shape[d]);
    return batch;
}

std::string describe(const Tensor& t, bool transposed) {
    return to_string(t.shape()) + (transposed ? "ᵀ" : "");
}

// One gemm on raw buffers, as a replay record: C = op(A) op(B) for rank-2 operands, its arguments
// checked once.
template <class T>
struct GemmRecord {
    static constexpr const char* name = "matmul";
    kernels::GemmCall<T> call;
    static void run(const GemmRecord& r) { r.call.run(); }
};

// One gemm per matrix of C over the broadcast batch dims, as a replay record.
template <class T>
struct BatchedGemmRecord {
    static constexpr const char* name = "matmul";
    Shape batch, ba, bb;  // the broadcast batch and each operand's own batch dims
    bool ta, tb;
    std::int64_t M, N, K;
    const T *pa, *pb;
    T* pc;
    static void run(const BatchedGemmRecord& r) {
        // Matrix strides of each operand seen from the broadcast batch (0 along broadcast dims).
        auto stride_a = contiguous_strides(r.ba), stride_b = contiguous_strides(r.bb);
        const Shape& batch = r.batch;
        for (std::int64_t i = 0, count = batch.numel(); i < count; ++i) {
            std::int64_t ia = 0, ib = 0, rest = i;
            for (int d = batch.rank() - 1; d >= 0; --d) {
                std::int64_t coord = rest % batch[d];
                rest /= batch[d];
                int da = d - (batch.rank() - r.ba.rank()), db = d - (batch.rank() - r.bb.rank());
                if (da >= 0 && r.ba[da] != 1) ia += coord * stride_a[da];
                if (db >= 0 && r.bb[db] != 1) ib += coord * stride_b[db];
            }
            kernels::gemm<T>(r.ta, r.tb, r.M, r.N, r.K, r.pa + ia * r.M * r.K, r.ta ? r.M : r.K,
                             r.pb + ib * r.K * r.N, r.tb ? r.K : r.N, r.pc + i * r.M * r.N, r.N);
        }
    }
};

// C[batch, M, N] = op(A) op(B) over broadcast batch dims, one gemm per matrix of C.
Tensor batched_gemm(const Tensor& a, const Tensor& b, bool ta, bool tb) {
    const Shape& sa = a.shape();
    const Shape& sb = b.shape();
    std::int64_t M = ta ? sa[sa.rank() - 1] : sa[sa.rank() - 2];
    std::int64_t Ka = ta ? sa[sa.rank() - 2] : sa[sa.rank() - 1];
    std::int64_t Kb = tb ? sb[sb.rank() - 1] : sb[sb.rank() - 2];
    std::int64_t N = tb ? sb[sb.rank() - 2] : sb[sb.rank() - 1];
    if (Ka != Kb)
        throw ShapeError("matmul: cannot multiply " + describe(a, ta) + " by " + describe(b, tb) +
                         " (inner dims " + std::to_string(Ka) + " != " + std::to_string(Kb) + ")");
    if (sa.rank() == 2 && sb.rank() == 2) {  // the common case, without the batch bookkeeping
        Tensor out = empty(Shape{M, N}, a.dtype());
        dispatch(a.dtype(), [&]<class T>() {
            GemmRecord<T> r{
                {ta, tb, M, N, Ka, a.data<T>(), sa[1], b.data<T>(), sb[1], out.data<T>(), N}};
            GemmRecord<T>::run(r);
            if (detail::capturing()) [[unlikely]]
                detail::capture_emit(r, {a.data<T>(), b.data<T>()}, {out.data<T>()});
        });
        return out;
    }
    Shape batch = broadcast_shapes(batch_of(sa), batch_of(sb), "matmul");
    Shape out_shape = batch;
    out_shape.push_back(M);
    out_shape.push_back(N);
    Tensor out = empty(out_shape, a.dtype());
    dispatch(a.dtype(), [&]<class T>() {
        BatchedGemmRecord<T> r{batch, batch_of(sa), batch_of(sb), ta,          tb,           M,
                               N,     Ka,           a.data<T>(),  b.data<T>(), out.data<T>()};
        BatchedGemmRecord<T>::run(r);
        if (detail::capturing()) [[unlikely]]
            detail::capture_emit(r, {r.pa, r.pb}, {r.pc});
    });
    return out;
}
}  // namespace

// C = op(A) op(B):  grad op(A) = G op(B)ᵀ,  grad op(B) = op(A)ᵀ G; a transposed operand takes the
// transpose of that, which is again one matmul with swapped flags.
Tensor matmul(const Tensor& a, const Tensor& b, bool ta, bool tb) {
    check_same_dtype(a, b, "matmul");
    if (a.dim() < 2 || b.dim() < 2)
        throw ShapeError("matmul: transposed form needs rank >= 2 operands, got " +
                         to_string(a.shape()) + " and " + to_string(b.shape()));
    Tensor out = batched_gemm(a, b, ta, tb);
    if (!should_record(a, b)) return out;
    return record(Op::matmul, std::move(out), {a, b},
                  [a, b, ta, tb](const Tensor& g, const Tensor&) {
                      Tensor grad_a, grad_b;
                      if (a.requires_grad())
                          grad_a = ta ? matmul(b, g, tb, true) : matmul(g, b, false, !tb);
                      if (b.requires_grad())
                          grad_b = tb ? matmul(g, a, true, ta) : matmul(a, g, !ta, false);
                      return Grads{grad_a.defined() ? sum_to(grad_a, a.shape()) : grad_a,
                                   grad_b.defined() ? sum_to(grad_b, b.shape()) : grad_b};
                  });
}

Tensor matmul(const Tensor& a, const Tensor& b) {
    check_same_dtype(a, b, "matmul");
    if (a.dim() == 0 || b.dim() == 0)
        throw ShapeError("matmul: needs rank >= 1 operands, got " + to_string(a.shape()) + " and " +
                         to_string(b.shape()));
    Tensor a2 = a.dim() == 1 ? unsqueeze(a, 0) : a;
    Tensor b2 = b.dim() == 1 ? unsqueeze(b, 1) : b;
    Tensor out = matmul(a2, b2, false, false);
    if (b.dim() == 1) out = squeeze(out, -1);
    if (a.dim() == 1) out = squeeze(out, b.dim() == 1 ? -1 : -2);
    return out;
}

namespace {
void check_linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
    check_same_dtype(x, weight, "linear");
    if (weight.dim() != 2 || x.dim() < 1 || x.shape()[x.dim() - 1] != weight.shape()[1])
        throw ShapeError("linear: input " + to_string(x.shape()) + " does not fit weight " +
                         to_string(weight.shape()) + " (expected [..., in] and [out, in])");
    if (!bias.defined()) return;
    check_same_dtype(x, bias, "linear");
    if (bias.shape() != Shape{weight.shape()[0]})
        throw ShapeError("linear: bias " + to_string(bias.shape()) + " does not fit weight " +
                         to_string(weight.shape()));
}

// out[N, out] = bias (broadcast over rows) + x[N, in] weightᵀ, in one output buffer; b may be null.
// Its own replay record.
template <class T>
struct LinearRecord {
    static constexpr const char* name = "linear";
    std::int64_t N, out_features;
    const T* b;
    T* o;
    kernels::GemmCall<T> product;  // accumulates onto the bias rows when there is a bias
    static void run(const LinearRecord& r) {
        if (r.b) {
            for (std::int64_t n = 0; n < r.N; ++n)  // rows of a few elements: no memcpy call
                for (std::int64_t j = 0; j < r.out_features; ++j)
                    r.o[n * r.out_features + j] = r.b[j];
        }
        r.product.run();
    }
};

Tensor linear_kernel(const Tensor& x, const Tensor& weight, const Tensor& bias) {
    std::int64_t N = x.shape()[0], in = x.shape()[1], out_features = weight.shape()[0];
    Tensor out = empty(Shape{N, out_features}, x.dtype());
    dispatch(x.dtype(), [&]<class T>() {
        const T* b = bias.defined() ? bias.data<T>() : nullptr;
        LinearRecord<T> r{N,
                          out_features,
                          b,
                          out.data<T>(),
                          {false, true, N, out_features, in, x.data<T>(), in, weight.data<T>(), in,
                           out.data<T>(), out_features, b != nullptr}};
        LinearRecord<T>::run(r);
        if (detail::capturing()) [[unlikely]]  // null b: not a buffer
            detail::capture_emit(r, {x.data<T>(), weight.data<T>(), b}, {r.o});
    });
    return out;
}
}  // namespace

// A primitive for speed (one entry and one buffer where matmul + add take two). For y = x Wᵀ + b:
// grad x = G W, grad W = Gᵀ x, grad b = G summed over rows; inputs of rank != 2 go through views.
Tensor linear(const Tensor& x, const Tensor& weight, const Tensor& bias) {
    check_linear(x, weight, bias);
    if (x.dim() != 2) {
        Shape out_shape = x.shape();
        out_shape[x.dim() - 1] = weight.shape()[0];
        // The leading dims multiplied, not numel / in_features: in_features may be 0.
        std::int64_t n_rows = 1;
        for (int d = 0; d + 1 < x.dim(); ++d) n_rows *= x.shape()[d];
        Tensor rows = view(x, Shape{n_rows, x.shape()[x.dim() - 1]});
        return view(linear(rows, weight, bias), out_shape);
    }
    Tensor out = linear_kernel(x, weight, bias);
    if (!should_record(x, weight, bias)) return out;
    SmallVector<Tensor, 3> inputs{x, weight};
    if (bias.defined()) inputs.push_back(bias);
    return record(Op::linear, std::move(out), std::move(inputs),
                  [x, weight, with_bias = bias.defined()](const Tensor& g, const Tensor&) {
                      Grads grads{x.requires_grad() ? matmul(g, weight, false, false) : Tensor(),
                                  weight.requires_grad() ? matmul(g, x, true, false) : Tensor()};
                      if (with_bias) grads.push_back(sum_to(g, Shape{g.shape()[1]}));
                      return grads;
                  });
}

}  // namespace potatolemon
