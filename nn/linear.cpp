#include "nn/linear.hpp"

#include <cmath>

#include "autograd/factories.hpp"
#include "autograd/ops_matmul.hpp"
#include "nn/init.hpp"

namespace potatolemon::nn {

Linear::Linear(std::int64_t in, std::int64_t out, bool bias, Generator& gen)
    : in_(in), out_(out), has_bias_(bias) {
    if (in < 0 || out < 0)
        throw ShapeError("Linear: in " + std::to_string(in) + " and out " + std::to_string(out) +
                         " must be >= 0");
    // kaiming_uniform_(a = sqrt(5)) as torch.nn.Linear: the bound works out to 1/sqrt(in).
    Tensor weight = zeros(Shape{out, in});
    if (in > 0) init::kaiming_uniform_(weight, std::sqrt(5.0), init::FanMode::fan_in,
                                       init::Nonlinearity::leaky_relu, gen);
    register_parameter("weight", weight);
    if (!bias) return;
    Tensor b = zeros(Shape{out});
    double bound = in > 0 ? 1.0 / std::sqrt(static_cast<double>(in)) : 0.0;
    register_parameter("bias", init::uniform_(b, -bound, bound, gen));
}

const Tensor& Linear::bias() const {
    static const Tensor none;
    return has_bias_ ? parameter(1) : none;
}

Tensor Linear::forward(const Tensor& x) { return linear(x, weight(), bias()); }

std::string Linear::describe() const {
    return "Linear(in=" + std::to_string(in_) + ", out=" + std::to_string(out_) +
           ", bias=" + (has_bias_ ? "true" : "false") + ")";
}

}  // namespace potatolemon::nn
