// The loss functions: argument checks, then autograd ops (composites, or the BCE primitive), then
// the reduction.
#include "nn/loss.hpp"

#include <sstream>
#include <stdexcept>
#include <string>

#include "autograd/capture.hpp"
#include "autograd/factories.hpp"
#include "autograd/ops_elementwise.hpp"
#include "autograd/ops_index.hpp"
#include "autograd/ops_loss.hpp"
#include "autograd/ops_reduce.hpp"
#include "autograd/ops_shape.hpp"

namespace potatolemon::nn {

namespace {
// Dimension letters: N samples, C classes.

Tensor reduce(const Tensor& losses, Reduction reduction) {
    switch (reduction) {
        case Reduction::none:
            return losses;
        case Reduction::sum:
            return sum(losses);
        case Reduction::mean:
            return mean(losses);
    }
    return losses;
}

void check_pair(const Tensor& input, const Tensor& target, const char* fn) {
    check_defined(input, fn);
    check_defined(target, fn);
    check_same_dtype(input, target, fn);
    if (input.shape() != target.shape())
        throw ShapeError(std::string(fn) + ": input " + to_string(input.shape()) + " and target " +
                         to_string(target.shape()) + " must have the same shape");
}

void check_probabilities(const Tensor& p, const char* fn) {
    dispatch(p.dtype(), [&]<class T>() {
        const T* data = p.data<T>();
        for (std::int64_t i = 0, n = p.numel(); i < n; ++i) {
            if (data[i] >= T(0) && data[i] <= T(1)) continue;  // NaN fails too
            std::ostringstream message;
            message << fn << ": input element " << i << " of " << to_string(p.shape()) << " is "
                    << data[i] << ", outside [0, 1] (pass logits to "
                    << "binary_cross_entropy_with_logits instead)";
            throw std::domain_error(message.str());
        }
    });
}

void check_classes(const Tensor& scores, const Tensor& target, const char* fn) {
    check_defined(scores, fn);
    check_defined(target, fn);
    check_floating(scores, fn);
    if (scores.dim() != 2)
        throw ShapeError(std::string(fn) + ": expected input [N, C], got " +
                         to_string(scores.shape()));
    if (target.dtype() != Dtype::int64)
        throw DtypeError(std::string(fn) + ": target must hold int64 class indices, got " +
                         dtype_name(target.dtype()));
    const std::int64_t N = scores.size(0), C = scores.size(1);
    if (target.shape() != Shape{N})
        throw ShapeError(std::string(fn) + ": target " + to_string(target.shape()) +
                         " does not match input " + to_string(scores.shape()) + " (expected [" +
                         std::to_string(N) + "])");
    const std::int64_t* classes = target.data<std::int64_t>();
    for (std::int64_t n = 0; n < N; ++n)
        if (classes[n] < 0 || classes[n] >= C)
            throw IndexError(std::string(fn) + ": target[" + std::to_string(n) +
                             "] = " + std::to_string(classes[n]) + " is out of range for input " +
                             to_string(scores.shape()) + " (" + std::to_string(C) + " classes)");
}

// -log_probs[n, target[n]] for each n, as [N]. The index is copied to [N, 1] for gather
// (reshape is for floating tensors only).
Tensor picked_negative(const Tensor& log_probs, const Tensor& target) {
    const std::int64_t N = target.numel();
    Tensor index = empty(Shape{N, 1}, Dtype::int64);
    detail::copy_data(target, index);  // recorded: a captured step's targets change every step
    return neg(reshape(gather(log_probs, 1, index), {N}));
}
}  // namespace

const char* reduction_name(Reduction reduction) {
    switch (reduction) {
        case Reduction::none:
            return "none";
        case Reduction::mean:
            return "mean";
        case Reduction::sum:
            return "sum";
    }
    return "unknown";
}

Tensor mse_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
    check_pair(input, target, "mse_loss");
    Tensor diff = input - target;
    return reduce(diff * diff, reduction);
}

Tensor l1_loss(const Tensor& input, const Tensor& target, Reduction reduction) {
    check_pair(input, target, "l1_loss");
    return reduce(abs(input - target), reduction);
}

Tensor binary_cross_entropy(const Tensor& input, const Tensor& target, Reduction reduction) {
    check_pair(input, target, "binary_cross_entropy");
    check_probabilities(input, "binary_cross_entropy");
    // autograd's primitive clamps the logs at -100 as PyTorch does, keeps gradients finite, and
    // reduces in the same op.
    return potatolemon::binary_cross_entropy(input, target, reduction);
}

// (1 - y) x + softplus(-x) is -(y log σ(x) + (1 - y) log(1 - σ(x))) rearranged as PyTorch does;
// softplus never overflows, and no large terms cancel when x and y agree.
Tensor binary_cross_entropy_with_logits(const Tensor& input, const Tensor& target,
                                        Reduction reduction) {
    check_pair(input, target, "binary_cross_entropy_with_logits");
    return reduce((1.0 - target) * input + softplus(neg(input)), reduction);
}

Tensor nll_loss(const Tensor& log_probs, const Tensor& target, Reduction reduction) {
    check_classes(log_probs, target, "nll_loss");
    return reduce(picked_negative(log_probs, target), reduction);
}

Tensor cross_entropy(const Tensor& logits, const Tensor& target, Reduction reduction) {
    check_classes(logits, target, "cross_entropy");
    return reduce(picked_negative(log_softmax(logits, 1), target), reduction);
}

}  // namespace potatolemon::nn
