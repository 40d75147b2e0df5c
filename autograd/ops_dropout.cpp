// Dropout as one primitive: a single pass draws the mask and writes the output (a composite
// x * mask would take a second pass over both), and the saved mask is the backward's factor.
#include "autograd/ops_dropout.hpp"

#include <bit>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <type_traits>

#include "autograd/capture.hpp"
#include "autograd/elementwise_kernels.hpp"
#include "autograd/factories.hpp"
#include "autograd/ops_elementwise.hpp"
#include "autograd/tape.hpp"

namespace potatolemon {

namespace {
// out = x * mask, mask_i = 1 / (1 - p) where the element's draw keeps it, else 0; 0 <= p < 1.
// The draws run in element order on the calling thread, so the mask depends on the generator
// alone. uniform_float() is k 2^-24 for the top 24 bits k of next_u64(), so u >= p exactly when
// k >= ceil(p 2^24): the documented rule, compared in integers.
template <class T, bool kSaveMask>
void dropout_kernel(const T* x, T* out, T* mask, std::int64_t n, double p, Generator& gen) {
    const auto threshold = static_cast<std::uint64_t>(std::ceil(std::ldexp(p, 24)));
    // The factor is scale's bits ANDed with all ones or all zeros: compilers turn a select (or a
    // product by the comparison) into a branch, which mispredicts at random (2x the time).
    using Bits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
    const Bits scale_bits = std::bit_cast<Bits>(static_cast<T>(1 / (1 - p)));
    Generator local = gen;  // a local copy stays in registers through the loop
    for (std::int64_t i = 0; i < n; ++i) {
        Bits keep = Bits(0) - Bits((local.next_u64() >> 40) >= threshold);
        T factor = std::bit_cast<T>(scale_bits & keep);
        out[i] = x[i] * factor;
        if constexpr (kSaveMask) mask[i] = factor;
    }
    gen = local;
}

// dropout_kernel as a replay record: the generator is read and advanced where it lives, so each
// replay draws a new mask, the one eager would draw from the same state.
template <class T, bool kSaveMask>
struct DropoutRecord {
    static constexpr const char* name = "dropout";
    const T* x;
    T* out;
    T* mask;
    std::int64_t n;
    double p;
    Generator* gen;
    static void run(const DropoutRecord& r) {
        dropout_kernel<T, kSaveMask>(r.x, r.out, r.mask, r.n, r.p, *r.gen);
    }
};

template <class T, bool kSaveMask>
void run_dropout(const Tensor& x, const Tensor& out, const Tensor& mask, double p, Generator& gen) {
    DropoutRecord<T, kSaveMask> r{
        x.data<T>(), out.data<T>(), kSaveMask ? mask.data<T>() : nullptr, x.numel(), p, &gen};
    DropoutRecord<T, kSaveMask>::run(r);
    if (detail::capturing()) [[unlikely]]
        detail::capture_emit(r, {r.x}, {r.out, r.mask});
}

void check_probability(const Tensor& x, double p) {
    if (p >= 0 && p <= 1) return;
    std::ostringstream message;
    message << "dropout: probability must be in [0, 1], got " << p << " for input "
            << to_string(x.shape());
    throw ShapeError(message.str());
}
}  // namespace

Tensor dropout(const Tensor& x, double p, bool training, Generator& gen) {
    check_floating(x, "dropout");
    check_probability(x, p);
    if (!training || p == 0) return x;
    bool recording = should_record(x);
    Tensor out, mask;
    if (p == 1) {  // as PyTorch, x * 0: NaN and inf stay NaN
        out = detail::map_unary(x, [](auto v) { return v * decltype(v)(0); });
        mask = zeros_like(x);
    } else {
        out = empty(x.shape(), x.dtype());
        if (recording) mask = empty(x.shape(), x.dtype());
        GeneratorGuard lock(gen);
        dispatch(x.dtype(), [&]<class T>() {
            if (recording)
                run_dropout<T, true>(x, out, mask, p, gen);
            else
                run_dropout<T, false>(x, out, mask, p, gen);
        });
    }
    if (!recording) return out;
    return record(Op::dropout, std::move(out), {x},
                  [mask](const Tensor& grad_out, const Tensor&) { return Grads{grad_out * mask}; });
}

}  // namespace potatolemon
