#include "nn/optim/optimizer.hpp"

#include <sstream>
#include <stdexcept>
#include <string>

namespace potatolemon::nn {

Optimizer::Optimizer(std::vector<Tensor> params, double lr, const char* name)
    : params_(std::move(params)), lr_(lr), name_(name) {
    check_hyper(lr >= 0, name, "lr", lr);
    for (std::size_t i = 0; i < params_.size(); ++i) {
        const Tensor& p = params_[i];
        check_defined(p, name);
        check_floating(p, name);
        if (!p.is_leaf() || !p.requires_grad())
            throw GraphError(std::string(name) + ": parameter " + std::to_string(i) + " " +
                             to_string(p.shape()) + " must be a leaf that requires grad");
    }
}

void Optimizer::check_hyper(bool ok, const char* name, const char* what, double value) {
    if (ok) return;
    std::ostringstream message;
    message << name << ": invalid " << what << " " << value;
    throw std::invalid_argument(message.str());
}

void Optimizer::zero_grad() {
    for (Tensor& p : params_) p.zero_grad();
}

void Optimizer::set_lr(double lr) {
    check_hyper(lr >= 0, name_, "lr", lr);
    lr_ = lr;
}

Optimizer& OptimizerRef::get(const char* user) const {
    std::shared_ptr<Optimizer*> alive = alive_.lock();
    if (!alive) throw std::logic_error(std::string(user) + ": its optimizer was destroyed");
    return **alive;
}

bool OptimizerRef::refers_to(const Optimizer& optimizer) const {
    return alive_.lock() == optimizer.alive_;
}

}  // namespace potatolemon::nn
