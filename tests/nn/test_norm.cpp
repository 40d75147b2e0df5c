// BatchNorm1d, BatchNorm2d and LayerNorm: parameter and buffer names and initial values, outputs,
// gradients and running statistics after several training steps against torch.nn's in float64
// and float32 (reference/norm_reference.py), train/eval behaviour, first and second derivatives
// through the modules, descriptions and refused inputs.
#include <doctest/doctest.h>

#include <cmath>
#include <functional>
#include <memory>

#include "autograd/potatolemon.hpp"
#include "layer_reference.hpp"
#include "nn/nn.hpp"
#include "nn_test_util.hpp"

using namespace potatolemon;
using nn::test::LayerReference;

namespace {
#include "reference/norm_reference.inc"

struct NormCase {
    const char* name;
    std::function<std::shared_ptr<nn::Module>()> make;
    Shape input;
};

template <class M, class... Args>
std::function<std::shared_ptr<nn::Module>()> maker(Args... args) {
    return [=] { return std::make_shared<M>(args...); };
}

// The cases of norm_reference.py, in its order.
const std::vector<NormCase> kBatchNormCases = {
    {"bn1d_rank2", maker<nn::BatchNorm1d>(3), {4, 3}},
    {"bn1d_rank3_momentum", maker<nn::BatchNorm1d>(3, nn::BatchNormOptions{.momentum = 0.3}),
     {2, 3, 5}},
    {"bn2d", maker<nn::BatchNorm2d>(3), {2, 3, 3, 4}},
    {"bn2d_cumulative",
     maker<nn::BatchNorm2d>(2, nn::BatchNormOptions{.eps = 1e-3, .momentum = std::nullopt}),
     {3, 2, 2, 2}},
    {"bn2d_no_affine", maker<nn::BatchNorm2d>(2, nn::BatchNormOptions{.affine = false}),
     {2, 2, 3, 3}},
    {"bn1d_untracked",
     maker<nn::BatchNorm1d>(3, nn::BatchNormOptions{.track_running_stats = false}), {5, 3}},
};
const std::vector<NormCase> kLayerNormCases = {
    {"ln_last_dim", maker<nn::LayerNorm>(std::vector<std::int64_t>{4}), {2, 3, 4}},
    {"ln_two_dims", maker<nn::LayerNorm>(std::vector<std::int64_t>{3, 4}, 1e-3), {2, 3, 4}},
    {"ln_no_affine", maker<nn::LayerNorm>(std::vector<std::int64_t>{5}, 1e-5, false), {3, 5}},
};
constexpr int kSteps = 3;  // training steps before the state is compared

std::vector<double> state_of(const nn::BatchNormBase& bn) {
    if (!bn.options().track_running_stats) return {};
    std::vector<double> state = bn.running_mean().values();
    for (double v : bn.running_var().values()) state.push_back(v);
    state.push_back(static_cast<double>(bn.num_batches_tracked()));
    return state;
}
}  // namespace

