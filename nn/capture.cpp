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
    Captured c{std::make_unique<Plan>(), {}, {}, {}};
    Tensor loss;
    std::string failure;
    {
        CaptureSession session(*c.plan);
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
        plans_.clear();
        last_ = nullptr;
        return loss_;
    }
    c.inputs.assign(inputs.begin(), inputs.end());
    for (const Tensor& p : optimizer_.parameters()) c.grads.push_back(p.grad());
    c.loss = loss_;
    loss = Tensor();
    c.plan->release_graph();
    if (plans_.size() == kMaxPlans) plans_.erase(plans_.begin());
    plans_.push_back(std::move(c));
    last_ = &plans_.back();
    return loss_;
}

void CapturedStep::reset() {
    plans_.clear();
    last_ = nullptr;
    fallback_.clear();
}

CapturedStep::Captured* CapturedStep::find(std::span<const Tensor> inputs) {
    auto same = [&](const Captured& c) {
        if (inputs.size() != c.inputs.size()) return false;
        for (std::size_t i = 0; i < inputs.size(); ++i) {
            const Tensor& t = inputs[i];
            if (!t.defined() || t.dtype() != c.inputs[i].dtype() ||
                t.shape() != c.inputs[i].shape())
                return false;
        }
        return true;
    };
    if (last_ && same(*last_)) return last_;
    for (Captured& c : plans_)
        if (same(c)) return &c;
    return nullptr;
}

// Inputs are copied into the plan's input buffers. A replay writes the plan's gradient buffers; a
// parameter whose .grad was dropped or replaced since (zero_grad, an eager step, another plan)
// gets its buffer back, so .grad shows what the step computed.
void CapturedStep::bind(Captured& c, std::span<const Tensor> inputs) {
    for (std::size_t i = 0; i < inputs.size(); ++i) {
        detail::TensorImpl* from = inputs[i].impl();
        detail::TensorImpl* to = c.inputs[i].impl();
        if (from->data != to->data)
            std::memcpy(to->data, from->data,
                        static_cast<std::size_t>(to->numel) * dtype_size(to->dtype));
    }
    const std::vector<Tensor>& params = optimizer_.parameters();
    for (std::size_t i = 0; i < params.size(); ++i) {
        if (params[i].impl()->grad == c.grads[i].impl()) continue;
        Tensor param = params[i];
        param.set_grad(c.grads[i]);
    }
}

const Tensor& CapturedStep::operator()(std::span<const Tensor> inputs) {
    if (engine_ == Engine::eager || !fallback_.empty() || !grad_mode_enabled() ||
        anomaly_mode_enabled())
        return run_eager(inputs);
    Captured* c = find(inputs);
    if (!c) return capture(inputs);
    for (const Tensor& p : optimizer_.parameters())
        if (!p.requires_grad()) return run_eager(inputs);
    bind(*c, inputs);
    c->plan->replay();
    replayed_ = true;
    last_ = c;
    return c->loss;
}

}  // namespace potatolemon::nn
