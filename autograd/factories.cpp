#include "autograd/factories.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "autograd/capture.hpp"

namespace potatolemon {

Tensor empty(const Shape& shape, Dtype dtype) {
    Tensor t(detail::TensorImpl::allocate(shape, dtype));
    if (dtype == Dtype::boolean)
        std::memset(t.impl()->data, 0, static_cast<std::size_t>(t.numel()));
    return t;
}

Tensor full(const Shape& shape, double value, Dtype dtype) {
    Tensor t = empty(shape, dtype);
    dispatch_any(dtype,
                 [&]<class T>() { std::fill_n(t.data<T>(), t.numel(), value_cast<T>(value)); });
    detail::capture_constant(t);
    return t;
}

Tensor zeros(const Shape& shape, Dtype dtype) {
    return full(shape, 0.0, dtype);
}
Tensor ones(const Shape& shape, Dtype dtype) {
    return full(shape, 1.0, dtype);
}
Tensor zeros_like(const Tensor& t) {
    return zeros(t.shape(), t.dtype());
}
Tensor ones_like(const Tensor& t) {
    return ones(t.shape(), t.dtype());
}
Tensor scalar_tensor(double value, Dtype dtype) {
    return full(Shape{}, value, dtype);
}

namespace {
template <class V>
Tensor copy_values(const std::vector<V>& values, const Shape& shape, Dtype dtype) {
    if (static_cast<std::int64_t>(values.size()) != shape.numel())
        throw ShapeError("from_vector: " + std::to_string(values.size()) +
                         " values do not fill shape " + to_string(shape));
    Tensor t = empty(shape, dtype);
    dispatch_any(dtype, [&]<class T>() {
        std::transform(values.begin(), values.end(), t.data<T>(),
                       [](V v) { return value_cast<T>(v); });
    });
    detail::capture_constant(t);
    return t;
}

template <class Rows>
void check_rectangular(const Rows& rows, std::size_t width) {
    for (const auto& row : rows)
        if (row.size() != width)
            throw ShapeError("tensor: ragged nested list (rows of " + std::to_string(width) +
                             " and " + std::to_string(row.size()) + " elements)");
}
}  // namespace

Tensor from_vector(const std::vector<double>& values, const Shape& shape, Dtype dtype) {
    return copy_values(values, shape, dtype);
}
Tensor from_vector(const std::vector<float>& values, const Shape& shape, Dtype dtype) {
    return copy_values(values, shape, dtype);
}

Tensor tensor(std::initializer_list<double> values, Dtype dtype) {
    return from_vector(std::vector<double>(values), Shape{std::int64_t(values.size())}, dtype);
}

Tensor tensor(std::initializer_list<std::initializer_list<double>> rows, Dtype dtype) {
    std::size_t width = rows.size() ? rows.begin()->size() : 0;
    check_rectangular(rows, width);
    std::vector<double> flat;
    for (const auto& row : rows) flat.insert(flat.end(), row.begin(), row.end());
    return from_vector(flat, Shape{std::int64_t(rows.size()), std::int64_t(width)}, dtype);
}

Tensor tensor(std::initializer_list<std::initializer_list<std::initializer_list<double>>> planes,
              Dtype dtype) {
    std::size_t rows = planes.size() ? planes.begin()->size() : 0;
    check_rectangular(planes, rows);
    std::size_t width = rows ? planes.begin()->begin()->size() : 0;
    std::vector<double> flat;
    for (const auto& plane : planes) {
        check_rectangular(plane, width);
        for (const auto& row : plane) flat.insert(flat.end(), row.begin(), row.end());
    }
    return from_vector(
        flat, Shape{std::int64_t(planes.size()), std::int64_t(rows), std::int64_t(width)}, dtype);
}

Tensor arange(double start, double end, double step, Dtype dtype) {
    if (step == 0 || !std::isfinite(start) || !std::isfinite(end) || !std::isfinite(step))
        throw ShapeError("arange: step must be non-zero and bounds finite");
    if (dtype == Dtype::boolean) throw DtypeError("arange: no ranges of bool (as PyTorch)");
    double count = std::max(0.0, std::ceil((end - start) / step));
    // Past 2^62 the cast to int64 would be undefined; no such tensor could be allocated anyway.
    if (!(count < 0x1p62))
        throw ShapeError("arange: [" + std::to_string(start) + ", " + std::to_string(end) +
                         ") in steps of " + std::to_string(step) + " has too many elements");
    auto n = static_cast<std::int64_t>(count);
    Tensor t = empty(Shape{n}, dtype);
    dispatch_any(dtype, [&]<class T>() {
        for (std::int64_t i = 0; i < n; ++i) t.data<T>()[i] = value_cast<T>(start + i * step);
    });
    return t;
}

Tensor arange(std::int64_t n, Dtype dtype) {
    return arange(0.0, double(n), 1.0, dtype);
}

Tensor uniform(const Shape& shape, double low, double high, Generator& gen, Dtype dtype) {
    if (!(low <= high))
        throw ShapeError("uniform: low " + std::to_string(low) + " > high " + std::to_string(high));
    Tensor t = empty(shape, dtype);
    GeneratorGuard lock(gen);
    dispatch(dtype, [&]<class T>() {
        T* p = t.data<T>();
        for (std::int64_t i = 0, n = t.numel(); i < n; ++i) {
            double u = std::is_same_v<T, float> ? gen.uniform_float() : gen.uniform();
            p[i] = static_cast<T>(low + (high - low) * u);
        }
    });
    return t;
}

Tensor rand(const Shape& shape, Generator& gen, Dtype dtype) {
    return uniform(shape, 0, 1, gen, dtype);
}

Tensor normal(const Shape& shape, double mean, double std, Generator& gen, Dtype dtype) {
    if (!(std >= 0)) throw ShapeError("normal: std must be >= 0, got " + std::to_string(std));
    Tensor t = empty(shape, dtype);
    GeneratorGuard lock(gen);
    dispatch(dtype, [&]<class T>() {
        T* p = t.data<T>();
        for (std::int64_t i = 0, n = t.numel(); i < n; ++i)
            p[i] = static_cast<T>(mean + std * gen.normal());
    });
    return t;
}

Tensor randn(const Shape& shape, Generator& gen, Dtype dtype) {
    return normal(shape, 0, 1, gen, dtype);
}

}  // namespace potatolemon
