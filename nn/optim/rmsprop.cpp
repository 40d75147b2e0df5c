// RMSprop's step: one raw loop per parameter in its own precision, in the order of PyTorch's
// tensor calls (addcmul, addcdiv) so float64 trajectories agree to rounding.
#include "nn/optim/rmsprop.hpp"

#include <cmath>

#include "autograd/capture.hpp"
#include "autograd/factories.hpp"

namespace potatolemon::nn {

namespace {
template <class T>
struct RMSpropState {
    T *square_avg, *grad_avg, *momentum_buffer;  // the last two null when unused
};

template <class T>
void rmsprop_update(T* __restrict p, const T* __restrict g, const RMSpropState<T>& state,
                    std::int64_t n, const RMSpropOptions& o, double lr) {
    T* __restrict sq = state.square_avg;
    T* __restrict ga = state.grad_avg;
    T* __restrict buf = state.momentum_buffer;
    const T weight_decay = T(o.weight_decay), alpha = T(o.alpha), one_minus_alpha = T(1 - o.alpha);
    const T eps = T(o.eps), momentum = T(o.momentum), step = T(-lr);
    const bool decay = o.weight_decay != 0;
    for (std::int64_t i = 0; i < n; ++i) {
        T d = g[i];
        if (decay) d = d + weight_decay * p[i];
        sq[i] = sq[i] * alpha + one_minus_alpha * d * d;  // addcmul's order: (value * g) * g
        T second = sq[i];
        if (ga) {
            ga[i] = ga[i] * alpha + one_minus_alpha * d;
            second = second - ga[i] * ga[i];
        }
        const T denom = std::sqrt(second) + eps;
        if (buf) {
            buf[i] = buf[i] * momentum + d / denom;
            p[i] = p[i] + step * buf[i];
        } else {
            p[i] = p[i] + step * d / denom;  // addcdiv's order: (value * g) / denom
        }
    }
}

// One parameter's update as a replay record: the rate is read from the optimiser at each replay,
// and the step count advances as eager's does.
template <class T>
struct RMSpropRecord {
    static constexpr const char* name = "RMSprop";
    T* p;
    const T* g;
    RMSpropState<T> state;
    std::int64_t n;
    RMSpropOptions options;
    const double* lr;
    std::int64_t* step;
    static void run(const RMSpropRecord& r) {
        ++*r.step;
        rmsprop_update<T>(r.p, r.g, r.state, r.n, r.options, *r.lr);
    }
};
}  // namespace

RMSprop::RMSprop(std::vector<Tensor> params, RMSpropOptions options)
    : Optimizer(std::move(params), options.lr, "RMSprop"),
      options_(options),
      square_avg_(params_.size()),
      momentum_buffer_(params_.size()),
      grad_avg_(params_.size()),
      step_(params_.size(), 0) {
    check_hyper(options.alpha >= 0 && options.alpha <= 1, "RMSprop", "alpha", options.alpha);
    check_hyper(options.eps >= 0, "RMSprop", "eps", options.eps);
    check_hyper(options.weight_decay >= 0, "RMSprop", "weight_decay", options.weight_decay);
    check_hyper(options.momentum >= 0, "RMSprop", "momentum", options.momentum);
    register_steps(step_);
    register_state("square_avg", square_avg_, true);
    register_state("momentum_buffer", momentum_buffer_, options.momentum > 0);
    register_state("grad_avg", grad_avg_, options.centered);
}

io::Json::Object RMSprop::hyperparameters() const {
    return {{"alpha", options_.alpha},
            {"eps", options_.eps},
            {"weight_decay", options_.weight_decay},
            {"momentum", options_.momentum},
            {"centered", options_.centered}};
}

void RMSprop::step() {
    for (std::size_t i = 0; i < params_.size(); ++i) {
        Tensor grad = params_[i].grad();  // set_grad keeps it the parameter's shape and dtype
        if (!grad.defined()) continue;
        if (!square_avg_[i].defined()) {
            square_avg_[i] = zeros_like(params_[i]);
            if (options_.momentum > 0) momentum_buffer_[i] = zeros_like(params_[i]);
            if (options_.centered) grad_avg_[i] = zeros_like(params_[i]);
        }
        dispatch(grad.dtype(), [&]<class T>() {
            auto data = [](const Tensor& t) { return t.defined() ? t.data<T>() : nullptr; };
            const RMSpropRecord<T> r{
                params_[i].data<T>(),
                grad.data<T>(),
                {square_avg_[i].data<T>(), data(grad_avg_[i]), data(momentum_buffer_[i])},
                grad.numel(),
                options_,
                &lr_,
                &step_[i]};
            RMSpropRecord<T>::run(r);
            if (detail::capturing()) [[unlikely]]
                // Writes only state that persists across steps: the averages and the momentum
                // buffer start as zeros once, not at every replay.
                detail::capture_emit(r, {r.g}, {});
        });
    }
}

}  // namespace potatolemon::nn
