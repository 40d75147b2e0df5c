// Module: the base of every layer. It owns named parameters (leaf tensors that require grad),
// named buffers (state that is saved but not trained: batch norm's running statistics) and named
// child modules, and walks them with dotted names such as "0.weight" for parameters(), buffers(),
// state_dict(), zero_grad(), dtype conversion, the train/eval flag and clone() (deep copies for
// per-thread replicas). Layers derive from it; losses and optimisers live in their own files.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "autograd/tensor.hpp"

namespace potatolemon::nn {

struct NamedTensor {
    std::string name;  // dotted path from the module it was asked of: "2.bias"
    Tensor tensor;
};
using NamedParameter = NamedTensor;
using NamedBuffer = NamedTensor;

class Module {
public:
    Module() = default;
    virtual ~Module() = default;
    // Modules hold their parameters by handle, so a copy is a deep one (see clone()); assignment
    // would have to choose between sharing and copying, so it is disabled. Share a module
    // through std::shared_ptr.
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
    // Buffers in the same walk order as parameters; they never require grad.
    std::vector<Tensor> buffers() const;
    std::vector<NamedBuffer> named_buffers() const;
    // PyTorch's state_dict order: per module its parameters, then its buffers, then each child's
    // entries, depth first ("0.weight", "0.bias", "1.weight", ..., "1.running_mean", ...).
    std::vector<NamedTensor> state_dict() const;

    void zero_grad();  // drops every parameter's gradient (PyTorch's set_to_none)
    // Replaces every parameter by a copy in `dtype` that is again a leaf requiring grad, and every
    // floating buffer by a copy in `dtype` (int64 buffers such as counters stay int64); gradients
    // are dropped. Optimisers hold parameter handles, so build them after converting.
    // Throws DtypeError for int64.
    void to(Dtype dtype);
    void train(bool on = true);  // sets the flag here and in every child
    void eval() { train(false); }
    bool is_training() const { return training_; }

    // A deep copy as this module's own type, for a replica per thread (torch.nn.Module's
    // deepcopy, LibTorch's Cloneable::clone): new leaf parameters with the same values and
    // requires_grad but no gradient, new buffers, cloned children and the same train flag.
    // Nothing is shared but the Generator a Dropout draws from. Every nn module overrides it;
    // this default throws std::logic_error naming the module.
    virtual std::shared_ptr<Module> clone() const;

protected:
    // What a derived class's copy constructor runs: copies values, not handles (clone()).
    Module(const Module& other);
    // Adds `value` as a leaf requiring grad; returns its index for parameter(). Names may not
    // contain '.', be empty or repeat (std::invalid_argument).
    std::size_t register_parameter(std::string name, Tensor value);
    // Adds `value` (any dtype, detached, not requiring grad) as a buffer; returns its index for
    // buffer(). The same name rules as parameters, which it may not share a name with; throws
    // GraphError for an undefined tensor.
    std::size_t register_buffer(std::string name, Tensor value);
    void register_module(std::string name, std::shared_ptr<Module> child);
    const Tensor& parameter(std::size_t index) const { return params_[index].tensor; }
    const Tensor& buffer(std::size_t index) const { return buffers_[index].tensor; }
    std::size_t child_count() const { return children_.size(); }
    Module& child(std::size_t index) const { return *children_[index].second; }

private:
    // Appends this module's and its children's entries, depth first, with dotted names.
    void collect(const std::string& prefix, bool params, bool buffers,
                 std::vector<NamedTensor>& out) const;
    void check_new_name(const std::string& name, const char* what) const;

    std::vector<NamedParameter> params_;
    std::vector<NamedBuffer> buffers_;
    std::vector<std::pair<std::string, std::shared_ptr<Module>>> children_;
    bool training_ = true;
};

}  // namespace potatolemon::nn
