// The inputs the op-table tests feed each sample: uniform draws in [-2, 2], float64, mapped into
// the sample's domain (positive, away from kinks, inside (0, 1), or distinct values without ties).
#pragma once
#include <cmath>
#include <cstdint>
#include <numeric>
#include <utility>
#include <vector>

#include "autograd/op_table.hpp"
#include "autograd/potatolemon.hpp"

namespace potatolemon::test {

inline Tensor sample_input(const Shape& shape, Domain domain, Generator& gen) {
    Tensor x = uniform(shape, -2, 2, gen, Dtype::float64);
    double* p = x.data<double>();
    std::int64_t n = x.numel();
    switch (domain) {
        case Domain::any:
            break;
        case Domain::positive:
            for (std::int64_t i = 0; i < n; ++i) p[i] = 0.5 + 0.375 * (p[i] + 2);
            break;
        case Domain::away_from_kinks:
            for (std::int64_t i = 0; i < n; ++i)
                p[i] = (p[i] < 0 ? -1 : 1) * (0.2 + 0.45 * std::abs(p[i]));
            break;
        case Domain::probability:
            for (std::int64_t i = 0; i < n; ++i) p[i] = 0.05 + 0.225 * (p[i] + 2);
            break;
        case Domain::distinct: {
            std::vector<std::int64_t> order(n);
            std::iota(order.begin(), order.end(), 0);
            for (std::int64_t i = n - 1; i > 0; --i)
                std::swap(order[i], order[gen.next_u64() % static_cast<std::uint64_t>(i + 1)]);
            for (std::int64_t i = 0; i < n; ++i) p[i] = 0.1 * static_cast<double>(order[i]) - 1;
            break;
        }
    }
    return x.requires_grad_();
}

}  // namespace potatolemon::test
