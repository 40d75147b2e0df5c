// embedding: rows picked for indices of any shape (rank 0 and zero-size included), gradients that
// accumulate over repeated indices, float32 and float64, and errors naming the op, the entry and
// V. Expected values are worked by hand below (the same as torch.nn.functional.embedding's).
#include <doctest/doctest.h>

#include <type_traits>
#include <vector>

#include "autograd/potatolemon.hpp"

using namespace potatolemon;
using V = std::vector<double>;

namespace {
template <class T>
constexpr Dtype dtype_for() {
    return std::is_same_v<T, float> ? Dtype::float32 : Dtype::float64;
}

// V = 5 rows of D = 3: row v is (10 v, 10 v + 1, 10 v + 2).
Tensor table(Dtype dtype) {
    return tensor({{0, 1, 2}, {10, 11, 12}, {20, 21, 22}, {30, 31, 32}, {40, 41, 42}}, dtype);
}
}  // namespace

TEST_SUITE("ops_index") {
    TEST_CASE_TEMPLATE("embedding picks weight rows for indices of any shape", T, float, double) {
        Tensor weight = table(dtype_for<T>());
        Tensor out = embedding(weight, tensor({{4, 0, 4}, {1, 3, 0}}).to(Dtype::int64));
        CHECK(out.shape() == Shape{2, 3, 3});
        CHECK(out.dtype() == dtype_for<T>());
        CHECK(out.values() == V{40, 41, 42, 0, 1, 2, 40, 41, 42, 10, 11, 12, 30, 31, 32, 0, 1, 2});
        Tensor one = embedding(weight, scalar_tensor(2).to(Dtype::int64));
        CHECK(one.shape() == Shape{3});  // rank-0 indices give [D]
        CHECK(one.values() == V{20, 21, 22});
        CHECK(embedding(weight, zeros({0}, Dtype::int64)).shape() == Shape{0, 3});
        CHECK(embedding(weight, zeros({2, 0}, Dtype::int64)).shape() == Shape{2, 0, 3});
    }

    TEST_CASE_TEMPLATE("embedding gradient rows accumulate over repeated indices", T, float,
                       double) {
        Tensor weight = table(dtype_for<T>()).detach().requires_grad_();
        Tensor indices = tensor({{4, 0, 4}, {1, 4, 0}}).to(Dtype::int64);
        Tensor g = reshape(arange(1, 19, 1, dtype_for<T>()), {2, 3, 3});
        embedding(weight, indices).backward(g);
        // Entry e of the indices gets (3e + 1, 3e + 2, 3e + 3) of g. Row 0 from entries 1 and 5:
        // (4, 5, 6) + (16, 17, 18); row 1 from entry 3: (10, 11, 12); rows 2 and 3 unused; row 4
        // from entries 0, 2 and 4: (1, 2, 3) + (7, 8, 9) + (13, 14, 15).
        CHECK(weight.grad().values() == V{20, 22, 24, 10, 11, 12, 0, 0, 0, 0, 0, 0, 21, 24, 27});
    }

    TEST_CASE("embedding out of range names the op, the entry and V") {
        Tensor weight = zeros({5, 3});
        CHECK_THROWS_WITH_AS(embedding(weight, tensor({{0, 1}, {5, 2}}).to(Dtype::int64)),
                             doctest::Contains("embedding: index 5 (entry 2 of indices [2, 2]) "
                                               "out of range for 5 embeddings (weight [5, 3])"),
                             IndexError);
        CHECK_THROWS_WITH_AS(embedding(weight, scalar_tensor(-1).to(Dtype::int64)),
                             doctest::Contains("embedding: index -1"), IndexError);
        CHECK_THROWS_AS(embedding(zeros({0, 3}), zeros({1}, Dtype::int64)), IndexError);
    }

    TEST_CASE("embedding refuses a weight that is not [V, D] and indices that are not int64") {
        Tensor index = tensor({1}).to(Dtype::int64);
        CHECK_THROWS_WITH_AS(embedding(zeros({5}), index),
                             doctest::Contains("embedding: weight must be [V, D], got [5]"),
                             ShapeError);
        CHECK_THROWS_WITH_AS(embedding(zeros({5, 3}), tensor({1})),
                             doctest::Contains("embedding: index must be int64"), DtypeError);
        CHECK_THROWS_WITH_AS(embedding(index, index), doctest::Contains("embedding:"), DtypeError);
        CHECK_THROWS_WITH_AS(embedding(Tensor(), index), doctest::Contains("embedding"),
                             GraphError);
    }
}
