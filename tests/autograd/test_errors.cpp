// Bad input gets a typed exception whose message starts with the op and shows the shapes.
#include <doctest/doctest.h>

#include "autograd/potatolemon.hpp"

using namespace potatolemon;

TEST_SUITE("errors") {
    TEST_CASE("shape mismatch names the op and both shapes") {
        CHECK_THROWS_WITH_AS(add(ones({2, 3}), ones({4})), "add: cannot broadcast [2, 3] with [4]",
                             ShapeError);
        CHECK_THROWS_WITH_AS(matmul(ones({2, 3}), ones({4, 5})),
                             "matmul: cannot multiply [2, 3] by [4, 5] (inner dims 3 != 4)",
                             ShapeError);
        CHECK_THROWS_WITH_AS(reshape(ones({2, 3}), {4}), doctest::Contains("[2, 3]"), ShapeError);
        CHECK_THROWS_WITH_AS(expand(ones({3}), {2, 4}), doctest::Contains("expand"), ShapeError);
        CHECK_THROWS_WITH_AS(concat({ones({2, 3}), ones({2, 4})}, 0),
                             doctest::Contains("concat: shapes [2, 3] and [2, 4]"), ShapeError);
        CHECK_THROWS_AS(linear(ones({2, 3}), ones({4, 2})), ShapeError);
        CHECK_THROWS_AS(matmul(scalar_tensor(1), ones({2})), ShapeError);
    }

    TEST_CASE("a dim out of range is an IndexError naming the op") {
        CHECK_THROWS_WITH_AS(sum(ones({2, 3}), {2}),
                             "sum: dim 2 out of range for a tensor of rank 2", IndexError);
        CHECK_THROWS_WITH_AS(softmax(ones({2}), -2), doctest::Contains("softmax"), IndexError);
        CHECK_THROWS_AS(sum(ones({2}), {0, 0}), IndexError);
        CHECK_THROWS_AS(permute(ones({2, 3}), {0, 0}), IndexError);
        CHECK_THROWS_AS(transpose(ones({2}), 0, 1), IndexError);
        CHECK_THROWS_AS(max(ones({2}), 1), IndexError);
    }

    TEST_CASE("mixed dtypes are a DtypeError naming the op and suggesting .to()") {
        CHECK_THROWS_WITH_AS(mul(ones({2}), ones({2}, Dtype::float64)),
                             doctest::Contains("mul: mixed dtypes float32 [2] and float64 [2]"),
                             DtypeError);
        CHECK_THROWS_AS(matmul(ones({2, 2}), ones({2, 2}, Dtype::float64)), DtypeError);
        CHECK_THROWS_AS(exp(ones({2}).to(Dtype::int64)), DtypeError);
        CHECK_THROWS_AS(index_select(ones({2}), 0, ones({1})), DtypeError);  // float index
    }

    TEST_CASE("an index out of range is an IndexError naming the entry and the shape") {
        Tensor bad = tensor({0, 5}).to(Dtype::int64);
        CHECK_THROWS_WITH_AS(
            index_select(ones({4, 3}), 0, bad),
            "index_select: index 5 out of range for dim 0 of size 4 (input [4, 3])", IndexError);
        CHECK_THROWS_AS(gather(ones({2, 3}), 1, reshape(tensor({3, 0}), {2, 1}).to(Dtype::int64)),
                        IndexError);
        CHECK_THROWS_AS(gather(ones({2, 3}), 1, reshape(tensor({-1, 0}), {2, 1}).to(Dtype::int64)),
                        IndexError);
        CHECK_THROWS_AS(ones({2}).at({2}), IndexError);
        CHECK_THROWS_AS(slice(ones({2}), 0, 0, 1, 0), IndexError);
    }

    TEST_CASE("graph misuse is a GraphError naming the op") {
        Tensor x = ones({2}).requires_grad_();
        CHECK_THROWS_WITH_AS((x * x).backward(), doctest::Contains("not a scalar"), GraphError);
        Tensor loss = sum(exp(x));
        loss.backward();
        CHECK_THROWS_WITH_AS(loss.backward(), doctest::Contains("through sum"), GraphError);
        CHECK_THROWS_AS(sum(ones({2})).backward(), GraphError);
        CHECK_THROWS_AS(add(Tensor(), ones({1})), GraphError);
    }

    TEST_CASE("invalid arguments never abort") {
        CHECK_THROWS_AS(clamp(ones({1}), 1, 0), ShapeError);
        CHECK_THROWS_AS(arange(0, 1, 0), ShapeError);
        CHECK_THROWS_AS(zeros({-1}), ShapeError);
        CHECK_THROWS_AS(reshape(ones({0, 3}), {0, -1}), ShapeError);  // -1 could be anything
        CHECK_THROWS_AS(max(ones({0})), ShapeError);
        Shape deep;
        for (int i = 0; i < Shape::kMaxRank; ++i) deep.push_back(1);
        CHECK_THROWS_AS(deep.push_back(1), ShapeError);
    }
}
