#include "nn/flatten.hpp"

#include "autograd/ops_shape.hpp"

namespace potatolemon::nn {

Tensor Flatten::forward(const Tensor& x) {
    // flatten() turns a scalar into [1] whatever the dims; torch first checks them against
    // rank 1, so Flatten() (start_dim 1) refuses a scalar.
    if (x.defined() && x.dim() == 0)
        for (std::int64_t d : {start_dim_, end_dim_})
            if (d < -1 || d > 0)
                throw IndexError("flatten: dim " + std::to_string(d) +
                                 " out of range for a rank-0 tensor (expected -1 or 0)");
    return flatten(x, start_dim_, end_dim_);
}

std::string Flatten::describe() const {
    return "Flatten(start_dim=" + std::to_string(start_dim_) +
           ", end_dim=" + std::to_string(end_dim_) + ")";
}

}  // namespace potatolemon::nn
