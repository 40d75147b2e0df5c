// The bool dtype and ops_compare against PyTorch: comparisons, logical ops, where, masked_fill,
// maximum/minimum (values and gradients, ties and NaN), argmax/argmin, dtype conversions and
// printing, all compared to the figures reference/compare_reference.py obtained from torch 1.13
// (reference/compare_reference.inc). Also: results that never record, thread-count independence
// and errors that name the op.
#include <doctest/doctest.h>

#include <cmath>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "autograd/kernels/thread_pool.hpp"
#include "autograd/potatolemon.hpp"

using namespace potatolemon;

namespace {
struct Reference {
    Dtype dtype;
    std::vector<std::int64_t> shape;
    std::vector<double> values;  // row-major; bool as 0/1
};
#include "reference/compare_reference.inc"

const Reference& ref(const std::string& name) {
    auto it = kReference.find(name);
    if (it == kReference.end()) FAIL("no reference named ", name);
    return it->second;
}

Shape shape_of(const Reference& r) {
    return Shape(std::span<const std::int64_t>(r.shape));
}

// The reference tensor `name` as an input.
Tensor input(const std::string& name) {
    const Reference& r = ref(name);
    return from_vector(r.values, shape_of(r), r.dtype);
}

// dtype, shape and every value as the reference (NaN matching NaN).
void check_matches(const Tensor& t, const std::string& name) {
    const Reference& r = ref(name);
    INFO(name, ": got ", t.str());
    CHECK(t.dtype() == r.dtype);
    CHECK(t.shape() == shape_of(r));
    std::vector<double> v = t.values();
    REQUIRE(v.size() == r.values.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
        INFO("element ", i);
        CHECK((v[i] == r.values[i] || (std::isnan(v[i]) && std::isnan(r.values[i]))));
    }
}

using Binary = Tensor (*)(const Tensor&, const Tensor&);
using WithScalar = Tensor (*)(const Tensor&, double);
struct Comparison {
    const char* name;
    Binary tensors;
    WithScalar scalar;
};
const Comparison kComparisons[] = {{"eq", eq, eq}, {"ne", ne, ne}, {"lt", lt, lt},
                                   {"le", le, le}, {"gt", gt, gt}, {"ge", ge, ge}};
const char* const kDtypeNames[] = {"float32", "float64", "int64", "bool"};

// sum(out * W) for W = 1, 2, ... in out's shape: the loss the reference's gradients are of.
Tensor weighted_sum(const Tensor& out) {
    Tensor w = reshape(arange(1, double(out.numel()) + 1, 1, out.dtype()),
                       std::vector<std::int64_t>(out.shape().begin(), out.shape().end()));
    return sum(out * w);
}
}  // namespace

