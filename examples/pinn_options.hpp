// The pinn example's command line: every flag, its default (the setup of issue 11) and the one
// parser that reads them.
#pragma once
#include <cstdint>
#include <string>

#include "flags.hpp"

namespace potatolemon::examples {

struct PinnOptions {
    std::int64_t steps = 5'000;  // full-batch Adam steps
    double lr = 1e-3;
    std::uint64_t seed = 0;  // initial weights
    std::string plot_path;   // --plot: the solution against the exact one, and the loss curve (SVG)
    bool help = false;
};

PinnOptions parse_pinn_options(int argc, char** argv);  // throws UsageError
const char* pinn_usage();

}  // namespace potatolemon::examples
