// Extreme shapes: sizes whose products overflow int64 (with or without a dim of 0), sums of sizes
// past int64, ranks above Shape::kMaxRank and ranges too long to count throw typed errors naming
// the op; empty tensors whose other dims are huge (but fit) go through ops as empty results; a
// tensor too large to allocate throws OutOfMemoryError. Under the sanitizer build these also show
// that no size arithmetic overflows on the way.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "autograd/potatolemon.hpp"

using namespace potatolemon;

// The sanitizer build's malloc reports a request past its limit as an error unless told to return
// null, as malloc does (this executable's default; the CI's ASAN_OPTIONS add to it).
extern "C" const char* __asan_default_options() {
    return "allocator_may_return_null=1";
}

namespace {
constexpr std::int64_t kTerabyte = std::int64_t(1) << 40;  // kTerabyte² overflows int64
constexpr std::int64_t kHuge = std::int64_t(1) << 62;
constexpr std::int64_t kBig = std::int64_t(1) << 30;  // kBig² fits

Tensor empty_of(const Shape& shape) {
    return zeros(shape, Dtype::float64).requires_grad_();
}

// The op throws ShapeError and its message starts with `op`.
template <class F>
void check_shape_error(const std::string& op, F&& call) {
    INFO(op);
    try {
        call();
        FAIL_CHECK("returned instead of throwing");
    } catch (const ShapeError& e) {
        CHECK_MESSAGE(std::string(e.what()).rfind(op + ":", 0) == 0, std::string(e.what()));
    }
}
}  // namespace

TEST_CASE("element counts past int64 throw ShapeError wherever a 0 dim sits") {
    for (Shape shape : {Shape{kTerabyte, kTerabyte}, Shape{0, kTerabyte, kTerabyte},
                        Shape{kTerabyte, kTerabyte, 0}, Shape{kTerabyte, 0, kTerabyte}}) {
        INFO(to_string(shape));
        check_shape_error("shape", [&] { zeros(shape); });
        check_shape_error("shape", [&] { randn(shape); });
        Tensor one = ones(Shape(std::vector<std::int64_t>(shape.rank(), 1)));
        check_shape_error("shape", [&] { expand(one, shape); });
    }
    check_shape_error("shape", [] { zeros({kTerabyte, kTerabyte}, Dtype::int64); });
    check_shape_error("reshape", [] { reshape(zeros({0}), {kTerabyte, kTerabyte, 0}); });
    check_shape_error("reshape", [] { reshape(zeros({0}), {0, kTerabyte, kTerabyte}); });
    check_shape_error("reshape", [] { reshape(zeros({4}), {kHuge, kHuge, -1}); });
    check_shape_error("reshape", [] { reshape(zeros({0, 3}), {0, -1}); });  // -1: any size
}

TEST_CASE("sizes adding up past int64 throw ShapeError naming the op") {
    check_shape_error("concat", [] { concat({empty_of({0, kHuge}), empty_of({0, kHuge})}, 1); });
    check_shape_error("pad", [] { pad(empty_of({0, kHuge}), {kHuge, kHuge}); });
    check_shape_error("arange", [] { arange(0, 1e30); });
    check_shape_error("arange", [] { arange(-1e300, 1e300, 1e-300); });
    // [2, 0] @ [0, 2^62] is zeros [2, 2^62]: more elements than int64 counts.
    check_shape_error("shape", [] { matmul(empty_of({2, 0}), empty_of({0, kHuge})); });
}

TEST_CASE("ranks above Shape::kMaxRank throw ShapeError") {
    std::vector<std::int64_t> ones_past(Shape::kMaxRank + 1, 1);
    Tensor deepest = zeros(Shape(std::vector<std::int64_t>(Shape::kMaxRank, 1)));
    check_shape_error("shape", [&] { zeros(Shape(ones_past)); });
    check_shape_error("shape", [&] { reshape(deepest, ones_past); });
    check_shape_error("shape", [&] { unsqueeze(deepest, 0); });
    check_shape_error("shape", [&] { stack({deepest, deepest}, 0); });
    check_shape_error("shape", [&] { expand(deepest, Shape(ones_past)); });
}