TEST_SUITE("norm") {

TEST_CASE("BatchNorm2d: parameters and buffers named and initialised as torch's") {
    nn::Sequential net{std::make_shared<nn::Conv2d>(1, 3, 3), std::make_shared<nn::BatchNorm2d>(3)};
    std::vector<std::string> names;
    for (const auto& entry : net.state_dict()) names.push_back(entry.name);
    CHECK(names == std::vector<std::string>{"0.weight", "0.bias", "1.weight", "1.bias",
                                            "1.running_mean", "1.running_var",
                                            "1.num_batches_tracked"});
    auto& bn = net.at<nn::BatchNorm2d>(1);
    CHECK(bn.weight().values() == std::vector<double>{1, 1, 1});
    CHECK(bn.bias().values() == std::vector<double>{0, 0, 0});
    CHECK(bn.running_mean().values() == std::vector<double>{0, 0, 0});
    CHECK(bn.running_var().values() == std::vector<double>{1, 1, 1});
    CHECK(net.buffers()[2].dtype() == Dtype::int64);
    CHECK(net.buffers()[2].shape() == Shape{});
    CHECK(bn.num_batches_tracked() == 0);
    nn::BatchNorm1d bare(4, {.affine = false, .track_running_stats = false});
    CHECK(bare.state_dict().empty());
    CHECK_FALSE(bare.weight().defined());
    CHECK_FALSE(bare.running_mean().defined());
}

TEST_CASE_TEMPLATE("BatchNorm: outputs, gradients and running statistics equal torch.nn's", T,
                   float, double) {
    const Dtype dtype = dtype_of<T>();
    const double tol = dtype == Dtype::float32 ? 1e-4 : 1e-12;
    for (const NormCase& c : kBatchNormCases) {
        INFO(c.name);
        auto layer = c.make();
        auto& bn = dynamic_cast<nn::BatchNormBase&>(*layer);
        layer->to(dtype);
        nn::test::set_parameters(*layer, 100);
        const std::string name = c.name;
        for (int step = 0; step + 1 < kSteps; ++step)
            (*layer)(nn::test::pattern(c.input, 10 + step, dtype));
        nn::test::check_against(*layer, nn::test::pattern(c.input, 10 + kSteps - 1, dtype),
                                nn::test::find_reference(kNormReference, name + "/train"), tol);
        nn::test::check_close(state_of(bn),
                              nn::test::find_reference(kNormReference, name + "/state").out, tol,
                              "running_mean, running_var, num_batches_tracked");
        layer->eval();
        nn::test::check_against(*layer, nn::test::pattern(c.input, 20, dtype),
                                nn::test::find_reference(kNormReference, name + "/eval"), tol);
        nn::test::check_close(state_of(bn),
                              nn::test::find_reference(kNormReference, name + "/state").out, tol,
                              "state unchanged by an eval forward");
    }
}

TEST_CASE_TEMPLATE("LayerNorm: outputs and gradients equal torch.nn.LayerNorm's", T, float,
                   double) {
    const Dtype dtype = dtype_of<T>();
    for (const NormCase& c : kLayerNormCases) {
        auto layer = c.make();
        layer->to(dtype);
        nn::test::set_parameters(*layer, 100);
        nn::test::check_against(*layer, nn::test::pattern(c.input, 1, dtype),
                                nn::test::find_reference(kNormReference, c.name),
                                dtype == Dtype::float32 ? 1e-5 : 1e-12);
    }
}

TEST_CASE("BatchNorm: a training forward counts and updates; eval and untracked leave state") {
    nn::BatchNorm1d bn(2);
    Tensor x = nn::test::pattern(Shape{4, 2}, 1);
    bn.to(Dtype::float64);
    bn(x);
    bn(x);
    CHECK(bn.num_batches_tracked() == 2);
    std::vector<double> mean = bn.running_mean().values();
    CHECK(mean != std::vector<double>{0, 0});
    bn.eval();
    Tensor out = bn(x);
    CHECK(bn.num_batches_tracked() == 2);
    CHECK(bn.running_mean().values() == mean);
    // In eval mode the running statistics normalise: (x - mean) / sqrt(var + eps).
    const double expected = (x.at({0, 0}) - mean[0]) / std::sqrt(bn.running_var().at({0}) + 1e-5);
    CHECK(out.at({0, 0}) == doctest::Approx(expected).epsilon(1e-12));
    bn.train();
    CHECK_THROWS_AS(bn(zeros(Shape{4, 3}, Dtype::float64)), ShapeError);
    CHECK(bn.num_batches_tracked() == 2);  // a refused input is not counted
}

TEST_CASE("BatchNorm and LayerNorm: empty batches give empty outputs, as torch") {
    // torch 1.13: BatchNorm2d(3) on [0, 3, 2, 2] in training returns [0, 3, 2, 2], counts the
    // batch and leaves the running statistics; BatchNorm1d(3) on [2, 3, 0] likewise.
    nn::BatchNorm2d bn2(3);
    CHECK(bn2(zeros(Shape{0, 3, 2, 2})).shape() == Shape{0, 3, 2, 2});
    CHECK(bn2.num_batches_tracked() == 1);
    CHECK(bn2.running_mean().values() == std::vector<double>{0, 0, 0});
    CHECK(bn2.running_var().values() == std::vector<double>{1, 1, 1});
    nn::BatchNorm1d bn1(3);
    CHECK(bn1(zeros(Shape{2, 3, 0})).shape() == Shape{2, 3, 0});
    CHECK(bn1.running_var().values() == std::vector<double>{1, 1, 1});
    CHECK(nn::LayerNorm({3})(zeros(Shape{0, 3})).shape() == Shape{0, 3});
}

TEST_CASE("BatchNorm and LayerNorm: gradcheck and gradgradcheck in training and eval mode") {
    for (const NormCase& c : kBatchNormCases) {
        INFO(c.name);
        auto layer = c.make();
        layer->to(Dtype::float64);
        nn::test::set_parameters(*layer, 100);
        nn::test::check_module_grads(*layer, c.input);
        layer->eval();
        nn::test::check_module_grads(*layer, c.input);
    }
    for (const NormCase& c : kLayerNormCases) {
        INFO(c.name);
        auto layer = c.make();
        nn::test::check_module_grads(*layer, c.input);
    }
}

TEST_CASE("BatchNorm and LayerNorm: describe themselves as torch.nn prints") {
    // repr()s printed by torch 1.13 for the same arguments (bools as true/false here).
    CHECK(nn::BatchNorm2d(8).describe() ==
          "BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=true, track_running_stats=true)");
    CHECK(nn::BatchNorm1d(4, {.momentum = std::nullopt, .affine = false,
                              .track_running_stats = false})
              .describe() ==
          "BatchNorm1d(4, eps=1e-05, momentum=None, affine=false, track_running_stats=false)");
    CHECK(nn::LayerNorm({4, 5}).describe() ==
          "LayerNorm((4, 5), eps=1e-05, elementwise_affine=true)");
    CHECK(nn::LayerNorm({4}, 1e-5, false).describe() ==
          "LayerNorm((4,), eps=1e-05, elementwise_affine=false)");
}

TEST_CASE("BatchNorm and LayerNorm: refused inputs name the layer or op") {
    CHECK_THROWS_WITH_AS(nn::BatchNorm1d(3)(zeros(Shape{2, 3, 4, 5})),
                         doctest::Contains("BatchNorm1d: expected input [N, C] or [N, C, L]"),
                         ShapeError);
    CHECK_THROWS_WITH_AS(nn::BatchNorm2d(3)(zeros(Shape{2, 3, 4})),
                         doctest::Contains("BatchNorm2d: expected input [N, C, H, W] with C = 3"),
                         ShapeError);
    CHECK_THROWS_WITH_AS(nn::BatchNorm2d(3)(zeros(Shape{2, 4, 2, 2})),
                         doctest::Contains("got [2, 4, 2, 2]"), ShapeError);
    // torch: "Expected more than 1 value per channel when training, got input size [1, 3]".
    CHECK_THROWS_WITH_AS(nn::BatchNorm1d(3)(zeros(Shape{1, 3})),
                         doctest::Contains("BatchNorm1d: expected more than 1 value per channel"),
                         ShapeError);
    nn::BatchNorm1d eval_mode(3);  // the running statistics need no batch: 1 / sqrt(1 + eps)
    eval_mode.eval();
    CHECK(eval_mode(ones(Shape{1, 3})).at({0, 2}) == doctest::Approx(1 / std::sqrt(1 + 1e-5)));
    CHECK_THROWS_WITH_AS(nn::BatchNorm2d(-1), doctest::Contains("BatchNorm2d"), ShapeError);
    CHECK_THROWS_WITH_AS(nn::LayerNorm({2, -1}), doctest::Contains("LayerNorm: normalized_shape"),
                         ShapeError);
    CHECK_THROWS_WITH_AS(nn::LayerNorm({4})(zeros(Shape{2, 3})), doctest::Contains("layer_norm"),
                         ShapeError);
}

}  // TEST_SUITE
