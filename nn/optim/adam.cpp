// Adam's and AdamW's step: one raw loop per parameter in its own precision; the bias corrections
// are computed in double and rounded once, as PyTorch's Python scalars are.
#include "nn/optim/adam.hpp"

#include <cmath>

#include "autograd/factories.hpp"

namespace potatolemon::nn {

namespace {
struct AdamScalars {
    double weight_decay, beta1, beta2, step_size, correction2_sqrt, eps;
    bool decoupled;
    double decay;  // AdamW's factor 1 - lr * weight_decay
};

template <class T>
void adam_update(T* p, const T* g, T* m, T* v, T* v_max, std::int64_t n, const AdamScalars& s) {
    const T weight_decay = T(s.weight_decay), beta1 = T(s.beta1), beta2 = T(s.beta2);
    const T one_minus_beta1 = T(1 - s.beta1), one_minus_beta2 = T(1 - s.beta2);
    const T correction2_sqrt = T(s.correction2_sqrt), eps = T(s.eps), step = T(-s.step_size);
    const T decay = T(s.decay);
    const bool coupled = !s.decoupled && s.weight_decay != 0;
    for (std::int64_t i = 0; i < n; ++i) {
        T d = g[i];
        if (s.decoupled) p[i] = p[i] * decay;  // PyTorch multiplies even when the factor is 1
        if (coupled) d = d + weight_decay * p[i];
        m[i] = m[i] * beta1 + one_minus_beta1 * d;
        v[i] = v[i] * beta2 + one_minus_beta2 * d * d;  // addcmul's order: (value * g) * g
        T second = v[i];
        if (v_max) {
            const T seen = v_max[i];  // torch.maximum: NaN in either wins
            second = v_max[i] = (seen != seen || seen > second) ? seen : second;
        }
        T denom = std::sqrt(second) / correction2_sqrt + eps;
        p[i] = p[i] + step * m[i] / denom;  // addcdiv's order: (value * m) / denom
    }
}

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
        const double t = static_cast<double>(++step_[i]);
        const AdamScalars s{options_.weight_decay,
                            options_.beta1,
                            options_.beta2,
                            lr_ / (1 - std::pow(options_.beta1, t)),
                            std::sqrt(1 - std::pow(options_.beta2, t)),
                            options_.eps,
                            decoupled_weight_decay_,
                            1 - lr_ * options_.weight_decay};
        dispatch(grad.dtype(), [&]<class T>() {
            T* v_max = options_.amsgrad ? max_exp_avg_sq_[i].data<T>() : nullptr;
            adam_update<T>(params_[i].data<T>(), grad.data<T>(), exp_avg_[i].data<T>(),
                           exp_avg_sq_[i].data<T>(), v_max, grad.numel(), s);
        });
    }
}

}  // namespace potatolemon::nn
