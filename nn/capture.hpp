// A training step captured once and replayed (issue 10): zero_grad, loss = loss_fn(inputs),
// backward, the optimiser's step. The first call runs eagerly under a capture
// (autograd/capture.hpp); later calls whose guards pass replay the plan, bitwise as eager would
// compute; a changed input shape or dtype re-captures, and a step that cannot be captured runs
// eagerly from then on, with the reason in fallback_reason().
#pragma once
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "autograd/capture.hpp"
#include "autograd/tensor.hpp"
#include "nn/optim/optimizer.hpp"

namespace potatolemon::nn {

enum class Engine { eager, replay };

class CapturedStep {
public:
    using LossFn = std::function<Tensor(std::span<const Tensor> inputs)>;

    // `optimizer` must outlive the step; loss_fn returns a one-element loss. Engine::eager never
    // captures (the same loop code runs both engines).
    CapturedStep(Optimizer& optimizer, LossFn loss_fn, Engine engine = Engine::replay);

    // One training step on `inputs`; returns its loss, valid until the next call. Replay guards:
    // grad mode on and anomaly mode off (else this call runs eagerly); inputs of the count, shapes
    // and dtypes of a kept plan (else a capture). Inputs are copied into the plan's
    // input buffers unless they are the captured tensors themselves. Tensors loss_fn reads that
    // are not inputs (targets, parameters) are read where they live: change them in place, or
    // pass them as inputs. Throws what loss_fn, backward or the optimiser throw.
    const Tensor& operator()(std::span<const Tensor> inputs);
    const Tensor& operator()(std::initializer_list<Tensor> inputs) {
        return (*this)(std::span<const Tensor>(inputs.begin(), inputs.size()));
    }

    // Drops every plan and any fallback: the next call captures afresh. Needed after a change the
    // guards cannot see: a module switched between train() and eval(), a module or tensor the
    // loss function reads rebound to another one.
    void reset();

    bool replayed() const { return replayed_; }  // whether the last call replayed a plan
    // Why this step runs eagerly (the capture's first failure); empty while it replays.
    const std::string& fallback_reason() const { return fallback_; }
    // The plan the last call replayed or captured; null before the first successful capture.
    const Plan* plan() const { return last_ ? last_->plan.get() : nullptr; }
    std::int64_t captures() const { return captures_; }

    // Plans kept, one per input signature, so a last short batch does not evict the full
    // batches' plan; the least recently captured goes first.
    static constexpr std::size_t kMaxPlans = 4;

private:
    struct Captured {
        std::unique_ptr<Plan> plan;
        std::vector<Tensor> inputs;  // as captured: their buffers are the plan's input slots
        std::vector<Tensor> grads;   // per parameter, the gradient buffer the plan writes
        Tensor loss;                 // the buffer the plan writes the loss to
    };

    const Tensor& run_eager(std::span<const Tensor> inputs);
    const Tensor& capture(std::span<const Tensor> inputs);
    Captured* find(std::span<const Tensor> inputs);
    void bind(Captured& c, std::span<const Tensor> inputs);

    Optimizer& optimizer_;
    LossFn loss_fn_;
    Engine engine_;
    std::vector<Captured> plans_;
    Captured* last_ = nullptr;
    Tensor loss_;  // the last eager or capturing step's
    std::string fallback_;
    bool replayed_ = false;
    std::int64_t captures_ = 0;
};

}  // namespace potatolemon::nn
