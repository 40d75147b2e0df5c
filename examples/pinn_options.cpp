#include "pinn_options.hpp"

#include "flags.hpp"

namespace potatolemon::examples {

const char* pinn_usage() {
    return "usage: pinn [--steps N] [--lr X] [--seed N] [--plot FILE] [--help]\n"
           "Solves u''(x) = -pi^2 sin(pi x) on [0, 1], u(0) = u(1) = 0, with a 1-32-32-1 tanh\n"
           "network: the loss is the mean squared residual at x = i/65 (i = 1..64), u'' taken by\n"
           "differentiating the network twice with respect to x, plus u(0)^2 + u(1)^2. Full-batch\n"
           "Adam; defaults: 5000 steps, lr 1e-3, seed 0. The last line gives the relative L2 "
           "error\n"
           "against sin(pi x) on 1001 evenly spaced points.\n";
}

PinnOptions parse_pinn_options(int argc, char** argv) {
    PinnOptions o;
    const FlagTable flags = {
        {"--steps", [&](auto& f, auto& v) { o.steps = parse_positive<std::int64_t>(f, v); }},
        {"--lr", [&](auto& f, auto& v) { o.lr = parse_positive<double>(f, v); }},
        {"--seed", [&](auto& f, auto& v) { o.seed = parse_number<std::uint64_t>(f, v); }},
        {"--plot", [&](auto&, auto& v) { o.plot_path = v; }},
    };
    o.help = apply_flags(argc, argv, flags);
    return o;
}

}  // namespace potatolemon::examples
