// Ways to make a tensor: constants, from values, ranges and random numbers. Each takes a dtype
// (float32 unless given) and none records on the tape.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "autograd/generator.hpp"
#include "autograd/tensor.hpp"

namespace potatolemon {

// Uninitialised, except that bool is false: a byte other than 0 or 1 is not a valid bool.
Tensor empty(const Shape& shape, Dtype dtype = Dtype::float32);
Tensor zeros(const Shape& shape, Dtype dtype = Dtype::float32);
Tensor ones(const Shape& shape, Dtype dtype = Dtype::float32);
Tensor full(const Shape& shape, double value, Dtype dtype = Dtype::float32);
Tensor zeros_like(const Tensor& t);
Tensor ones_like(const Tensor& t);
Tensor scalar_tensor(double value, Dtype dtype = Dtype::float32);  // rank 0

// Copies `values` (row-major) into a tensor of `shape`; throws ShapeError if the counts differ.
Tensor from_vector(const std::vector<double>& values, const Shape& shape,
                   Dtype dtype = Dtype::float32);
Tensor from_vector(const std::vector<float>& values, const Shape& shape,
                   Dtype dtype = Dtype::float32);

// Nested initializer lists: tensor({{1, 2}, {3, 4}}) is 2×2. Ragged lists throw ShapeError.
// Rows of one element, {{1}, {2}}, are ambiguous in C++ with the 1-D form: write
// reshape(tensor({1, 2}), {2, 1}).
Tensor tensor(std::initializer_list<double> values, Dtype dtype = Dtype::float32);
Tensor tensor(std::initializer_list<std::initializer_list<double>> rows,
              Dtype dtype = Dtype::float32);
Tensor tensor(std::initializer_list<std::initializer_list<std::initializer_list<double>>> planes,
              Dtype dtype = Dtype::float32);

// [start, end) in steps of `step` (numpy's length rule); throws ShapeError on step 0 and
// DtypeError for bool.
Tensor arange(double start, double end, double step = 1, Dtype dtype = Dtype::float32);
Tensor arange(std::int64_t n, Dtype dtype = Dtype::float32);

// Uniform on [low, high) and normal(mean, std) numbers; same seed, same numbers everywhere.
Tensor uniform(const Shape& shape, double low, double high, Generator& gen = default_generator(),
               Dtype dtype = Dtype::float32);
Tensor rand(const Shape& shape, Generator& gen = default_generator(), Dtype dtype = Dtype::float32);
Tensor normal(const Shape& shape, double mean, double std, Generator& gen = default_generator(),
              Dtype dtype = Dtype::float32);
Tensor randn(const Shape& shape, Generator& gen = default_generator(),
             Dtype dtype = Dtype::float32);

}  // namespace potatolemon
