// Internal to gemm: one product as strided views, and the plain loops for products too small to
// be worth packing (the layers of the XOR net).
#pragma once
#include <cstdint>

namespace potatolemon::kernels {

// Element (i, j) of a view is p[i * rs + j * cs]: op(A), op(B), C and their transposes alike.
template <class T>
struct View {
    T* p;
    int64_t rs, cs;
};

template <class T>
struct Problem {
    int64_t M, N, K;
    View<const T> a, b;  // op(A) is M×K, op(B) is K×N
    View<T> c;
    bool accumulate;
};

// C (+)= op(A) op(B) one dot product per element, summed in k order; C's columns must be
// contiguous (c.cs == 1). Defined for float and double.
template <class T>
void gemm_tiny(const Problem<T>& p);

}  // namespace potatolemon::kernels
