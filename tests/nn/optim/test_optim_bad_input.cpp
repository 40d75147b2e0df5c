// Bad input to the optimisers, schedulers and clipping: negative, NaN and out-of-range
// hyper-parameters, int64, non-leaf and undefined parameters. Each must throw (the documented
// std::invalid_argument, or the library's typed errors for tensors) with a message that starts
// with the class or function name; none may crash (the suite also runs under ASan+UBSan).
#include <doctest/doctest.h>

#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "autograd/potatolemon.hpp"
#include "nn/nn.hpp"

using namespace potatolemon;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// f() throws a std::logic_error (invalid_argument, ShapeError, DtypeError, GraphError all are)
// whose message starts with `name`. `line`: the caller's, for the report.
void expect_throw(const std::string& name, const std::function<void()>& f,
                  int line = __builtin_LINE()) {
    INFO("case at line ", line);
    try {
        f();
        FAIL_CHECK(name, ": returned instead of throwing");
    } catch (const std::logic_error& e) {
        INFO("message: ", std::string(e.what()));
        CHECK(std::string(e.what()).rfind(name, 0) == 0);
    } catch (const std::exception& e) {
        FAIL_CHECK(name, ": unexpected exception: ", std::string(e.what()));
    }
}

std::vector<Tensor> params() {
    return {zeros({2}).requires_grad_()};
}
}  // namespace

TEST_CASE("optimisers reject bad parameters and hyper-parameters, NaN included") {
    expect_throw("Adam", [] { nn::Adam(params(), {.lr = -1}); });
    expect_throw("Adam", [] { nn::Adam(params(), {.lr = kNaN}); });
    expect_throw("Adam", [] { nn::Adam(params(), {.beta1 = 1}); });
    expect_throw("Adam", [] { nn::Adam(params(), {.beta1 = kNaN}); });
    expect_throw("Adam", [] { nn::Adam(params(), {.beta2 = -0.1}); });
    expect_throw("Adam", [] { nn::Adam(params(), {.beta2 = kNaN}); });
    expect_throw("Adam", [] { nn::Adam(params(), {.eps = -1}); });
    expect_throw("Adam", [] { nn::Adam(params(), {.eps = kNaN}); });
    expect_throw("Adam", [] { nn::Adam(params(), {.weight_decay = kNaN}); });
    expect_throw("Adam", [] { nn::Adam({zeros({2}, Dtype::int64)}, {}); });
    expect_throw("Adam", [] { nn::Adam({Tensor{}}, {}); });
    expect_throw("Adam", [] { nn::Adam({zeros({2})}, {}); });
    expect_throw("AdamW", [] { nn::AdamW(params(), {.lr = kNaN}); });
    expect_throw("AdamW", [] { nn::AdamW(params(), {.beta1 = -0.5}); });
    expect_throw("AdamW", [] { nn::AdamW(params(), {.beta2 = 1}); });
    expect_throw("AdamW", [] { nn::AdamW(params(), {.weight_decay = -1}); });
    expect_throw("AdamW", [] { nn::AdamW(params(), {.weight_decay = kNaN}); });
    expect_throw("AdamW", [] {
        Tensor leaf = zeros({2}).requires_grad_();
        nn::AdamW({leaf * 2}, {});
    });
    expect_throw("RMSprop", [] { nn::RMSprop(params(), {.lr = -1}); });
    expect_throw("RMSprop", [] { nn::RMSprop(params(), {.lr = kNaN}); });
    expect_throw("RMSprop", [] { nn::RMSprop(params(), {.alpha = 1.5}); });
    expect_throw("RMSprop", [] { nn::RMSprop(params(), {.alpha = kNaN}); });
    expect_throw("RMSprop", [] { nn::RMSprop(params(), {.eps = kNaN}); });
    expect_throw("RMSprop", [] { nn::RMSprop(params(), {.weight_decay = -1}); });
    expect_throw("RMSprop", [] { nn::RMSprop(params(), {.momentum = kNaN}); });
    expect_throw("RMSprop", [] { nn::RMSprop({zeros({2}, Dtype::boolean)}, {}); });
    nn::AdamW opt(params(), {});
    expect_throw("AdamW", [&] { opt.set_lr(kNaN); });
    expect_throw("AdamW", [&] { opt.set_lr(-1); });
}

