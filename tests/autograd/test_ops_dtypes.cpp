// The shape and index ops on every dtype: reshape, flatten, squeeze, unsqueeze, permute,
// transpose, mT, expand, pad, slice, index_select, gather, concat, stack and clone on int64, bool
// and float32 data, and concat/stack of mixed dtypes (promoted as torch.cat), all compared to the
// figures reference/dtypes_reference.py obtained from torch 1.13 (reference/dtypes_reference.inc).
// Also: int64 data moved bit for bit, results that never record, and errors that name the op.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "autograd/potatolemon.hpp"

using namespace potatolemon;

namespace {
struct Reference {
    Dtype dtype;
    std::vector<std::int64_t> shape;
    std::vector<double> values;  // row-major; bool as 0/1
};
#include "reference/dtypes_reference.inc"

const Reference& ref(const std::string& name) {
    auto it = kReference.find(name);
    if (it == kReference.end()) FAIL("no reference named ", name);
    return it->second;
}

// The reference tensor `name` as an input.
Tensor input(const std::string& name) {
    const Reference& r = ref(name);
    return from_vector(r.values, Shape(std::span<const std::int64_t>(r.shape)), r.dtype);
}

// dtype, shape and every value as the reference.
void check_matches(const Tensor& t, const std::string& name) {
    const Reference& r = ref(name);
    INFO(name, ": got ", t.str());
    CHECK(t.dtype() == r.dtype);
    CHECK(t.shape() == Shape(std::span<const std::int64_t>(r.shape)));
    CHECK(t.values() == r.values);
}

Tensor index_of(const std::vector<double>& values, const Shape& shape) {
    return from_vector(values, shape, Dtype::int64);
}

const char* const kDtypes[] = {"int64", "bool", "float32"};
}  // namespace

