// Conv2d: parameter shapes and names, torch's default initialisation (bounds ±1/sqrt(fan_in),
// weight drawn before bias), outputs and gradients against torch.nn.Conv2d in float64 and
// float32 (reference/conv_reference.py), first and second derivatives through the module, the
// description and the refused arguments and inputs.
#include <doctest/doctest.h>

#include <cmath>

#include "autograd/potatolemon.hpp"
#include "layer_reference.hpp"
#include "nn/nn.hpp"
#include "nn_test_util.hpp"

using namespace potatolemon;
using nn::test::LayerReference;

namespace {
#include "reference/conv_reference.inc"

struct ConvCase {
    const char* name;
    std::int64_t in, out;
    Size2 kernel;
    nn::Conv2dOptions options;
    Shape input;
};

// The cases of conv_reference.py, in its order.
const std::vector<ConvCase> kCases = {
    {"default", 2, 3, 3, {}, {2, 2, 5, 6}},
    {"stride_padding", 2, 4, {3, 2}, {.stride = {2, 1}, .padding = {1, 2}}, {1, 2, 6, 5}},
    {"dilation_groups_no_bias", 4, 6, 3,
     {.padding = 2, .dilation = 2, .groups = 2, .bias = false}, {2, 4, 5, 5}},
    {"depthwise", 3, 3, 2, {.stride = {1, 2}, .groups = 3}, {1, 3, 4, 5}},
    {"one_by_one", 3, 2, 1, {}, {2, 3, 2, 3}},
};
}  // namespace

TEST_SUITE("conv") {

TEST_CASE("Conv2d: weight [out, in / groups, kH, kW] and bias [out], named as torch") {
    nn::Conv2d layer(4, 6, {3, 2}, {.groups = 2});
    auto named = layer.named_parameters();
    REQUIRE(named.size() == 2);
    CHECK(named[0].name == "weight");
    CHECK(named[0].tensor.shape() == Shape{6, 2, 3, 2});
    CHECK(named[1].name == "bias");
    CHECK(named[1].tensor.shape() == Shape{6});
    for (const auto& p : named) CHECK((p.tensor.requires_grad() && p.tensor.is_leaf()));
    nn::Conv2d no_bias(4, 6, 3, {.bias = false});
    CHECK(no_bias.parameters().size() == 1);
    CHECK_FALSE(no_bias.bias().defined());
    CHECK(no_bias.buffers().empty());
}

TEST_CASE("Conv2d: default init is U(±1/sqrt(fan_in)), weight drawn first, as torch.nn.Conv2d") {
    Generator gen(11), replay(11);
    nn::Conv2d layer(8, 16, {3, 2}, {.groups = 2}, gen);
    const double bound = 1.0 / std::sqrt(8.0 / 2 * 3 * 2);  // fan_in = in / groups * kH * kW
    // Replaying the generator: the same two draws, in the same order, give the same numbers.
    CHECK(layer.weight().values() == uniform(Shape{16, 4, 3, 2}, -bound, bound, replay).values());
    CHECK(layer.bias().values() == uniform(Shape{16}, -bound, bound, replay).values());
    double largest = 0;
    for (double v : layer.weight().values()) largest = std::max(largest, std::abs(v));
    CHECK(largest <= bound);
    CHECK(largest > 0.95 * bound);  // 384 draws reach close to the bound
}

TEST_CASE_TEMPLATE("Conv2d: outputs and gradients equal torch.nn.Conv2d's", T, float, double) {
    const Dtype dtype = dtype_of<T>();
    for (const ConvCase& c : kCases) {
        nn::Conv2d layer(c.in, c.out, c.kernel, c.options);
        layer.to(dtype);
        nn::test::set_parameters(layer, 100);
        nn::test::check_against(layer, nn::test::pattern(c.input, 1, dtype),
                                nn::test::find_reference(kConvReference, c.name),
                                dtype == Dtype::float32 ? 1e-5 : 1e-12);
    }
}

TEST_CASE("Conv2d: gradcheck and gradgradcheck through the module") {
    for (const ConvCase& c : kCases) {
        INFO(c.name);
        nn::Conv2d layer(c.in, c.out, c.kernel, c.options);
        nn::test::check_module_grads(layer, c.input);
    }
}

TEST_CASE("Conv2d: describes itself as torch.nn.Conv2d prints") {
    // repr()s printed by torch 1.13 for the same arguments (bias as true/false here).
    CHECK(nn::Conv2d(1, 8, 3, {.padding = 1}).describe() ==
          "Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))");
    CHECK(nn::Conv2d(2, 4, {1, 3}, {.stride = 2, .dilation = 2, .groups = 2, .bias = false})
              .describe() ==
          "Conv2d(2, 4, kernel_size=(1, 3), stride=(2, 2), dilation=(2, 2), groups=2, "
          "bias=false)");
    CHECK(nn::Conv2d(1, 8, 3, {.padding = {0, 1}}).describe() ==
          "Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1), padding=(0, 1))");
}

TEST_CASE("Conv2d: bad arguments throw ShapeError naming Conv2d, bad inputs naming conv2d") {
    auto refused = [](auto make, const char* text) {
        CHECK_THROWS_WITH_AS(make(), doctest::Contains(text), ShapeError);
    };
    refused([] { return nn::Conv2d(-1, 2, 3); }, "Conv2d: in_channels -1");
    refused([] { return nn::Conv2d(2, 2, {0, 3}); }, "Conv2d: kernel_size (0, 3)");
    refused([] { return nn::Conv2d(2, 2, 3, {.stride = 0}); }, "Conv2d: stride (0, 0)");
    refused([] { return nn::Conv2d(2, 2, 3, {.padding = {1, -1}}); }, "Conv2d: padding (1, -1)");
    refused([] { return nn::Conv2d(2, 2, 3, {.dilation = 0}); }, "Conv2d: dilation");
    refused([] { return nn::Conv2d(3, 2, 3, {.groups = 2}); }, "Conv2d: groups 2");
    refused([] { return nn::Conv2d(2, 3, 3, {.groups = 2}); }, "Conv2d: groups 2");
    refused([] { return nn::Conv2d(2, 2, 3, {.groups = 0}); }, "Conv2d: groups 0");
    nn::Conv2d layer(3, 4, 3);
    CHECK_THROWS_WITH_AS(layer(zeros(Shape{1, 2, 5, 5})), doctest::Contains("conv2d"),
                         ShapeError);
    CHECK_THROWS_WITH_AS(layer(zeros(Shape{1, 3, 2, 2})), doctest::Contains("conv2d"),
                         ShapeError);
}

}  // TEST_SUITE
