// Reductions over all elements or over given dims (with keepdim): sum, mean, max, min; sum_to, the
// one helper every broadcasting op uses to bring a gradient back to an input's shape; the
// statistics var, std and logsumexp; and the numerically stable softmax and log_softmax. A rank-0
// tensor takes dim 0 or -1, as PyTorch's; bad dims throw IndexError.
#pragma once
#include <cstdint>
#include <vector>

#include "autograd/tensor.hpp"

namespace potatolemon {

// Over no elements (a dim of size 0 reduced) the sum is 0 and the mean nan, as PyTorch's.
Tensor sum(const Tensor& x);  // rank 0
Tensor sum(const Tensor& x, const std::vector<std::int64_t>& dims, bool keepdim = false);
Tensor mean(const Tensor& x);
Tensor mean(const Tensor& x, const std::vector<std::int64_t>& dims, bool keepdim = false);

// Sums x down to `shape`, which x must broadcast from (leading dims and size-1 dims are summed).
Tensor sum_to(const Tensor& x, const Shape& shape);

// Values and int64 indices along a dim; with ties the first index wins and takes the gradient.
struct ValuesIndices {
    Tensor values;
    Tensor indices;
};
// Over all elements, rank 0 (throws for an empty x). Elements tied with the result (every NaN when
// it is NaN) share its gradient evenly, as PyTorch's full reductions do.
Tensor max(const Tensor& x);
Tensor min(const Tensor& x);
ValuesIndices max(const Tensor& x, std::int64_t dim, bool keepdim = false);
ValuesIndices min(const Tensor& x, std::int64_t dim, bool keepdim = false);

// The variance over `dims` (empty: all; negative dims count from the end), with PyTorch's
// divisor max(0, n - correction): correction 1 is the unbiased estimate, 0 the biased one; past n
// the result is inf (or NaN for a constant or empty input). One kernel, two passes in double.
Tensor var(const Tensor& x, const std::vector<std::int64_t>& dims, double correction = 1,
           bool keepdim = false);
// sqrt(var); its gradient is 0 where the result is 0, as PyTorch's. Under `using namespace
// potatolemon` a plain `std(...)` is ambiguous with namespace std: call potatolemon::std.
Tensor std(const Tensor& x, const std::vector<std::int64_t>& dims, double correction = 1,
           bool keepdim = false);
// log(sum(exp(x))) over `dims` (empty: all), shifted by the max: finite for large inputs; an all
// -inf (or empty) run gives -inf, as PyTorch.
Tensor logsumexp(const Tensor& x, const std::vector<std::int64_t>& dims, bool keepdim = false);

// exp(x - max) / sum(exp(x - max)) along dim: finite for inputs of any finite magnitude; a run
// whose max is +inf or -inf is all NaN, as PyTorch.
Tensor softmax(const Tensor& x, std::int64_t dim);
// x - max - log(sum(exp(x - max))) along dim.
Tensor log_softmax(const Tensor& x, std::int64_t dim);

}  // namespace potatolemon
