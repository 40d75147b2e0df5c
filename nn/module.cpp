// Module's walks over parameters, buffers and children.
#include "nn/module.hpp"

#include <stdexcept>

#include "autograd/tape.hpp"

namespace potatolemon::nn {

std::vector<Tensor> Module::parameters() const {
    std::vector<Tensor> out;
    for (NamedParameter& p : named_parameters()) out.push_back(std::move(p.tensor));
    return out;
}

std::vector<NamedParameter> Module::named_parameters() const {
    std::vector<NamedParameter> out;
    collect("", true, false, out);
    return out;
}

std::vector<Tensor> Module::buffers() const {
    std::vector<Tensor> out;
    for (NamedBuffer& b : named_buffers()) out.push_back(std::move(b.tensor));
    return out;
}

std::vector<NamedBuffer> Module::named_buffers() const {
    std::vector<NamedBuffer> out;
    collect("", false, true, out);
    return out;
}

std::vector<NamedTensor> Module::state_dict() const {
    std::vector<NamedTensor> out;
    collect("", true, true, out);
    return out;
}

std::int64_t Module::parameter_count() const {
    std::int64_t count = 0;
    for (const Tensor& p : parameters()) count += p.numel();
    return count;
}

void Module::collect(const std::string& prefix, bool params, bool buffers,
                     std::vector<NamedTensor>& out) const {
    if (params)
        for (const NamedParameter& p : params_) out.push_back({prefix + p.name, p.tensor});
    if (buffers)
        for (const NamedBuffer& b : buffers_) out.push_back({prefix + b.name, b.tensor});
    for (const auto& [name, module] : children_)
        module->collect(prefix + name + ".", params, buffers, out);
}

Module::Module(const Module& other) : training_(other.training_) {
    NoGradGuard no_grad;
    for (const NamedParameter& p : other.params_) {
        Tensor copy = p.tensor.detach().clone();
        copy.requires_grad_(p.tensor.requires_grad());
        params_.push_back({p.name, std::move(copy)});
    }
    for (const NamedBuffer& b : other.buffers_)
        buffers_.push_back({b.name, b.tensor.detach().clone()});
    for (const auto& [name, child] : other.children_) children_.emplace_back(name, child->clone());
}

std::shared_ptr<Module> Module::clone() const {
    throw std::logic_error("clone: " + describe() +
                           " does not override Module::clone(); return "
                           "std::make_shared<YourModule>(*this) from it");
}

void Module::zero_grad() {
    for (NamedParameter& p : params_) p.tensor.zero_grad();
    for (auto& entry : children_) entry.second->zero_grad();
}

void Module::to(Dtype dtype) {
    if (!is_floating(dtype))
        throw DtypeError(std::string("Module::to: parameters must be float32 or float64, not ") +
                         dtype_name(dtype));
    NoGradGuard no_grad;
    for (NamedParameter& p : params_) {
        if (p.tensor.dtype() == dtype) continue;
        Tensor converted = p.tensor.detach().to(dtype);
        converted.requires_grad_();
        p.tensor = std::move(converted);
    }
    for (NamedBuffer& b : buffers_)
        if (is_floating(b.tensor.dtype()) && b.tensor.dtype() != dtype)
            b.tensor = b.tensor.detach().to(dtype);
    for (auto& entry : children_) entry.second->to(dtype);
}

void Module::train(bool on) {
    training_ = on;
    for (auto& entry : children_) entry.second->train(on);
}

void Module::check_new_name(const std::string& name, const char* what) const {
    bool taken = false;
    for (const NamedParameter& p : params_) taken = taken || p.name == name;
    for (const NamedBuffer& b : buffers_) taken = taken || b.name == name;
    for (const auto& entry : children_) taken = taken || entry.first == name;
    if (name.empty() || name.find('.') != std::string::npos || taken)
        throw std::invalid_argument(std::string(what) + ": name '" + name +
                                    "' is empty, contains '.' or is already used");
}

std::size_t Module::register_parameter(std::string name, Tensor value) {
    check_new_name(name, "register_parameter");
    check_floating(value, "register_parameter");
    if (!value.is_leaf())
        throw GraphError("register_parameter: '" + name + "' must be a leaf tensor");
    value.requires_grad_();
    params_.push_back({std::move(name), std::move(value)});
    return params_.size() - 1;
}

std::size_t Module::register_buffer(std::string name, Tensor value) {
    check_new_name(name, "register_buffer");
    check_defined(value, "register_buffer");
    buffers_.push_back({std::move(name), value.detach()});
    return buffers_.size() - 1;
}

void Module::register_module(std::string name, std::shared_ptr<Module> child) {
    check_new_name(name, "register_module");
    if (!child) throw std::invalid_argument("register_module: '" + name + "' is null");
    children_.emplace_back(std::move(name), std::move(child));
}

}  // namespace potatolemon::nn
