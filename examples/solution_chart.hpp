// A learned function against the exact one, beside its training loss curve, as one standalone SVG
// (two 720 x 420 panels side by side), written with the standard library only.
#pragma once
#include <string>
#include <vector>

namespace potatolemon::examples {

struct Solution {
    std::vector<double> x;      // increasing
    std::vector<double> u;      // learned, u[i] at x[i]
    std::vector<double> exact;  // exact[i] at x[i]
};

// Left panel: u and exact against x on linear axes; right panel: the loss per step (log scale).
// Throws std::invalid_argument when the three vectors differ in size or are empty, and
// std::runtime_error when the file cannot be written.
void write_solution_chart(const std::string& path, const Solution& solution,
                          const std::vector<double>& losses, const std::string& title);

}  // namespace potatolemon::examples
