// dtype conversion (Tensor::to) and clone: a copy whose gradient is converted back when both dtypes
// are floating; conversions from or to int64 and bool are not recorded.
#include <algorithm>

#include "autograd/capture.hpp"
#include "autograd/factories.hpp"
#include "autograd/tape.hpp"

namespace potatolemon {

namespace {
// The conversion loop as a replay record.
template <class From, class To>
struct ConvertRecord {
    static constexpr const char* name = "to";
    const From* src;
    To* dst;
    std::int64_t n;
    static void run(const ConvertRecord& r) {
        std::transform(r.src, r.src + r.n, r.dst, [](From v) { return value_cast<To>(v); });
    }
};
}  // namespace

Tensor Tensor::to(Dtype target) const {
    check_defined(*this, "to");
    Tensor out = empty(shape(), target);
    dispatch_any(dtype(), [&]<class From>() {
        dispatch_any(target, [&]<class To>() {
            ConvertRecord<From, To> r{data<From>(), out.data<To>(), numel()};
            ConvertRecord<From, To>::run(r);
            if (detail::capturing()) [[unlikely]]
                detail::capture_emit(r, {r.src}, {r.dst});
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