TEST_SUITE("ops_dtypes") {
    TEST_CASE("view, reshape, flatten, squeeze and unsqueeze keep int64 and bool data") {
        for (std::string name : kDtypes) {
            auto in = [&](const char* what) { return input(std::string(what) + " " + name); };
            auto check = [&](const Tensor& t, const char* what) {
                check_matches(t, std::string(what) + " " + name);
            };
            Tensor x = in("x"), s = in("s");
            check(reshape(x, {4, -1}), "reshape [4, -1]");
            check(view(x, Shape{6, 4}), "view [6, 4]");
            check(flatten(x), "flatten");
            check(flatten(x, 1, -1), "flatten 1 -1");
            check(flatten(x, 0, 1), "flatten 0 1");
            check(flatten(in("scalar")), "flatten rank 0");
            check(squeeze(s), "squeeze");
            check(squeeze(s, -1), "squeeze -1");
            check(squeeze(s, 1), "squeeze 1");
            check(unsqueeze(x, -1), "unsqueeze -1");
            check(unsqueeze(x, 0), "unsqueeze 0");
            check(x.clone(), "clone");
            check(x.detach(), "clone");
        }
    }

    TEST_CASE("permute, transpose, mT and expand move int64 and bool elements as PyTorch") {
        for (std::string name : kDtypes) {
            auto in = [&](const char* what) { return input(std::string(what) + " " + name); };
            auto check = [&](const Tensor& t, const char* what) {
                check_matches(t, std::string(what) + " " + name);
            };
            Tensor x = in("x");
            check(permute(x, {2, 0, 1}), "permute 2 0 1");
            check(permute(x, {-1, -3, -2}), "permute -1 -3 -2");
            check(transpose(x, 0, -1), "transpose 0 -1");
            check(mT(x), "mT");
            check(expand(in("col"), Shape{2, 3, 4}), "expand col");
            check(broadcast_to(in("y"), Shape{2, 3, 4}), "expand y");
            check(expand(slice(in("col"), 0, 0, 0), Shape{0, 3}), "expand [0, 1]");
        }
    }

    TEST_CASE("pad converts the value to int64 (toward zero) and bool (nonzero) as PyTorch") {
        for (std::string name : kDtypes) {
            Tensor x = input("x " + name);
            for (const char* value : {"0", "2.7", "-2.7", "0.5"})
                check_matches(pad(x, {1, 2, 0, 1}, std::stod(value)),
                              std::string("pad value ") + value + " " + name);
            check_matches(pad(x, {-1, 1, 1, -2}, 1), "pad crop " + name);
            check_matches(pad(slice(x, 1, 0, 0), {1, 1, 2, 0, 1, 0}, 1), "pad zero-size " + name);
        }
    }

    TEST_CASE("slice, index_select and gather pick int64 and bool elements as PyTorch") {
        for (std::string name : kDtypes) {
            auto check = [&](const Tensor& t, const char* what) {
                check_matches(t, std::string(what) + " " + name);
            };
            Tensor x = input("x " + name);
            check(slice(x, -1, 1, 4, 2), "slice -1 1 4 2");
            check(slice(x, 1, -2, 100, 1), "slice 1 -2 100 1");
            check(slice(x, 0, 1, 1, 1), "slice 0 1 1 1");
            check(index_select(x, 1, index_of({2, 0, 2}, {3})), "index_select 1");
            check(index_select(x, -1, index_of({3, 3, 0, 1}, {4})), "index_select -1");
            check(index_select(x, 0, index_of({}, {0})), "index_select empty");
            Tensor by_last = index_of({3, 0, 1, 1, 2, 0, 0, 0, 3, 2, 1, 3}, {2, 3, 2});
            check(gather(x, 2, by_last), "gather 2");
            check(gather(x, 0, index_of({1, 0, 0, 1, 1, 1}, {3, 2, 1})), "gather 0");
            check(gather(x, -2, index_of({2, 1, 0, 2, 0, 0, 1, 2}, {2, 1, 4})), "gather -2");
        }
    }

    TEST_CASE("concat and stack join int64 and bool tensors as PyTorch") {
        for (std::string name : kDtypes) {
            auto check = [&](const Tensor& t, const char* what) {
                check_matches(t, std::string(what) + " " + name);
            };
            Tensor x = input("x " + name), y = input("y " + name), z = input("z " + name);
            check(concat({x, y}, 1), "cat 1");
            check(concat({x, z, x}, -1), "cat -1");
            check(concat({x, slice(z, 1, 0, 0)}, 1), "cat empty");
            check(stack({x, z}, 0), "stack 0");
            check(stack({x, z}, -1), "stack -1");
        }
    }

    TEST_CASE("concat and stack promote mixed dtypes as torch.cat: bool < int64 < float32 < f64") {
        const std::pair<const char*, const char*> pairs[] = {
            {"bool", "int64"},   {"int64", "bool"},      {"int64", "float32"},
            {"bool", "float64"}, {"float32", "float64"}, {"float64", "bool"}};
        for (auto [p, q] : pairs) {
            Tensor a = input(std::string("mixed ") + p), b = input(std::string("mixed ") + q);
            check_matches(concat({a, b}, 0), std::string("cat ") + p + " " + q);
            check_matches(stack({a, b}, 1), std::string("stack ") + p + " " + q);
        }
        check_matches(
            concat({input("mixed bool"), input("mixed int64"), input("mixed float32")}, 1),
            "cat bool int64 float32");
        CHECK(promote_types(Dtype::float64, Dtype::boolean) == Dtype::float64);
        CHECK(promote_types(Dtype::boolean, Dtype::boolean) == Dtype::boolean);
    }

    TEST_CASE("a promoted concat sends each input its gradient in its own dtype") {
        Tensor f = tensor({{0.5, -1.5, 2.25}}).requires_grad_();
        Tensor d = tensor({{1.0, 2.0, 3.0}, {-4.0, 0.1, 6.0}}, Dtype::float64).requires_grad_();
        Tensor out = concat({f, d}, 0);
        check_matches(out, "cat grad out");
        Tensor w = reshape(arange(1, 10, 1, Dtype::float64), {3, 3}) / 3;
        sum(out * w).backward();
        check_matches(f.grad(), "cat grad float32");
        check_matches(d.grad(), "cat grad float64");
    }

    TEST_CASE("int64 data moves bit for bit, beyond what a double holds") {
        constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
        constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
        Tensor x = empty({2, 2}, Dtype::int64);
        std::int64_t* p = x.data<std::int64_t>();
        p[0] = kMax, p[1] = kMin, p[2] = kMax - 1, p[3] = (std::int64_t(1) << 53) + 1;
        auto elements = [](const Tensor& t) {
            const std::int64_t* q = t.data<std::int64_t>();
            return std::vector<std::int64_t>(q, q + t.numel());
        };
        using I = std::vector<std::int64_t>;
        CHECK(elements(reshape(x, {-1})) == I{p[0], p[1], p[2], p[3]});
        CHECK(elements(mT(x)) == I{p[0], p[2], p[1], p[3]});
        CHECK(elements(expand(slice(x, 0, 1, 2), {2, 2})) == I{p[2], p[3], p[2], p[3]});
        CHECK(elements(pad(slice(x, 1, 0, 1), {0, 1}, -1)) == I{p[0], -1, p[2], -1});
        CHECK(elements(index_select(x, 1, index_of({1}, {1}))) == I{p[1], p[3]});
        CHECK(elements(gather(x, 0, index_of({1, 0}, {1, 2}))) == I{p[2], p[1]});
        CHECK(elements(concat({slice(x, 0, 1, 2), slice(x, 0, 0, 1)}, 0)) ==
              I{p[2], p[3], p[0], p[1]});
        CHECK(elements(x.clone()) == I{p[0], p[1], p[2], p[3]});
    }

    TEST_CASE("int64 and bool results never record, in anomaly mode too") {
        Tensor mask = gt(input("x float32"), 0.0);
        Tensor idx = input("x int64");
        DetectAnomalyGuard anomaly;
        for (const Tensor& t :
             {reshape(mask, {-1}), permute(idx, {2, 1, 0}), expand(mask, {2, 2, 3, 4}),
              pad(mask, {1, 1}), slice(idx, 0, 1, 2), index_select(mask, 0, index_of({1, 0}, {2})),
              gather(idx, 0, index_of({1}, {1, 1, 1})), concat({mask, idx}, 0),
              stack({mask, mask}, 0)}) {
            CHECK(t.is_leaf());
            CHECK_FALSE(t.requires_grad());
        }
    }

    TEST_CASE("errors name the op: undefined inputs, bool indices, arithmetic on bool") {
        Tensor mask = gt(input("x float32"), 0.0);
        CHECK_THROWS_WITH_AS(reshape(Tensor(), {-1}), doctest::Contains("reshape: undefined"),
                             GraphError);
        CHECK_THROWS_WITH_AS(concat({mask, Tensor()}, 0), doctest::Contains("concat: undefined"),
                             GraphError);
        CHECK_THROWS_WITH_AS(stack({Tensor()}, 0), doctest::Contains("stack: undefined"),
                             GraphError);
        CHECK_THROWS_WITH_AS(index_select(mask, 0, mask), doctest::Contains("index_select: index"),
                             DtypeError);
        CHECK_THROWS_WITH_AS(gather(mask, 0, mask),
                             doctest::Contains("gather: index must be int64"), DtypeError);
        CHECK_THROWS_WITH_AS(concat({mask, input("y bool")}, 0),
                             doctest::Contains("concat: shapes [2, 3, 4] and [2, 1, 4]"),
                             ShapeError);
        CHECK_THROWS_WITH_AS(stack({mask, input("y int64")}, 0),
                             doctest::Contains("stack: shapes [2, 3, 4] and [2, 1, 4]"),
                             ShapeError);
        CHECK_THROWS_WITH_AS(expand(mask, {3, 3, 4}),
                             doctest::Contains("expand: cannot broadcast [2, 3, 4] with [3, 3, 4]"),
                             ShapeError);
        CHECK_THROWS_WITH_AS(pad(mask, {-5, 0}), doctest::Contains("pad: pads (-5, 0)"),
                             ShapeError);
        // Values obtained from torch 1.13: F.pad of int64 refuses NaN, inf and anything below
        // -2^63 or above 2^63 ("cannot be converted to type int64_t without overflow"), takes
        // -2^63 and turns 2^63 into INT64_MIN; bool takes NaN as True.
        Tensor one = index_of({1}, {1});
        constexpr double two_63 = 9223372036854775808.0;
        CHECK_THROWS_WITH_AS(pad(one, {1, 0}, NAN),
                             "pad: value nan cannot be converted to int64 without overflow (input "
                             "[1])",
                             DtypeError);
        CHECK_THROWS_WITH_AS(pad(one, {1, 0}, 1e20), doctest::Contains("pad: value 1e+20"),
                             DtypeError);
        CHECK_THROWS_AS(pad(one, {1, 0}, -INFINITY), DtypeError);
        CHECK_THROWS_AS(pad(one, {1, 0}, -two_63 * 1.0000001), DtypeError);
        constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
        CHECK(pad(one, {1, 0}, -two_63).data<std::int64_t>()[0] == kMin);
        CHECK(pad(one, {1, 0}, two_63).data<std::int64_t>()[0] == kMin);
        CHECK(pad(gt(one, 5.0), {1, 0}, NAN).values() == std::vector<double>{1, 0});
        // PyTorch refuses -bool and bool - bool; so do we, with every arithmetic op on bool.
        CHECK_THROWS_WITH_AS(-mask, doctest::Contains("neg:"), DtypeError);
        CHECK_THROWS_WITH_AS(mask - mask, doctest::Contains("sub:"), DtypeError);
        // Ops that add rather than move elements stay floating.
        Tensor idx = input("x int64");
        CHECK_THROWS_WITH_AS(index_add(idx, 0, index_of({0}, {1}), slice(idx, 0, 0, 1)),
                             doctest::Contains("index_add:"), DtypeError);
        CHECK_THROWS_WITH_AS(scatter_add(idx, 0, index_of({0}, {1, 1, 1}), slice(idx, 0, 0, 1)),
                             doctest::Contains("scatter_add:"), DtypeError);
        CHECK_THROWS_WITH_AS(idx.requires_grad_(), doctest::Contains("requires_grad_: int64"),
                             DtypeError);
    }
}