TEST_CASE("schedulers and clipping reject bad arguments, NaN included") {
    nn::AdamW opt(params(), {});
    expect_throw("StepLR", [&] { nn::StepLR(opt, 0); });
    expect_throw("StepLR", [&] { nn::StepLR(opt, -3); });
    expect_throw("StepLR", [&] { nn::StepLR(opt, 1, kNaN); });
    expect_throw("MultiStepLR", [&] { nn::MultiStepLR(opt, {3, 2}); });
    expect_throw("MultiStepLR", [&] { nn::MultiStepLR(opt, {1}, kNaN); });
    expect_throw("ExponentialLR", [&] { nn::ExponentialLR(opt, 0); });
    expect_throw("ExponentialLR", [&] { nn::ExponentialLR(opt, kNaN); });
    expect_throw("CosineAnnealingLR", [&] { nn::CosineAnnealingLR(opt, 0); });
    expect_throw("CosineAnnealingLR", [&] { nn::CosineAnnealingLR(opt, 5, -1); });
    expect_throw("CosineAnnealingLR", [&] { nn::CosineAnnealingLR(opt, 5, kNaN); });
    expect_throw("LinearLR", [&] { nn::LinearLR(opt, 0); });
    expect_throw("LinearLR", [&] { nn::LinearLR(opt, kNaN); });
    expect_throw("LinearLR", [&] { nn::LinearLR(opt, 0.5, 2); });
    expect_throw("LinearLR", [&] { nn::LinearLR(opt, 0.5, kNaN); });
    expect_throw("LinearLR", [&] { nn::LinearLR(opt, 0.5, 1, 0); });
    expect_throw("ReduceLROnPlateau", [&] { nn::ReduceLROnPlateau(opt, {.factor = 1}); });
    expect_throw("ReduceLROnPlateau", [&] { nn::ReduceLROnPlateau(opt, {.factor = kNaN}); });
    expect_throw("ReduceLROnPlateau", [&] { nn::ReduceLROnPlateau(opt, {.patience = -1}); });
    expect_throw("ReduceLROnPlateau", [&] { nn::ReduceLROnPlateau(opt, {.threshold = kNaN}); });
    expect_throw("ReduceLROnPlateau", [&] { nn::ReduceLROnPlateau(opt, {.min_lr = kNaN}); });
    expect_throw("ReduceLROnPlateau", [&] { nn::ReduceLROnPlateau(opt, {.eps = kNaN}); });
    std::vector<Tensor> ps = params();
    ps[0].set_grad(ones({2}));
    expect_throw("clip_grad_norm_", [&] { nn::clip_grad_norm_(ps, -1); });
    expect_throw("clip_grad_norm_", [&] { nn::clip_grad_norm_(ps, kNaN); });
    expect_throw("clip_grad_norm_", [&] { nn::clip_grad_norm_(ps, 1, 0); });
    expect_throw("clip_grad_norm_", [&] { nn::clip_grad_norm_(ps, 1, -2); });
    expect_throw("clip_grad_norm_", [&] { nn::clip_grad_norm_(ps, 1, kNaN); });
    expect_throw("clip_grad_norm_", [&] { nn::clip_grad_norm_(ps, 1, -kInf); });
    expect_throw("clip_grad_norm_", [&] { nn::clip_grad_norm_({Tensor{}}, 1); });
    expect_throw("clip_grad_value_", [&] { nn::clip_grad_value_(ps, -1); });
    expect_throw("clip_grad_value_", [&] { nn::clip_grad_value_(ps, kNaN); });
    expect_throw("clip_grad_value_", [&] { nn::clip_grad_value_({Tensor{}}, 1); });
}
