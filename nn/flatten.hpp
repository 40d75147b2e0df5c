// Flatten: merges a range of dims into one, the bridge from convolution feature maps [N, C, H, W]
// to a Linear layer's [N, C*H*W]. A view of the input (no copy); gradients flow back reshaped.
#pragma once
#include <cstdint>
#include <string>

#include "nn/module.hpp"

namespace potatolemon::nn {

class Flatten : public Module {
public:
    explicit Flatten(std::int64_t start_dim = 1, std::int64_t end_dim = -1)
        : start_dim_(start_dim), end_dim_(end_dim) {}
    // Dims start_dim..end_dim (negative counts from the end) of x merged; a rank-0 input counts
    // as rank 1, as torch does. Throws IndexError for a dim out of range or start after end.
    Tensor forward(const Tensor& x) override;
    std::string describe() const override;
    std::shared_ptr<Module> clone() const override { return std::make_shared<Flatten>(*this); }

private:
    std::int64_t start_dim_, end_dim_;
};

}  // namespace potatolemon::nn
