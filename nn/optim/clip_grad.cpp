// Gradient clipping: the norms are accumulated in double, then rounded to the gradients' dtype as
// torch's norm tensors are; the clip coefficient is formed in that dtype in torch's order.
#include "nn/optim/clip_grad.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>
#include <stdexcept>

#include "autograd/factories.hpp"

namespace potatolemon::nn {

namespace {
void check_argument(bool ok, const char* name, const char* what, double value) {
    if (ok) return;
    std::ostringstream message;
    message << name << ": invalid " << what << " " << value;
    throw std::invalid_argument(message.str());
}

// The p-norm of n values (p = infinity: the largest magnitude), summed in double in index order.
template <class T>
double norm_of(const T* x, std::int64_t n, double p) {
    double acc = 0;
    if (std::isinf(p)) {
        for (std::int64_t i = 0; i < n; ++i) {
            const double a = std::abs(static_cast<double>(x[i]));
            if (a > acc || a != a) acc = a;  // NaN wins, as torch's max
            if (acc != acc) break;
        }
        return acc;
    }
    for (std::int64_t i = 0; i < n; ++i) {
        const double a = std::abs(static_cast<double>(x[i]));
        acc += p == 1 ? a : p == 2 ? a * a : std::pow(a, p);
    }
    return p == 1 ? acc : p == 2 ? std::sqrt(acc) : std::pow(acc, 1 / p);
}

// The gradient to write: itself when the parameter holds the only other reference to it;
// otherwise a copy that replaces it, since backward may hand one gradient tensor to several
// parameters (x + y gives grad_out to both) and a caller may hold it.
Tensor writable_grad(Tensor& param) {
    Tensor grad = param.grad();
    const detail::TensorImpl* impl = grad.impl();
    if (impl->count.owned_here() && impl->count.use_count() == 2 && !impl->base && !impl->grad_fn)
        return grad;
    Tensor copy = empty(grad.shape(), grad.dtype());
    std::memcpy(copy.impl()->data, impl->data,
                static_cast<std::size_t>(grad.numel()) * dtype_size(grad.dtype()));
    param.set_grad(copy);
    return copy;
}

template <class T>
void scale(Tensor& grad, T factor) {
    T* g = grad.data<T>();
    for (std::int64_t i = 0, n = grad.numel(); i < n; ++i) g[i] = g[i] * factor;
}

// torch: clip_coef = max_norm / (total + 1e-6), which Tensor.__rtruediv__ evaluates as
// reciprocal(total + 1e-6) * max_norm, clamped to at most 1, all in the norms' dtype R.
template <class R>
double clip_by(const std::vector<Tensor>& params, const std::vector<double>& norms, double p,
               double max_norm) {
    double total = 0;
    if (std::isinf(p)) {
        for (double n : norms)
            if (n > total || n != n) total = n;
    } else {
        total = norm_of(norms.data(), static_cast<std::int64_t>(norms.size()), p);
    }
    const R total_r = static_cast<R>(total);
    const R coef = R(1) / (total_r + R(1e-6)) * static_cast<R>(max_norm);
    if (coef >= R(1)) return total_r;  // torch multiplies by 1 here, which changes nothing
    for (Tensor param : params) {      // a handle copy: set_grad is not const
        if (!param.grad().defined()) continue;
        Tensor grad = writable_grad(param);
        dispatch(grad.dtype(), [&]<class T>() { scale<T>(grad, static_cast<T>(coef)); });
    }
    return total_r;
}
}  // namespace

double clip_grad_norm_(const std::vector<Tensor>& params, double max_norm, double norm_type) {
    const char* name = "clip_grad_norm_";
    check_argument(max_norm >= 0, name, "max_norm", max_norm);
    check_argument(norm_type > 0, name, "norm_type (need p > 0 or infinity)", norm_type);
    std::vector<double> norms;
    bool any_double = false;
    for (const Tensor& p : params) {
        check_defined(p, name);
        const Tensor grad = p.grad();
        if (!grad.defined()) continue;
        dispatch(grad.dtype(), [&]<class T>() {
            // Each gradient's norm is a tensor of its dtype in torch, so rounded to it.
            norms.push_back(static_cast<T>(norm_of(grad.data<T>(), grad.numel(), norm_type)));
        });
        any_double = any_double || grad.dtype() == Dtype::float64;
    }
    if (norms.empty()) return 0;
    // torch.stack promotes the norms to a common dtype: float64 if any gradient is.
    return any_double ? clip_by<double>(params, norms, norm_type, max_norm)
                      : clip_by<float>(params, norms, norm_type, max_norm);
}

void clip_grad_value_(const std::vector<Tensor>& params, double clip_value) {
    const char* name = "clip_grad_value_";
    check_argument(clip_value >= 0, name, "clip_value", clip_value);
    for (const Tensor& p : params) check_defined(p, name);
    for (Tensor param : params) {  // a handle copy: set_grad is not const
        if (!param.grad().defined()) continue;
        Tensor grad = writable_grad(param);
        dispatch(grad.dtype(), [&]<class T>() {
            const T hi = static_cast<T>(clip_value), lo = -hi;
            T* g = grad.data<T>();
            for (std::int64_t i = 0, n = grad.numel(); i < n; ++i)
                g[i] = g[i] < lo ? lo : (g[i] > hi ? hi : g[i]);  // NaN compares false: kept
        });
    }
}

}  // namespace potatolemon::nn
