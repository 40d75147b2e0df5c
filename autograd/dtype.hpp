// Element types. dtype is a run-time property of a Tensor; kernels are templates over the scalar
// type and `dispatch` / `dispatch_any` are the one place that turns a Dtype into a type. int64
// holds indices (index_select, gather, max/min indices) and is never differentiated.
#pragma once
#include <cstddef>
#include <cstdint>
#include <utility>

#include "autograd/errors.hpp"

namespace potatolemon {

enum class Dtype : std::uint8_t { float32, float64, int64 };

constexpr const char* dtype_name(Dtype dtype) {
    return dtype == Dtype::float32 ? "float32" : dtype == Dtype::float64 ? "float64" : "int64";
}
constexpr std::size_t dtype_size(Dtype dtype) {
    return dtype == Dtype::float32 ? 4 : 8;
}
constexpr bool is_floating(Dtype dtype) {
    return dtype != Dtype::int64;
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

// Calls fn.template operator()<T>() with T = float or double; ops check the dtype first, so the
// throw here guards internal callers only.
template <class F>
decltype(auto) dispatch(Dtype dtype, F&& fn) {
    if (dtype == Dtype::float32) return fn.template operator()<float>();
    if (dtype == Dtype::float64) return fn.template operator()<double>();
    throw DtypeError("dispatch: int64 tensors hold indices and have no floating kernels");
}

// As dispatch, with T = std::int64_t for int64 too (copies, printing, element access).
template <class F>
decltype(auto) dispatch_any(Dtype dtype, F&& fn) {
    if (dtype == Dtype::int64) return fn.template operator()<std::int64_t>();
    return dispatch(dtype, std::forward<F>(fn));
}

}  // namespace potatolemon
