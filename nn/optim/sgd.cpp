// SGD's step: one raw loop per parameter, in the parameter's own precision so float32 runs round
// as PyTorch's do.
#include "nn/optim/sgd.hpp"

#include <stdexcept>

#include "autograd/capture.hpp"
#include "autograd/factories.hpp"

namespace potatolemon::nn {

namespace {
template <class T>
void sgd_update(T* __restrict p, const T* __restrict g, T* __restrict buf, bool first_step,
                std::int64_t n, const SGDOptions& o, double lr) {
    // Options copied to locals and restrict pointers: the loop vectorises (it runs once per
    // parameter per step, over every weight of the model).
    const T weight_decay = T(o.weight_decay), momentum = T(o.momentum);
    const T keep = T(1 - o.dampening), step = T(-lr);
    const bool decay = o.weight_decay != 0, use_momentum = o.momentum != 0, nesterov = o.nesterov;
    for (std::int64_t i = 0; i < n; ++i) {
        T d = g[i];
        if (decay) d = d + weight_decay * p[i];
        if (use_momentum) {
            T b = first_step ? d : buf[i] * momentum + keep * d;
            buf[i] = b;
            d = nesterov ? d + momentum * b : b;
        }
        p[i] = p[i] + step * d;
    }
}
// One parameter's update as a replay record: the rate is read from the optimiser at each replay,
// and the momentum buffer already holds a value (the captured step filled it).
template <class T>
struct SGDRecord {
    static constexpr const char* name = "SGD";
    T* p;
    const T* g;
    T* buf;
    std::int64_t n;
    SGDOptions options;
    const double* lr;
    static void run(const SGDRecord& r) {
        sgd_update<T>(r.p, r.g, r.buf, false, r.n, r.options, *r.lr);
    }
};
}  // namespace

SGD::SGD(std::vector<Tensor> params, SGDOptions options)
    : Optimizer(std::move(params), options.lr, "SGD"),
      options_(options),
      momentum_buffer_(params_.size()) {
    check_hyper(options.momentum >= 0, "SGD", "momentum", options.momentum);
    check_hyper(options.weight_decay >= 0, "SGD", "weight_decay", options.weight_decay);
    if (options.nesterov && (options.momentum <= 0 || options.dampening != 0))
        throw std::invalid_argument("SGD: nesterov momentum needs momentum > 0 and dampening 0");
    register_state("momentum_buffer", momentum_buffer_, options.momentum != 0);
}

io::Json::Object SGD::hyperparameters() const {
    return {{"momentum", options_.momentum},
            {"dampening", options_.dampening},
            {"nesterov", options_.nesterov},
            {"weight_decay", options_.weight_decay}};
}

void SGD::step() {
    for (std::size_t i = 0; i < params_.size(); ++i) {
        Tensor grad = params_[i].grad();  // set_grad keeps it the parameter's shape and dtype
        if (!grad.defined()) continue;
        Tensor& buf = momentum_buffer_[i];
        const bool first_step = !buf.defined();
        if (options_.momentum != 0 && first_step) buf = empty(params_[i].shape(), grad.dtype());
        dispatch(grad.dtype(), [&]<class T>() {
            T* b = buf.defined() ? buf.data<T>() : nullptr;
            sgd_update<T>(params_[i].data<T>(), grad.data<T>(), b, first_step, grad.numel(),
                          options_, lr_);
            if (detail::capturing()) [[unlikely]]
                detail::capture_emit(SGDRecord<T>{params_[i].data<T>(), grad.data<T>(), b,
                                                  grad.numel(), options_, &lr_},
                                     {grad.data<T>()}, {});  // writes only state that persists
        });
    }
}

}  // namespace potatolemon::nn
