// Dropout as one primitive: a single pass draws the mask and writes the output (a composite
// x * mask would take a second pass over both), and the saved mask is the backward's factor.
#include "autograd/ops_dropout.hpp"

#include <sstream>

#include "autograd/factories.hpp"
#include "autograd/ops_elementwise.hpp"
#include "autograd/tape.hpp"

namespace potatolemon {

namespace {
// out = x * mask, mask_i = scale where the element's draw keeps it, else 0. The draws run in
// element order on the calling thread, so the mask depends on the generator alone. `mask` may be
// undefined when nothing will record it.
template <class T>
void dropout_kernel(const Tensor& x, Tensor& out, Tensor& mask, double p, Generator& gen) {
    const T* src = x.data<T>();
    T* dst = out.data<T>();
    T* m = mask.defined() ? mask.data<T>() : nullptr;
    const T scale = p == 1 ? T(0) : static_cast<T>(1 / (1 - p));
    for (std::int64_t i = 0, n = x.numel(); i < n; ++i) {
        T factor = p == 1 || gen.uniform_float() < p ? T(0) : scale;
        dst[i] = src[i] * factor;
        if (m) m[i] = factor;
    }
}
}  // namespace

Tensor dropout(const Tensor& x, double p, bool training, Generator& gen) {
    check_floating(x, "dropout");
    if (!(p >= 0 && p <= 1)) {
        std::ostringstream message;
        message << "dropout: probability must be in [0, 1], got " << p << " for input "
                << to_string(x.shape());
        throw ShapeError(message.str());
    }
    if (!training || p == 0) return x;
    bool recording = should_record(x);
    Tensor out = empty(x.shape(), x.dtype());
    Tensor mask = recording ? empty(x.shape(), x.dtype()) : Tensor();
    dispatch(x.dtype(), [&]<class T>() { dropout_kernel<T>(x, out, mask, p, gen); });
    if (!recording) return out;
    return record(Op::dropout, out, {x},
                  [mask](const Tensor& grad_out, const Tensor&) { return Grads{grad_out * mask}; });
}

}  // namespace potatolemon
