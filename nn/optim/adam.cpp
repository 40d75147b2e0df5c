// Adam's and AdamW's step: one raw loop per parameter in its own precision; the bias corrections
// are computed in double and rounded once, as PyTorch's Python scalars are.
#include "nn/optim/adam.hpp"

#include <cmath>

#include "autograd/capture.hpp"
#include "autograd/elementwise_kernels.hpp"
#include "autograd/factories.hpp"

namespace potatolemon::nn {

namespace {
struct AdamScalars {
    double weight_decay, beta1, beta2, step_size, correction2_sqrt, eps;
    bool decoupled;
    double decay;  // AdamW's factor 1 - lr * weight_decay
};

enum class Decay { none, coupled, decoupled };

// One loop per kind of weight decay and amsgrad, with no branch inside, and restrict pointers:
// it vectorises (square roots and divisions included).
template <class T, Decay decay_kind, bool amsgrad>
[[gnu::always_inline]] inline void adam_loop(T* __restrict p, const T* __restrict g,
                                             T* __restrict m, T* __restrict v, T* __restrict v_max,
                                             std::int64_t n, const AdamScalars& s) {
    const T weight_decay = T(s.weight_decay), beta1 = T(s.beta1), beta2 = T(s.beta2);
    const T one_minus_beta1 = T(1 - s.beta1), one_minus_beta2 = T(1 - s.beta2);
    const T correction2_sqrt = T(s.correction2_sqrt), eps = T(s.eps), step = T(-s.step_size);
    const T decay = T(s.decay);
    for (std::int64_t i = 0; i < n; ++i) {
        T d = g[i];
        // PyTorch multiplies even when the factor is 1.
        if constexpr (decay_kind == Decay::decoupled) p[i] = p[i] * decay;
        if constexpr (decay_kind == Decay::coupled) d = d + weight_decay * p[i];
        m[i] = m[i] * beta1 + one_minus_beta1 * d;
        v[i] = v[i] * beta2 + one_minus_beta2 * d * d;  // addcmul's order: (value * g) * g
        T second = v[i];
        if constexpr (amsgrad) {
            const T seen = v_max[i];  // torch.maximum: NaN in either wins
            second = v_max[i] = (seen != seen || seen > second) ? seen : second;
        }
        T denom = std::sqrt(second) / correction2_sqrt + eps;
        p[i] = p[i] + step * m[i] / denom;  // addcdiv's order: (value * m) / denom
    }
}

template <class T, Decay decay_kind>
[[gnu::always_inline]] inline void adam_loop(T* p, const T* g, T* m, T* v, T* v_max, std::int64_t n,
                                             const AdamScalars& s) {
    if (v_max) return adam_loop<T, decay_kind, true>(p, g, m, v, v_max, n, s);
    adam_loop<T, decay_kind, false>(p, g, m, v, v_max, n, s);
}

// v_max is null without amsgrad. The AVX-512 build of the loop runs where the CPU has one.
template <class T>
void adam_update(T* p, const T* g, T* m, T* v, T* v_max, std::int64_t n, const AdamScalars& s) {
    detail::wide_or_baseline(
        n, [&]() __attribute__((always_inline)) {
            if (s.decoupled) return adam_loop<T, Decay::decoupled>(p, g, m, v, v_max, n, s);
            if (s.weight_decay != 0) return adam_loop<T, Decay::coupled>(p, g, m, v, v_max, n, s);
            adam_loop<T, Decay::none>(p, g, m, v, v_max, n, s);
        });
}

// Step t's scalars: the bias corrections in double, rounded once.
AdamScalars adam_scalars(const AdamOptions& o, bool decoupled, double lr, std::int64_t step) {
    const double t = static_cast<double>(step);
    return {o.weight_decay,
            o.beta1,
            o.beta2,
            lr / (1 - std::pow(o.beta1, t)),
            std::sqrt(1 - std::pow(o.beta2, t)),
            o.eps,
            decoupled,
            1 - lr * o.weight_decay};
}

// One parameter's update as a replay record: the rate and the step count are read from the
// optimiser at each replay, and the count advances as eager's does.
template <class T>
struct AdamRecord {
    static constexpr const char* name = "Adam";
    T *p, *m, *v, *v_max;
    const T* g;
    std::int64_t n;
    AdamOptions options;
    bool decoupled;
    const double* lr;
    std::int64_t* step;
    static void run(const AdamRecord& r) {
        const AdamScalars s = adam_scalars(r.options, r.decoupled, *r.lr, ++*r.step);
        adam_update<T>(r.p, r.g, r.m, r.v, r.v_max, r.n, s);
    }
};

AdamOptions as_adam(const AdamWOptions& o) {
    return {o.lr, o.beta1, o.beta2, o.eps, o.weight_decay, o.amsgrad};
}
}  // namespace

Adam::Adam(std::vector<Tensor> params, AdamOptions options)
    : Adam(std::move(params), options, false, "Adam") {}

Adam::Adam(std::vector<Tensor> params, AdamOptions options, bool decoupled_weight_decay,
           const char* name)
    : Optimizer(std::move(params), options.lr, name),
      options_(options),
      decoupled_weight_decay_(decoupled_weight_decay),
      exp_avg_(params_.size()),
      exp_avg_sq_(params_.size()),
      max_exp_avg_sq_(params_.size()),
      step_(params_.size(), 0) {
    check_hyper(options.beta1 >= 0 && options.beta1 < 1, name, "beta1", options.beta1);
    check_hyper(options.beta2 >= 0 && options.beta2 < 1, name, "beta2", options.beta2);
    check_hyper(options.eps >= 0, name, "eps", options.eps);
    check_hyper(options.weight_decay >= 0, name, "weight_decay", options.weight_decay);
    register_steps(step_);
    register_state("exp_avg", exp_avg_, true);
    register_state("exp_avg_sq", exp_avg_sq_, true);
    register_state("max_exp_avg_sq", max_exp_avg_sq_, options.amsgrad);
}

io::Json::Object Adam::hyperparameters() const {
    return {{"betas", io::Json::Array{options_.beta1, options_.beta2}},
            {"eps", options_.eps},
            {"weight_decay", options_.weight_decay},
            {"amsgrad", options_.amsgrad}};
}

AdamW::AdamW(std::vector<Tensor> params, AdamWOptions options)
    : Adam(std::move(params), as_adam(options), true, "AdamW") {}

void Adam::step() {
    for (std::size_t i = 0; i < params_.size(); ++i) {
        Tensor grad = params_[i].grad();  // set_grad keeps it the parameter's shape and dtype
        if (!grad.defined()) continue;
        if (!exp_avg_[i].defined()) {
            exp_avg_[i] = zeros_like(params_[i]);
            exp_avg_sq_[i] = zeros_like(params_[i]);
            if (options_.amsgrad) max_exp_avg_sq_[i] = zeros_like(params_[i]);
        }
        const AdamScalars s = adam_scalars(options_, decoupled_weight_decay_, lr_, ++step_[i]);
        dispatch(grad.dtype(), [&]<class T>() {
            AdamRecord<T> r{params_[i].data<T>(),
                            exp_avg_[i].data<T>(),
                            exp_avg_sq_[i].data<T>(),
                            options_.amsgrad ? max_exp_avg_sq_[i].data<T>() : nullptr,
                            grad.data<T>(),
                            grad.numel(),
                            options_,
                            decoupled_weight_decay_,
                            &lr_,
                            &step_[i]};
            adam_update<T>(r.p, r.g, r.m, r.v, r.v_max, r.n, s);
            if (detail::capturing()) [[unlikely]]
                // Writes only state that persists across steps: the moments start as zeros once,
                // not at every replay.
                detail::capture_emit(r, {r.g}, {});
        });
    }
}

}  // namespace potatolemon::nn
