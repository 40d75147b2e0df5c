// LibTorch reference for bench_pinn: the physics-informed example, timed end to end, as
// pinn_torch.py. 1-32-32-1 tanh MLP (float32, default initialisation), u'' by two
// torch::autograd::grad calls with create_graph, loss = mean squared residual of u'' + pi^2
// sin(pi x) at x = i/65 (i = 1..64) + u(0)^2 + u(1)^2, Adam lr 1e-3, 5,000 steps, seed 0.
#include "reference.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>

int main(int argc, char** argv) {
    reference::set_threads(reference::flag_int(argc, argv, "--threads", 1));
    const int steps = reference::flag_int(argc, argv, "--steps", 5000);
    torch::manual_seed(reference::flag_int(argc, argv, "--seed", 0));
    const double pi = M_PI;

    // One push_back per layer: the layers must draw their weights in PyTorch's order.
    torch::nn::Sequential model;
    model->push_back(torch::nn::Linear(1, 32));
    model->push_back(torch::nn::Tanh());
    model->push_back(torch::nn::Linear(32, 32));
    model->push_back(torch::nn::Tanh());
    model->push_back(torch::nn::Linear(32, 1));
    torch::Tensor x = (torch::arange(1, 65, torch::kFloat32) / 65).reshape({64, 1});
    torch::Tensor forcing = pi * pi * torch::sin(pi * x);
    x.requires_grad_(true);
    torch::Tensor ends = torch::tensor({0.f, 1.f}).reshape({2, 1});
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-3));

    torch::Tensor loss;
    auto start = std::chrono::steady_clock::now();
    for (int step = 0; step < steps; ++step) {
        optimizer.zero_grad();
        torch::Tensor u = model->forward(x);
        torch::Tensor du = torch::autograd::grad({u}, {x}, {torch::ones_like(u)}, true, true)[0];
        torch::Tensor d2u =
            torch::autograd::grad({du}, {x}, {torch::ones_like(du)}, true, true)[0];
        loss = (d2u + forcing).pow(2).mean() + model->forward(ends).pow(2).sum();
        loss.backward();
        optimizer.step();
    }
    std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;

    torch::NoGradGuard no_grad;
    torch::Tensor grid = torch::linspace(0, 1, 1001).reshape({-1, 1});
    torch::Tensor exact = torch::sin(pi * grid);
    double error = ((model->forward(grid) - exact).norm() / exact.norm()).item<double>();
    std::printf("pinn_%d_steps %.3f s\n", steps, seconds.count());
    std::printf("pinn_step %.1f us\n", seconds.count() / steps * 1e6);
    std::printf("pinn_final_loss %.6g loss\n", loss.item<float>());
    std::printf("pinn_rel_l2_error %.3g error\n", error);
}
