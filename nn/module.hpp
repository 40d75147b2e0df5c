// Module: the base of every layer. It owns named parameters (leaf tensors that require grad) and
// named child modules, and walks them for parameters(), named_parameters() with dotted names such
// as "0.weight", zero_grad(), dtype conversion and the train/eval flag. Layers derive from it
// (linear.hpp, activation.hpp, sequential.hpp); losses and optimisers live in their own files.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "autograd/tensor.hpp"

namespace potatolemon::nn {

struct NamedParameter {
    std::string name;  // dotted path from the module it was asked of: "2.bias"
    Tensor tensor;
};

class Module {
public:
    Module() = default;
    virtual ~Module() = default;
    // Modules hold their parameters by handle; copying would silently share them, so it is
    // disabled. Share a module through std::shared_ptr instead.
    Module(const Module&) = delete;
    Module& operator=(const Module&) = delete;
    Module(Module&&) = default;
    Module& operator=(Module&&) = default;

    virtual Tensor forward(const Tensor& x) = 0;
    Tensor operator()(const Tensor& x) { return forward(x); }
    // One line naming the module and its settings, "Linear(in=2, out=3, bias=true)"; containers
    // list their children on the following lines.
    virtual std::string describe() const = 0;

    // Parameters of this module then of each child in registration order, depth first.
    std::vector<Tensor> parameters() const;
    std::vector<NamedParameter> named_parameters() const;
    std::int64_t parameter_count() const;  // elements over all parameters

    void zero_grad();  // drops every parameter's gradient (PyTorch's set_to_none)
    // Replaces every parameter by a copy in `dtype` that is again a leaf requiring grad; gradients
    // are dropped. Optimisers hold parameter handles, so build them after converting.
    // Throws DtypeError for int64.
    void to(Dtype dtype);
    void train(bool on = true);  // sets the flag here and in every child
    void eval() { train(false); }
    bool is_training() const { return training_; }

protected:
    // Adds `value` as a leaf requiring grad; returns its index for parameter(). Names may not
    // contain '.', be empty or repeat (std::invalid_argument).
    std::size_t register_parameter(std::string name, Tensor value);
    void register_module(std::string name, std::shared_ptr<Module> child);
    const Tensor& parameter(std::size_t index) const { return params_[index].tensor; }
    std::size_t child_count() const { return children_.size(); }
    Module& child(std::size_t index) const { return *children_[index].second; }

private:
    void collect(const std::string& prefix, std::vector<NamedParameter>& out) const;
    void check_new_name(const std::string& name, const char* what) const;

    std::vector<NamedParameter> params_;
    std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
    bool training_ = true;
};

}  // namespace potatolemon::nn
