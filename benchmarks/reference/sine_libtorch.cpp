// LibTorch reference for bench_sine: a 1-32-32-1 tanh MLP regressing sin(x) on 64 points evenly
// spaced over [-pi, pi], MSELoss, full-batch Adam lr 1e-3, 5,000 steps, float32, seed 0.
// sine_final_loss is the loss computed in the last step (before its update).
#include "reference.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>

int main(int argc, char** argv) {
    reference::set_threads(reference::flag_int(argc, argv, "--threads", 1));
    const int steps = reference::flag_int(argc, argv, "--steps", 5000);
    torch::manual_seed(0);

    torch::Tensor x = torch::linspace(-M_PI, M_PI, 64).view({64, 1});
    torch::Tensor y = torch::sin(x);
    // One push_back per layer: the layers draw their initial weights in PyTorch's order.
    torch::nn::Sequential model;
    model->push_back(torch::nn::Linear(1, 32));
    model->push_back(torch::nn::Tanh());
    model->push_back(torch::nn::Linear(32, 32));
    model->push_back(torch::nn::Tanh());
    model->push_back(torch::nn::Linear(32, 1));
    torch::nn::MSELoss criterion;
    torch::optim::Adam optimizer(model->parameters(), torch::optim::AdamOptions(1e-3));

    torch::Tensor loss;
    auto start = std::chrono::steady_clock::now();
    for (int step = 0; step < steps; ++step) {
        optimizer.zero_grad();
        loss = criterion(model->forward(x), y);
        loss.backward();
        optimizer.step();
    }
    std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;

    std::printf("sine_step %.1f us\n", seconds.count() / steps * 1e6);
    std::printf("sine_final_loss %.6g loss\n", loss.item<float>());
}
