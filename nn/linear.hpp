// Linear: y = x Wᵀ + b, the dense layer, with PyTorch's default initialisation so runs are
// comparable with torch.nn.Linear: W and b uniform on ±1/sqrt(in), drawn weight first.
#pragma once
#include <cstdint>
#include <string>

#include "autograd/generator.hpp"
#include "nn/module.hpp"

namespace potatolemon::nn {

class Linear : public Module {
public:
    // weight [out, in] ("weight"), bias [out] ("bias", absent when bias is false), float32.
    // Throws ShapeError when in or out is negative.
    Linear(std::int64_t in, std::int64_t out, bool bias = true,
           Generator& gen = default_generator());
    Linear(std::int64_t in, std::int64_t out, Generator& gen) : Linear(in, out, true, gen) {}

    // x [..., in] → [..., out]; throws ShapeError when the last dim is not `in`.
    Tensor forward(const Tensor& x) override;
    std::string describe() const override;
    std::shared_ptr<Module> clone() const override { return std::make_shared<Linear>(*this); }

    const Tensor& weight() const { return parameter(0); }
    const Tensor& bias() const;  // undefined when the layer has no bias
    std::int64_t in_features() const { return in_; }
    std::int64_t out_features() const { return out_; }

private:
    std::int64_t in_, out_;
    bool has_bias_;
};

}  // namespace potatolemon::nn