TEST_CASE("empty tensors with huge other dims go through ops as empty results") {
    Tensor x = empty_of({0, kBig, kBig});
    auto check = [&](const char* what, const Tensor& out, const Shape& want) {
        INFO(what);
        CHECK(out.shape() == want);
    };
    check("sum over dims 1, 2", sum(x, {1, 2}), {0});
    check("mean over dim 2", mean(x, {2}), {0, kBig});
    check("max over dim 2", max(x, 2).values, {0, kBig});
    check("argmin over dim 1", argmin(x, 1), {0, kBig});
    check("var over dims 1, 2", var(x, {1, 2}), {0});
    check("logsumexp over dim 1", logsumexp(x, {1}), {0, kBig});
    check("softmax", softmax(x, 2), {0, kBig, kBig});
    check("log_softmax", log_softmax(x, 1), {0, kBig, kBig});
    check("exp", exp(x), {0, kBig, kBig});
    check("add rank 0", x + 1.0, {0, kBig, kBig});
    check("where", where(zeros({0, 1, 1}, Dtype::boolean), x, scalar_tensor(1, Dtype::float64)),
          {0, kBig, kBig});
    check("permute", permute(x, {2, 0, 1}), {kBig, 0, kBig});
    check("transpose", transpose(x, 1, 2), {0, kBig, kBig});
    check("flatten from 1", flatten(x, 1), {0, kBig * kBig});
    check("reshape", reshape(x, {kBig, -1, kBig}), {kBig, 0, kBig});
    check("slice", slice(x, 2, 1, kBig - 1, 3), {0, kBig, (kBig - 2 + 2) / 3});
    check("index_select", index_select(x, 1, zeros({2}, Dtype::int64)), {0, 2, kBig});
    check("gather", gather(x, 2, zeros({0, 1, 1}, Dtype::int64)), {0, 1, 1});
    check("concat", concat({x, x}, 1), {0, 2 * kBig, kBig});
    check("stack", stack({x, x}, 3), {0, kBig, kBig, 2});
    check("pad", pad(x, {1, 1}), {0, kBig, kBig + 2});
    check("expand", expand(empty_of({0, 1, 1}), {0, kBig, kBig}), {0, kBig, kBig});
    check("dropout", dropout(x, 0.5, true), {0, kBig, kBig});
    check("to float32", x.to(Dtype::float32), {0, kBig, kBig});
    check("matmul", matmul(x, empty_of({kBig, 2})), {0, kBig, 2});
    check("max_pool2d", max_pool2d(empty_of({0, 1, kBig, kBig}), 2), {0, 1, kBig / 2, kBig / 2});
    check("avg_pool2d", avg_pool2d(empty_of({0, 1, kBig, kBig}), 2), {0, 1, kBig / 2, kBig / 2});
    check("conv2d", conv2d(empty_of({0, 1, kBig, kBig}), empty_of({2, 1, 2, 2})),
          {0, 2, kBig - 1, kBig - 1});
    Tensor loss = sum(softmax(x, 2) * 2.0) + sum(permute(x, {1, 2, 0}));
    loss.backward();
    CHECK(x.grad().shape() == x.shape());
}

TEST_CASE("a tensor too large to allocate throws OutOfMemoryError naming its shape and bytes") {
    // 2^46 float32 elements are 2^48 bytes, past any x86-64 address space: malloc refuses them
    // whatever the overcommit policy, so nothing is ever touched.
    constexpr std::int64_t kRefused = std::int64_t(1) << 46;
    const std::string bytes = std::to_string(std::uint64_t(1) << 48);
    auto check_refused = [&](const char* what, auto&& call) {
        INFO(what);
        try {
            call();
            FAIL_CHECK("returned instead of throwing");
        } catch (const OutOfMemoryError& e) {
            std::string message = e.what();
            bool names_shape = message.find("[70368744177664]") != std::string::npos ||
                               message.find("[8388608, 8388608]") != std::string::npos;
            CHECK_MESSAGE(names_shape, message);
            CHECK_MESSAGE(message.find(bytes + " bytes") != std::string::npos, message);
        }
    };
    check_refused("empty", [&] { empty({kRefused}); });
    check_refused("zeros", [&] { zeros({kRefused}); });
    check_refused("full", [&] { full({kRefused}, 1.5); });
    check_refused("randn", [&] { randn({kRefused}); });
    Tensor one = ones({1, 1});
    check_refused("expand", [&] { expand(one, {8388608, 8388608}); });
    Tensor column = ones({8388608, 1}), row = ones({1, 8388608});
    check_refused("matmul", [&] { matmul(column, row); });
    CHECK_THROWS_AS(zeros({kRefused}), std::bad_alloc);  // handlers of bad_alloc still catch it
}
