// Element types. dtype is a run-time property of a Tensor; kernels are templates over the scalar
// type and `dispatch` / `dispatch_any` are the one place that turns a Dtype into a type. int64
// holds indices (index_select, gather, max/min indices) and boolean (C++ bool, one byte) holds
// comparison results and masks; neither is ever differentiated.
#pragma once
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>

#include "autograd/errors.hpp"

namespace potatolemon {

enum class Dtype : std::uint8_t { float32, float64, int64, boolean };

constexpr const char* dtype_name(Dtype dtype) {
    switch (dtype) {
        case Dtype::float32:
            return "float32";
        case Dtype::float64:
            return "float64";
        case Dtype::int64:
            return "int64";
        case Dtype::boolean:
            return "bool";
    }
    return "unknown";
}
constexpr std::size_t dtype_size(Dtype dtype) {
    switch (dtype) {
        case Dtype::float32:
            return 4;
        case Dtype::float64:
        case Dtype::int64:
            return 8;
        case Dtype::boolean:
            return 1;
    }
    return 0;
}
constexpr bool is_floating(Dtype dtype) {
    return dtype == Dtype::float32 || dtype == Dtype::float64;
}

template <class T>
constexpr Dtype dtype_of();
template <>
constexpr Dtype dtype_of<float>() {
    return Dtype::float32;
}
template <>
constexpr Dtype dtype_of<double>() {
    return Dtype::float64;
}
template <>
constexpr Dtype dtype_of<std::int64_t>() {
    return Dtype::int64;
}
template <>
constexpr Dtype dtype_of<bool>() {
    return Dtype::boolean;
}

// static_cast between element types with the cases C++ leaves undefined made defined the way
// PyTorch's CPU kernels behave on x86: a float outside int64's range (NaN and ±inf included)
// becomes INT64_MIN. To bool is `!= 0`, so NaN is true.
template <class To, class From>
constexpr To value_cast(From v) {
    if constexpr (std::is_same_v<To, std::int64_t> && std::is_floating_point_v<From>) {
        constexpr From limit = From(9223372036854775808.0);  // 2^63, exact in float and double
        if (!(v >= -limit && v < limit)) return std::numeric_limits<std::int64_t>::min();
    }
    return static_cast<To>(v);
}

// Calls fn.template operator()<T>() with T = float or double; ops check the dtype first, so the
// throw here guards internal callers only.
template <class F>
decltype(auto) dispatch(Dtype dtype, F&& fn) {
    if (dtype == Dtype::float32) return fn.template operator()<float>();
    if (dtype == Dtype::float64) return fn.template operator()<double>();
    throw DtypeError(std::string("dispatch: ") + dtype_name(dtype) +
                     " tensors have no floating kernels");
}

// As dispatch, with T = std::int64_t for int64 and bool for boolean too (copies, conversions,
// printing, element access, comparisons).
template <class F>
decltype(auto) dispatch_any(Dtype dtype, F&& fn) {
    if (dtype == Dtype::int64) return fn.template operator()<std::int64_t>();
    if (dtype == Dtype::boolean) return fn.template operator()<bool>();
    return dispatch(dtype, std::forward<F>(fn));
}

}  // namespace potatolemon
