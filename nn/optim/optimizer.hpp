// Optimizer: the base of SGD, Adam, AdamW and RMSprop. It holds parameter handles and the learning
// rate, and clears gradients; each subclass's step() updates the parameters' data in place, without
// recording, from their .grad (a parameter that backward did not reach is skipped, as PyTorch).
// Per-parameter state is named as in PyTorch's state_dict (exp_avg_, step_, ...), and
// state_dict()/load_state_dict() save and restore it under those names.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "autograd/tensor.hpp"
#include "nn/optim/state_dict.hpp"

namespace potatolemon::nn {

class Optimizer {
public:
    // Every parameter must be a floating leaf that requires grad (GraphError / DtypeError), and
    // lr >= 0 (std::invalid_argument); messages start with `name`.
    Optimizer(std::vector<Tensor> params, double lr, const char* name);
    virtual ~Optimizer() = default;
    Optimizer(const Optimizer&) = delete;
    Optimizer& operator=(const Optimizer&) = delete;

    virtual void step() = 0;
    // Whether step() leaves replay records under a capture (nn/capture.hpp); one that does not
    // makes a captured training step fall back to eager.
    virtual bool capturable() const { return false; }
    void zero_grad();  // drops every parameter's gradient (PyTorch's set_to_none)

    double lr() const { return lr_; }
    void set_lr(double lr);  // takes effect at the next step; throws std::invalid_argument if < 0
    const std::vector<Tensor>& parameters() const { return params_; }
    const char* name() const { return name_; }

    // PyTorch's optimizer.state_dict(): scalars {"param_groups": [{"lr", the hyperparameters,
    // "initial_lr" once a scheduler has started, "params": [0, ..., n-1]}]} and, for each
    // parameter that has taken a step, copies of its state tensors "state.<i>.<name>" ("step"
    // an int64 scalar). One group holds every parameter.
    StateDict state_dict() const;
    // Throws, changing nothing, unless `state` fits: FormatError for another optimizer type, a
    // parameter count or hyperparameter (lr excepted) unlike this one's, a state name this
    // optimizer does not keep, a parameter's state incomplete or a step < 1; ShapeError and
    // DtypeError for a tensor unlike its parameter. Every message names the key or tensor.
    void check_state_dict(const StateDict& state) const;
    // check_state_dict, then takes lr, initial_lr and every parameter's state (copied; a
    // parameter absent from `state` has none, as before its first step).
    void load_state_dict(const StateDict& state);

protected:
    static void check_hyper(bool ok, const char* name, const char* what, double value);
    // param_groups[0]'s hyperparameters other than lr, by PyTorch's names and values.
    virtual io::Json::Object hyperparameters() const = 0;
    // Subclass constructors register their per-parameter state under PyTorch's names: a tensor
    // per parameter (undefined until its first step), `used` when these options allocate it; and
    // the step counts, for the optimisers that keep them.
    void register_state(const char* name, std::vector<Tensor>& tensors, bool used);
    void register_steps(std::vector<std::int64_t>& steps) { steps_ = &steps; }

    std::vector<Tensor> params_;
    double lr_;
    const char* name_;

private:
    struct StateSlot {
        const char* name;
        std::vector<Tensor>* tensors;
        bool used;
    };
    bool has_state(std::size_t i) const;
    void check_state_scalars(const io::Json& scalars, const std::string& who) const;
    void check_state_tensors(const std::vector<NamedTensor>& tensors, const std::string& who) const;

    std::vector<StateSlot> slots_;
    std::vector<std::int64_t>* steps_ = nullptr;
    friend class LRScheduler;
    friend class OptimizerRef;
    // PyTorch's group["initial_lr"]: the rate when the first scheduler started, which every
    // scheduler on this optimiser takes as its base rate (and SequentialLR restores).
    std::optional<double> initial_lr_;
    // Schedulers hold an OptimizerRef, a weak reference to this.
    std::shared_ptr<Optimizer*> alive_ = std::make_shared<Optimizer*>(this);
};

// How a scheduler refers to its optimiser: one that outlives the optimiser throws instead of
// writing through a dangling pointer.
class OptimizerRef {
public:
    explicit OptimizerRef(Optimizer& optimizer) : alive_(optimizer.alive_) {}
    // Throws std::logic_error, the message starting with `user`, once the optimiser is destroyed.
    Optimizer& get(const char* user) const;
    bool refers_to(const Optimizer& optimizer) const;

private:
    std::weak_ptr<Optimizer*> alive_;
};

}  // namespace potatolemon::nn
