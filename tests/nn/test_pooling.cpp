// MaxPool2d and AvgPool2d: outputs and input gradients against torch.nn's in float64 and float32
// (reference/pooling_reference.py), stride defaulting to the kernel size, first and second
// derivatives through the modules, descriptions and refused arguments.
#include <doctest/doctest.h>

#include <functional>
#include <memory>

#include "autograd/potatolemon.hpp"
#include "layer_reference.hpp"
#include "nn/nn.hpp"
#include "nn_test_util.hpp"

using namespace potatolemon;
using nn::test::LayerReference;

namespace {
#include "reference/pooling_reference.inc"

struct PoolCase {
    const char* name;
    std::function<std::shared_ptr<nn::Module>()> make;
    Shape input;
};

// The cases of pooling_reference.py, in its order.
const std::vector<PoolCase> kCases = {
    {"max_default", [] { return std::make_shared<nn::MaxPool2d>(2); }, {2, 3, 6, 6}},
    {"max_odd_size", [] { return std::make_shared<nn::MaxPool2d>(2); }, {1, 2, 5, 7}},
    {"max_stride_padding_dilation",
     [] { return std::make_shared<nn::MaxPool2d>(Size2{3, 2}, Size2{2, 1}, 1, Size2{1, 2}); },
     {1, 2, 7, 8}},
    {"max_unbatched", [] { return std::make_shared<nn::MaxPool2d>(3, 2, 1); }, {2, 5, 5}},
    {"avg_default", [] { return std::make_shared<nn::AvgPool2d>(2); }, {2, 3, 6, 6}},
    {"avg_padding_included", [] { return std::make_shared<nn::AvgPool2d>(3, 2, 1); },
     {1, 2, 7, 6}},
    {"avg_padding_excluded", [] { return std::make_shared<nn::AvgPool2d>(3, 2, 1, false); },
     {1, 2, 7, 6}},
    {"avg_unbatched_rectangular",
     [] { return std::make_shared<nn::AvgPool2d>(Size2{2, 3}, 1); }, {2, 5, 6}},
};
}  // namespace

TEST_SUITE("pooling") {

TEST_CASE_TEMPLATE("MaxPool2d and AvgPool2d: outputs and gradients equal torch.nn's", T, float,
                   double) {
    const Dtype dtype = dtype_of<T>();
    for (const PoolCase& c : kCases) {
        auto layer = c.make();
        CHECK(layer->parameters().empty());
        nn::test::check_against(*layer, nn::test::pattern(c.input, 1, dtype),
                                nn::test::find_reference(kPoolingReference, c.name),
                                dtype == Dtype::float32 ? 1e-6 : 1e-14);
    }
}

TEST_CASE("MaxPool2d and AvgPool2d: gradcheck and gradgradcheck through the modules") {
    // pattern() has no ties within these windows, so the max is differentiable at the input;
    // finite differences of 1e-6 do not reorder values 1/8 apart.
    for (const PoolCase& c : kCases) {
        INFO(c.name);
        auto layer = c.make();
        Tensor x = nn::test::pattern(c.input, 1).requires_grad_();
        nn::test::check_grads([&layer](const std::vector<Tensor>& in) { return (*layer)(in[0]); },
                              {x});
    }
}

TEST_CASE("MaxPool2d and AvgPool2d: stride defaults to the kernel size") {
    Tensor x = nn::test::pattern(Shape{1, 1, 6, 6}, 1);
    CHECK(nn::MaxPool2d(3)(x).shape() == Shape{1, 1, 2, 2});
    CHECK(nn::MaxPool2d(3)(x).values() == nn::MaxPool2d(3, 3)(x).values());
    CHECK(nn::AvgPool2d(Size2{2, 3})(x).shape() == Shape{1, 1, 3, 2});
    CHECK(nn::AvgPool2d(3, 1)(x).shape() == Shape{1, 1, 4, 4});
}

TEST_CASE("MaxPool2d and AvgPool2d: braces {kh, kw} are a kH x kW kernel or stride (LibTorch)") {
    // AvgPool2d({2, 3}) was an ambiguous call: the braces could also build an AvgPool2d(2, 3)
    // (kernel 2, stride 3) to copy; the stride's braces did not convert at all.
    Tensor x = nn::test::pattern(Shape{1, 1, 6, 6}, 1);
    nn::AvgPool2d avg({2, 3});
    CHECK(avg.describe() == "AvgPool2d(kernel_size=(2, 3), stride=(2, 3), padding=0)");
    CHECK(avg(x).values() == nn::AvgPool2d(Size2{2, 3})(x).values());
    nn::MaxPool2d max({2, 3});
    CHECK(max.describe() ==
          "MaxPool2d(kernel_size=(2, 3), stride=(2, 3), padding=0, dilation=1)");
    CHECK(max(x).values() == nn::MaxPool2d(Size2{2, 3})(x).values());
    CHECK(nn::MaxPool2d({2, 3}, {1, 2}, {1, 0}).describe() ==
          "MaxPool2d(kernel_size=(2, 3), stride=(1, 2), padding=(1, 0), dilation=1)");
    CHECK(nn::AvgPool2d({2, 3}, {1, 2}).describe() ==
          "AvgPool2d(kernel_size=(2, 3), stride=(1, 2), padding=0)");
    CHECK(nn::MaxPool2d(2, std::nullopt).describe() == nn::MaxPool2d(2).describe());
}

TEST_CASE("MaxPool2d and AvgPool2d: describe themselves as torch.nn prints") {
    // repr()s printed by torch 1.13 (its MaxPool2d adds ceil_mode=False, which we lack).
    CHECK(nn::MaxPool2d(2).describe() ==
          "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1)");
    CHECK(nn::MaxPool2d({2, 3}, 1, 1, 2).describe() ==
          "MaxPool2d(kernel_size=(2, 3), stride=1, padding=1, dilation=2)");
    CHECK(nn::AvgPool2d(2).describe() == "AvgPool2d(kernel_size=2, stride=2, padding=0)");
    CHECK(nn::AvgPool2d(3, 2, 1, false).describe() ==
          "AvgPool2d(kernel_size=3, stride=2, padding=1, count_include_pad=false)");
}

TEST_CASE("MaxPool2d and AvgPool2d: bad arguments and inputs are refused, naming the op") {
    Tensor x = zeros(Shape{1, 1, 4, 4});
    CHECK_THROWS_WITH_AS(nn::MaxPool2d(0)(x), doctest::Contains("max_pool2d"), ShapeError);
    CHECK_THROWS_WITH_AS(nn::MaxPool2d(2, 2, 2)(x), doctest::Contains("max_pool2d"), ShapeError);
    CHECK_THROWS_WITH_AS(nn::MaxPool2d(2)(zeros(Shape{4, 4})), doctest::Contains("max_pool2d"),
                         ShapeError);
    CHECK_THROWS_WITH_AS(nn::AvgPool2d(5)(x), doctest::Contains("avg_pool2d"), ShapeError);
    CHECK_THROWS_WITH_AS(nn::AvgPool2d(2, 0)(x), doctest::Contains("avg_pool2d"), ShapeError);
}

}  // TEST_SUITE
