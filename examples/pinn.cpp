// A physics-informed network: a 1-32-32-1 tanh MLP learns u with u''(x) = -pi^2 sin(pi x) on
// [0, 1] and u(0) = u(1) = 0 (exact solution sin(pi x)) from the equation alone, no samples of u.
// u'' comes from differentiating the network twice with respect to its input through the tape
// (grad with create_graph), and the loss built on it is differentiated once more for Adam.
// Run with --help for the flags.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <stdexcept>
#include <vector>

#include "autograd/potatolemon.hpp"
#include "nn/nn.hpp"
#include "pinn_options.hpp"
#include "solution_chart.hpp"

using namespace potatolemon;
using potatolemon::examples::PinnOptions;

namespace {
constexpr std::int64_t kPoints = 64;   // collocation points x_i = i / 65, i = 1..64
constexpr std::int64_t kGrid = 1'001;  // evenly spaced points on [0, 1] for the error
constexpr double kPi = std::numbers::pi;

struct Run {
    std::vector<double> losses;  // per step, computed before the step
    double rel_l2_error = 0;     // ||u - sin(pi x)|| / ||sin(pi x)|| on the grid
    std::vector<double> grid, solution, exact;
    double seconds = 0;  // training wall time
};

// [n, 1] column of `values`, float32 as the network.
Tensor column(const std::vector<double>& values) {
    return from_vector(values, Shape{static_cast<std::int64_t>(values.size()), 1});
}

std::vector<double> points(std::int64_t n, double first, double step) {
    std::vector<double> xs(static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < xs.size(); ++i) xs[i] = first + step * static_cast<double>(i);
    return xs;
}

// u'' of the network at x [N, 1] (x requires grad). Each u_i depends on x_i alone, so the
// gradient of sum(u) with respect to x is u' at every point, and likewise for u''. Both calls
// record their backward (create_graph) so that the loss built on u'' reaches the parameters.
Tensor second_derivative(nn::Sequential& model, const Tensor& x) {
    const Tensor u = model(x);
    const Tensor du = grad({u}, {x}, {ones_like(u)}, {.create_graph = true})[0];
    return grad({du}, {x}, {ones_like(du)}, {.create_graph = true})[0];
}

void evaluate(nn::Sequential& model, Run& run) {
    NoGradGuard no_grad;
    run.grid = points(kGrid, 0.0, 1.0 / static_cast<double>(kGrid - 1));
    run.solution = model(column(run.grid)).values();
    double error = 0, norm = 0;
    for (std::size_t i = 0; i < run.grid.size(); ++i) {
        run.exact.push_back(std::sin(kPi * run.grid[i]));
        error += (run.solution[i] - run.exact.back()) * (run.solution[i] - run.exact.back());
        norm += run.exact.back() * run.exact.back();
    }
    run.rel_l2_error = std::sqrt(error / norm);
}

Run train(const PinnOptions& o) {
    Generator gen(o.seed);
    nn::Sequential model{std::make_shared<nn::Linear>(1, 32, gen), std::make_shared<nn::Tanh>(),
                         std::make_shared<nn::Linear>(32, 32, gen), std::make_shared<nn::Tanh>(),
                         std::make_shared<nn::Linear>(32, 1, gen)};
    nn::Adam optimizer(model.parameters(), {.lr = o.lr});
    const std::vector<double> xs = points(kPoints, 1.0 / (kPoints + 1), 1.0 / (kPoints + 1));
    std::vector<double> forcing_values;  // pi^2 sin(pi x): the residual is u'' + forcing
    for (double x : xs) forcing_values.push_back(kPi * kPi * std::sin(kPi * x));
    const Tensor x = column(xs).requires_grad_(true), forcing = column(forcing_values);
    const Tensor ends = column({0.0, 1.0});
    Run run;
    run.losses.reserve(static_cast<std::size_t>(o.steps));
    auto start = std::chrono::steady_clock::now();
    for (std::int64_t step = 0; step < o.steps; ++step) {
        optimizer.zero_grad();
        const Tensor residual = second_derivative(model, x) + forcing;
        const Tensor boundary = model(ends);
        Tensor loss = mean(residual * residual) + sum(boundary * boundary);
        loss.backward();
        optimizer.step();
        run.losses.push_back(loss.item());
    }
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    evaluate(model, run);
    return run;
}

void write_plot(const PinnOptions& o, const Run& run) {
    char title[128];
    std::snprintf(title, sizeof title,
                  "u'' = -pi^2 sin(pi x), 1-32-32-1 tanh, Adam lr %g, seed %llu", o.lr,
                  static_cast<unsigned long long>(o.seed));
    examples::write_solution_chart(o.plot_path, {run.grid, run.solution, run.exact}, run.losses,
                                   title);
}
}  // namespace

int main(int argc, char** argv) {
    PinnOptions o;
    try {
        o = examples::parse_pinn_options(argc, argv);
    } catch (const examples::UsageError& e) {
        std::fprintf(stderr, "pinn: %s\n%s", e.what(), examples::pinn_usage());
        return 2;
    }
    if (o.help) return std::printf("%s", examples::pinn_usage()), 0;
    const Run run = train(o);
    try {
        if (!o.plot_path.empty()) write_plot(o, run);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "pinn: %s\n", e.what());
        return 1;
    }
    std::printf("steps=%lld loss=%.6g rel_l2_error=%.3g seconds=%.3f\n",
                static_cast<long long>(o.steps), run.losses.back(), run.rel_l2_error, run.seconds);
    return 0;
}
