// CapturedStep: the capture of one eager step, the guards, input binding and replay.
#include "nn/capture.hpp"

#include <cstring>

#include "autograd/tape.hpp"

namespace potatolemon::nn {

CapturedStep::CapturedStep(Optimizer& optimizer, LossFn loss_fn, Engine engine)
    : optimizer_(optimizer), loss_fn_(std::move(loss_fn)), engine_(engine) {}

const Tensor& CapturedStep::run_eager(std::span<const Tensor> inputs) {
    replayed_ = false;
    optimizer_.zero_grad();
    loss_ = loss_fn_(inputs);
    loss_.backward();
    optimizer_.step();
    return loss_;
}

const Tensor& CapturedStep::capture(std::span<const Tensor> inputs) {
    auto plan = std::make_unique<Plan>();
    Tensor loss;
    std::string failure;
    {
        CaptureSession session(*plan);
        if (!optimizer_.capturable()) session.fail("this optimiser's step has no replay records");
        optimizer_.zero_grad();
        loss = loss_fn_(inputs);
        loss.backward();
        optimizer_.step();
        session.check_read(loss, "the loss");
        failure = session.failure();
    }
    ++captures_;
    replayed_ = false;
    loss_ = loss.detach();
    if (!failure.empty()) {
        fallback_ = failure;
        plan_.reset();
        return loss_;
    }
    inputs_.assign(inputs.begin(), inputs.end());
    grads_.clear();
    for (const Tensor& p : optimizer_.parameters()) grads_.push_back(p.grad());
    plan_loss_ = loss_;
    loss = Tensor();
    plan->release_graph();
    plan_ = std::move(plan);
    return loss_;
}

bool CapturedStep::same_signature(std::span<const Tensor> inputs) const {
    if (inputs.size() != inputs_.size()) return false;
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        const Tensor& t = inputs[i];
        if (!t.defined() || t.dtype() != inputs_[i].dtype() || t.shape() != inputs_[i].shape())
            return false;
    }
    return true;
}

// A replay writes the captured gradient buffers; a parameter whose .grad was dropped or replaced
// since (zero_grad, an eager step) gets its buffer back, so .grad shows what the step computed.
void CapturedStep::bind(std::span<const Tensor> inputs) {
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        detail::TensorImpl* from = inputs[i].impl();
        detail::TensorImpl* to = inputs_[i].impl();
        if (from->data != to->data)
            std::memcpy(to->data, from->data,
                        static_cast<std::size_t>(to->numel) * dtype_size(to->dtype));
    }
    const std::vector<Tensor>& params = optimizer_.parameters();
    for (std::size_t i = 0; i < params.size(); ++i) {
        Tensor param = params[i];
        if (param.impl()->grad != grads_[i].impl()) param.set_grad(grads_[i]);
    }
}

const Tensor& CapturedStep::operator()(std::span<const Tensor> inputs) {
    if (engine_ == Engine::eager || !fallback_.empty() || !grad_mode_enabled() ||
        anomaly_mode_enabled())
        return run_eager(inputs);
    if (!plan_ || !same_signature(inputs)) return capture(inputs);
    for (const Tensor& p : optimizer_.parameters())
        if (!p.requires_grad()) return run_eager(inputs);
    bind(inputs);
    plan_->replay();
    replayed_ = true;
    return plan_loss_;
}

}  // namespace potatolemon::nn