TEST_SUITE("ops_compare") {
    TEST_CASE("comparisons broadcast and match PyTorch for every dtype, with NaN, inf and ties") {
        for (const char* dtype : kDtypeNames) {
            Tensor a = input(std::string("compare a ") + dtype);
            Tensor b = input(std::string("compare b ") + dtype);
            for (const Comparison& c : kComparisons)
                check_matches(c.tensors(a, b), std::string(c.name) + " " + dtype);
            // The operators are the same functions.
            check_matches(a == b, std::string("eq ") + dtype);
            check_matches(a != b, std::string("ne ") + dtype);
            check_matches(a < b, std::string("lt ") + dtype);
            check_matches(a <= b, std::string("le ") + dtype);
            check_matches(a > b, std::string("gt ") + dtype);
            check_matches(a >= b, std::string("ge ") + dtype);
        }
    }

    TEST_CASE("comparisons of mixed dtypes promote as PyTorch: bool < int64 < float32 < float64") {
        for (const char* pair : {"int64 float32", "float32 float64", "bool int64"}) {
            std::string p = pair;
            Tensor a = input("mixed a " + p), b = input("mixed b " + p);
            check_matches(eq(a, b), "eq mixed " + p);
            check_matches(lt(a, b), "lt mixed " + p);
            check_matches(gt(a, b), "gt mixed " + p);
            check_matches(b < a, "gt mixed " + p);
        }
    }

    TEST_CASE("comparisons with a number: floats round it to their dtype, int64 and bool do not") {
        const std::map<std::string, std::vector<double>> scalars = {{"float32", {0.1, 0.3}},
                                                                    {"float64", {0.1, 0.3}},
                                                                    {"int64", {1.5, 2.0}},
                                                                    {"bool", {0.5, 1.0}}};
        for (const auto& [dtype, values] : scalars) {
            Tensor x = input("scalar x " + dtype);
            for (std::size_t i = 0; i < values.size(); ++i)
                for (const Comparison& c : kComparisons)
                    check_matches(c.scalar(x, values[i]), std::string(c.name) + " " + dtype +
                                                              " scalar " + std::to_string(i));
        }
        Tensor x = input("scalar x float32");
        check_matches(x == 0.1, "eq float32 scalar 0");
        check_matches(0.1 == x, "eq float32 scalar 0");
        check_matches(0.3 > x, "lt float32 scalar 1");
        check_matches(0.3 <= x, "ge float32 scalar 1");
    }

    TEST_CASE("logical ops: nonzero and NaN are true, -0 is false, mixed dtypes broadcast") {
        Tensor a = input("logical a"), b = input("logical b");
        check_matches(logical_and(a, b), "logical_and");
        check_matches(logical_or(a, b), "logical_or");
        check_matches(logical_not(a), "logical_not a");
        check_matches(logical_not(b), "logical_not b");
        CHECK(logical_not(logical_not(a)).values() == a.to(Dtype::boolean).values());
    }

    TEST_CASE("where: the chosen side gets the gradient, summed back over broadcast dims") {
        for (const char* dtype : {"float32", "float64"}) {
            std::string d = dtype;
            Tensor cond = input("where cond " + d);
            Tensor a = input("where a " + d).requires_grad_();
            Tensor b = input("where b " + d).requires_grad_();
            Tensor out = where(cond, a, b);
            check_matches(out, "where " + d);
            weighted_sum(out).backward();
            check_matches(a.grad(), "where " + d + " grad a");
            check_matches(b.grad(), "where " + d + " grad b");
        }
        Tensor mask = input("masked_fill mask int64");
        check_matches(where(mask, input("masked_fill x int64"), full({}, -5, Dtype::int64)),
                      "where int64");
    }

    TEST_CASE("masked_fill broadcasts mask and x as PyTorch; the gradient is zero where filled") {
        for (const char* dtype : {"float32", "float64"}) {
            std::string d = dtype;
            Tensor x = input("masked_fill x " + d).requires_grad_();
            Tensor out = masked_fill(x, input("masked_fill mask " + d), -1.0);
            check_matches(out, "masked_fill " + d);
            weighted_sum(out).backward();
            check_matches(x.grad(), "masked_fill " + d + " grad a");
        }
        check_matches(
            masked_fill(input("masked_fill x int64"), input("masked_fill mask int64"), 2.7),
            "masked_fill int64");
    }

    TEST_CASE("maximum and minimum: NaN propagates and sends the gradient to both sides") {
        for (const char* dtype : {"float32", "float64"}) {
            std::string d = dtype;
            for (auto [name, op] : {std::pair<std::string, Binary>{"maximum", maximum},
                                    std::pair<std::string, Binary>{"minimum", minimum}}) {
                Tensor a = input("extremum a " + d).requires_grad_();
                Tensor b = input("extremum b " + d).requires_grad_();
                Tensor out = op(a, b);
                check_matches(out, name + " " + d);
                weighted_sum(out).backward();
                check_matches(a.grad(), name + " " + d + " grad a");
                check_matches(b.grad(), name + " " + d + " grad b");
            }
        }
        check_matches(maximum(input("extremum a int64"), input("extremum b int64")),
                      "maximum int64");
        check_matches(minimum(input("extremum a int64"), input("extremum b int64")),
                      "minimum int64");
    }

    TEST_CASE("maximum and minimum: at a tie each side gets half the gradient") {
        for (const char* dtype : {"float32", "float64"}) {
            std::string d = dtype;
            for (auto [name, op] : {std::pair<std::string, Binary>{"maximum", maximum},
                                    std::pair<std::string, Binary>{"minimum", minimum}}) {
                Tensor x = input("tie x " + d).requires_grad_();
                Tensor y = input("tie x " + d).requires_grad_();
                sum(op(x, y)).backward();
                check_matches(x.grad(), name + " tie " + d + " grad a");
                check_matches(y.grad(), name + " tie " + d + " grad b");
                CHECK(x.grad().values() == std::vector<double>(3, 0.5));
            }
        }
    }

    TEST_CASE("argmax and argmin: first index among ties, NaN is the extreme, any dim, keepdim") {
        for (const char* dtype : {"float32", "float64", "int64"}) {
            std::string d = dtype;
            Tensor x = input("arg x " + d), cube = input("arg cube " + d);
            for (auto [name, all, along] :
                 {std::tuple<std::string, Tensor (*)(const Tensor&),
                             Tensor (*)(const Tensor&, std::int64_t, bool)>{"argmax", argmax,
                                                                            argmax},
                  {"argmin", argmin, argmin}}) {
                check_matches(all(x), name + " " + d + " all");
                for (std::int64_t dim : {0, 1, -1, -2})
                    for (bool keep : {false, true})
                        check_matches(along(x, dim, keep), name + " " + d + " dim " +
                                                               std::to_string(dim) + " keepdim " +
                                                               std::to_string(int(keep)));
                check_matches(along(cube, 1, false), name + " " + d + " cube dim 1");
                check_matches(along(cube, -1, true), name + " " + d + " cube dim -1 keepdim 1");
            }
        }
        Tensor scalar = input("arg rank 0");
        check_matches(argmax(scalar), "argmax rank 0 all");
        check_matches(argmax(scalar, 0), "argmax rank 0 dim 0");
        check_matches(argmin(scalar, -1, true), "argmin rank 0 dim -1 keepdim 1");
        check_matches(argmax(zeros({0, 3}), 1), "argmax [0, 3] dim 1");
    }

    TEST_CASE("to() converts between every pair of dtypes as PyTorch; NaN and overflow too") {
        for (const char* from : {"float32", "float64"}) {
            std::string f = from;
            Tensor x = input("convert x " + f);
            check_matches(x.to(Dtype::int64), f + " to int64");
            check_matches(x.to(Dtype::boolean), f + " to bool");
        }
        Tensor i = input("convert x int64"), b = input("convert x bool");
        check_matches(i.to(Dtype::float32), "int64 to float32");
        check_matches(i.to(Dtype::float64), "int64 to float64");
        check_matches(i.to(Dtype::boolean), "int64 to bool");
        check_matches(b.to(Dtype::float32), "bool to float32");
        check_matches(b.to(Dtype::float64), "bool to float64");
        check_matches(b.to(Dtype::int64), "bool to int64");
        check_matches(b.clone(), "convert x bool");
        check_matches(b.to(Dtype::boolean).to(Dtype::boolean), "convert x bool");
    }

    TEST_CASE("bool factories, element access and values") {
        CHECK(zeros({2, 3}, Dtype::boolean).values() == std::vector<double>(6, 0));
        CHECK(ones({2}, Dtype::boolean).values() == std::vector<double>{1, 1});
        CHECK(full({2}, 0.5, Dtype::boolean).values() == std::vector<double>{1, 1});  // != 0
        CHECK(full({1}, NAN, Dtype::boolean).item() == 1);
        CHECK(empty({4}, Dtype::boolean).values() == std::vector<double>(4, 0));
        CHECK(dtype_size(Dtype::boolean) == 1);
        CHECK(std::string(dtype_name(Dtype::boolean)) == "bool");
        CHECK(!is_floating(Dtype::boolean));
        Tensor t = tensor({{1, 0}, {-2, 0}}, Dtype::boolean);
        CHECK(t.dtype() == Dtype::boolean);
        CHECK(t.at({1, 0}) == 1);
        CHECK(t.at({1, 1}) == 0);
        CHECK(t.data<bool>()[0]);
        CHECK(scalar_tensor(0, Dtype::boolean).item() == 0);
        CHECK(from_vector(std::vector<float>{0.f, 3.f}, {2}, Dtype::boolean).values() ==
              std::vector<double>{0, 1});
    }

    TEST_CASE("bool tensors print as PyTorch prints them") {
        for (const auto& [name, text] : kReprs) {
            const auto& label = name;  // clang 14 cannot capture a structured binding (INFO does)
            INFO(label);
            CHECK(input("print " + name).str() == text);
        }
    }

    TEST_CASE("zero-size inputs give zero-size results of the broadcast shape") {
        Tensor empty_rows = zeros({0, 3}), row = ones({3});
        CHECK(eq(empty_rows, row).shape() == Shape{0, 3});
        CHECK((row > empty_rows).dtype() == Dtype::boolean);
        CHECK(logical_or(empty_rows, row).shape() == Shape{0, 3});
        CHECK(where(zeros({0, 1}, Dtype::boolean), row, empty_rows).shape() == Shape{0, 3});
        CHECK(masked_fill(row, zeros({0, 3}, Dtype::boolean), 1).shape() == Shape{0, 3});
        CHECK(maximum(empty_rows, row).shape() == Shape{0, 3});
        CHECK(argmin(empty_rows, 1, true).shape() == Shape{0, 1});
        CHECK(zeros({0}, Dtype::boolean).str() == "tensor([], dtype=bool)");
    }

    TEST_CASE("comparison, logical and arg results never require grad; to bool is not recorded") {
        Tensor a = tensor({1, 2, 3}).requires_grad_(), b = tensor({2, 2, 2}).requires_grad_();
        for (Tensor t : {eq(a, b), lt(a, 2.0), a >= b, logical_not(a), logical_or(a, b), argmax(a),
                         argmin(a, 0), a.to(Dtype::boolean), a.to(Dtype::int64)}) {
            INFO(t.str());
            CHECK(!t.requires_grad());
            CHECK(t.grad_fn() == nullptr);
        }
        CHECK(where(a > b, a, b).requires_grad());
        CHECK(std::string(op_name(where(a > b, a, b).grad_fn()->op)) == "where");
        CHECK(masked_fill(a, a > b, 0).requires_grad());
        CHECK(std::string(op_name(maximum(a, b).grad_fn()->op)) == "maximum");
        CHECK(std::string(op_name(minimum(a, b).grad_fn()->op)) == "minimum");
        // An int64 where records nothing, even with anomaly mode watching.
        DetectAnomalyGuard anomaly;
        Tensor i = arange(3, Dtype::int64);
        CHECK(where(a > b, i, i).grad_fn() == nullptr);
        CHECK(maximum(i, i).grad_fn() == nullptr);
    }

    TEST_CASE("results are bitwise identical at 1 and 2 threads") {
        Generator gen(3);
        Tensor x = randn({300, 257}, gen), y = randn({257}, gen);
        x.data<float>()[5] = NAN;
        auto run = [&] {
            std::vector<std::vector<double>> out;
            for (Tensor t : {lt(x, y), x >= 0.25, logical_and(x, y), where(x > y, x, y),
                             masked_fill(x, x < 0.0, 7), maximum(x, y), minimum(y, x), argmax(x, 0),
                             argmin(x, 1), argmax(x)})
                out.push_back(t.values());
            return out;
        };
        int before = num_threads();
        set_num_threads(1);
        auto one = run();
        set_num_threads(2);
        auto two = run();
        set_num_threads(before);
        REQUIRE(one.size() == two.size());
        for (std::size_t k = 0; k < one.size(); ++k) {
            INFO("result ", k);
            REQUIRE(one[k].size() == two[k].size());
            for (std::size_t i = 0; i < one[k].size(); ++i)
                if (!(one[k][i] == two[k][i] || (std::isnan(one[k][i]) && std::isnan(two[k][i]))))
                    FAIL("element ", i, ": ", one[k][i], " vs ", two[k][i]);
        }
    }

    TEST_CASE("errors name the op: dtypes, shapes, dims, empty reductions") {
        Tensor f = ones({2, 3}), mask = ones({2, 3}, Dtype::boolean);
        CHECK_THROWS_WITH_AS(where(f, f, f), doctest::Contains("where: condition must be bool"),
                             DtypeError);
        CHECK_THROWS_WITH_AS(masked_fill(f, f, 0), doctest::Contains("masked_fill: mask"),
                             DtypeError);
        CHECK_THROWS_WITH_AS(where(mask, f, f.to(Dtype::float64)),
                             doctest::Contains("where: mixed dtypes"), DtypeError);
        CHECK_THROWS_WITH_AS(maximum(f, mask), doctest::Contains("maximum: mixed dtypes"),
                             DtypeError);
        CHECK_THROWS_WITH_AS(where(mask, f, f.to(Dtype::int64)), doctest::Contains("where"),
                             DtypeError);
        CHECK_THROWS_WITH_AS(lt(f, ones({4})), "lt: cannot broadcast [2, 3] with [4]", ShapeError);
        CHECK_THROWS_WITH_AS(where(ones({4}, Dtype::boolean), f, f),
                             "where: cannot broadcast condition [4] with [2, 3] and [2, 3]",
                             ShapeError);
        CHECK_THROWS_WITH_AS(masked_fill(f, ones({2}, Dtype::boolean), 0),
                             doctest::Contains("masked_fill: cannot broadcast"), ShapeError);
        CHECK_THROWS_WITH_AS(logical_or(f, ones({3, 1, 2})), doctest::Contains("logical_or"),
                             ShapeError);
        CHECK_THROWS_WITH_AS(minimum(ones({2}), ones({3})), doctest::Contains("minimum"),
                             ShapeError);
        CHECK_THROWS_WITH_AS(argmax(mask), doctest::Contains("argmax: bool"), DtypeError);
        CHECK_THROWS_WITH_AS(argmin(f, 2), doctest::Contains("argmin: dim 2 out of range"),
                             IndexError);
        CHECK_THROWS_WITH_AS(argmax(scalar_tensor(1), 1), doctest::Contains("argmax"), IndexError);
        CHECK_THROWS_WITH_AS(argmax(zeros({0})), doctest::Contains("argmax: no elements in [0]"),
                             ShapeError);
        CHECK_THROWS_WITH_AS(argmin(zeros({2, 0}), 1),
                             doctest::Contains("argmin: dim 1 of [2, 0] is empty"), ShapeError);
        CHECK_THROWS_WITH_AS(eq(Tensor(), f), doctest::Contains("eq"), GraphError);
        CHECK_THROWS_WITH_AS(mask.requires_grad_(), doctest::Contains("bool"), DtypeError);
        CHECK_THROWS_WITH_AS(arange(0, 3, 1, Dtype::boolean), doctest::Contains("arange"),
                             DtypeError);
        CHECK_THROWS_WITH_AS(exp(mask), doctest::Contains("exp: expected a float32 or float64"),
                             DtypeError);
    }
}
