#include "nn/activation.hpp"

#include <sstream>
#include <stdexcept>

#include "autograd/ops_activation.hpp"
#include "autograd/ops_elementwise.hpp"
#include "autograd/ops_reduce.hpp"

namespace potatolemon::nn {

Tensor Tanh::forward(const Tensor& x) { return tanh(x); }
Tensor Sigmoid::forward(const Tensor& x) { return sigmoid(x); }
Tensor ReLU::forward(const Tensor& x) { return relu(x); }
Tensor LeakyReLU::forward(const Tensor& x) { return leaky_relu(x, negative_slope_); }
Tensor Softmax::forward(const Tensor& x) { return softmax(x, dim_); }
Tensor LogSoftmax::forward(const Tensor& x) { return log_softmax(x, dim_); }
Tensor GELU::forward(const Tensor& x) { return gelu(x, approximate_); }
Tensor SiLU::forward(const Tensor& x) { return silu(x); }
Tensor ELU::forward(const Tensor& x) { return elu(x, alpha_); }

GELU::GELU(std::string approximate) : approximate_(std::move(approximate)) {
    if (approximate_ != "none" && approximate_ != "tanh")
        throw std::invalid_argument("GELU: approximate must be 'none' or 'tanh', not '" +
                                    approximate_ + "'");
}

std::string GELU::describe() const { return "GELU(approximate='" + approximate_ + "')"; }

std::string ELU::describe() const {
    std::ostringstream out;
    out << "ELU(alpha=" << alpha_ << ")";
    return out.str();
}

std::string LeakyReLU::describe() const {
    std::ostringstream out;
    out << "LeakyReLU(negative_slope=" << negative_slope_ << ")";
    return out.str();
}

std::string Softmax::describe() const { return "Softmax(dim=" + std::to_string(dim_) + ")"; }
std::string LogSoftmax::describe() const {
    return "LogSoftmax(dim=" + std::to_string(dim_) + ")";
}

}  // namespace potatolemon::nn
