// Optimizer: the base of SGD, Adam, AdamW and RMSprop. It holds parameter handles and the learning
// rate, and clears gradients; each subclass's step() updates the parameters' data in place, without
// recording, from their .grad (a parameter that backward did not reach is skipped, as PyTorch).
// Per-parameter state is named as in PyTorch's state_dict (exp_avg_, step_, ...).
#pragma once
#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

#include "autograd/tensor.hpp"

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

protected:
    static void check_hyper(bool ok, const char* name, const char* what, double value);

    std::vector<Tensor> params_;
    double lr_;
    const char* name_;

private:
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
