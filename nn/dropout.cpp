#include "nn/dropout.hpp"

#include <sstream>
#include <stdexcept>

#include "autograd/ops_dropout.hpp"

namespace potatolemon::nn {

Dropout::Dropout(double p, Generator& gen) : p_(p), gen_(&gen) {
    if (!(p >= 0 && p <= 1)) {  // written so that NaN fails too
        std::ostringstream message;
        message << "Dropout: probability p must be between 0 and 1, got " << p;
        throw std::invalid_argument(message.str());
    }
}

Tensor Dropout::forward(const Tensor& x) {
    return dropout(x, p_, is_training(), *gen_);
}

std::string Dropout::describe() const {
    std::ostringstream out;
    out << "Dropout(p=" << p_ << ")";
    return out.str();
}

}  // namespace potatolemon::nn
