#include "nn/activation.hpp"

#include <sstream>

#include "autograd/ops_elementwise.hpp"
#include "autograd/ops_reduce.hpp"

namespace potatolemon::nn {

Tensor Tanh::forward(const Tensor& x) { return tanh(x); }
Tensor Sigmoid::forward(const Tensor& x) { return sigmoid(x); }
Tensor ReLU::forward(const Tensor& x) { return relu(x); }
Tensor LeakyReLU::forward(const Tensor& x) { return leaky_relu(x, negative_slope_); }
Tensor Softmax::forward(const Tensor& x) { return softmax(x, dim_); }
Tensor LogSoftmax::forward(const Tensor& x) { return log_softmax(x, dim_); }

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
