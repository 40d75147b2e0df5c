// dtype conversion (Tensor::to) and clone: a copy whose gradient is converted back when both dtypes
// are floating; conversions from or to int64 and bool are not recorded.
#include <algorithm>

#include "autograd/factories.hpp"
#include "autograd/tape.hpp"

namespace potatolemon {

Tensor Tensor::to(Dtype target) const {
    check_defined(*this, "to");
    Tensor out = empty(shape(), target);
    dispatch_any(dtype(), [&]<class From>() {
        dispatch_any(target, [&]<class To>() {
            std::transform(data<From>(), data<From>() + numel(), out.data<To>(),
                           [](From v) { return value_cast<To>(v); });
        });
    });
    if (!is_floating(dtype()) || !is_floating(target)) return out;
    if (!should_record(*this)) return out;
    return record(Op::to_dtype, std::move(out), {*this},
                  [source = dtype()](const Tensor& grad_out, const Tensor&) {
                      return Grads{grad_out.to(source)};
                  });
}

Tensor Tensor::clone() const {
    return to(dtype());
}

}  // namespace potatolemon
