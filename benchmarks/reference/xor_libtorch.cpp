// LibTorch reference for bench_xor: the original XOR experiment, timed end to end.
// Net 2-3-3-1 (Tanh, Tanh, Sigmoid), BCELoss, SGD lr 0.01, 25,000 full-batch epochs on the four XOR
// points, float32, seed 0. xor_final_loss is the loss computed in the last epoch (before its step).
#include "reference.hpp"

#include <chrono>
#include <cstdio>

int main(int argc, char** argv) {
    reference::set_threads(reference::flag_int(argc, argv, "--threads", 1));
    const int epochs = reference::flag_int(argc, argv, "--epochs", 25000);
    torch::manual_seed(0);

    torch::Tensor x = torch::tensor({0.f, 0.f, 0.f, 1.f, 1.f, 0.f, 1.f, 1.f}).view({4, 2});
    torch::Tensor y = torch::tensor({0.f, 1.f, 1.f, 0.f}).view({4, 1});
    // One push_back per layer: constructor arguments have no evaluation order in C++, and the
    // layers must draw their initial weights from the seed in PyTorch's order.
    torch::nn::Sequential model;
    model->push_back(torch::nn::Linear(2, 3));
    model->push_back(torch::nn::Tanh());
    model->push_back(torch::nn::Linear(3, 3));
    model->push_back(torch::nn::Tanh());
    model->push_back(torch::nn::Linear(3, 1));
    model->push_back(torch::nn::Sigmoid());
    torch::nn::BCELoss criterion;
    torch::optim::SGD optimizer(model->parameters(), torch::optim::SGDOptions(0.01));

    torch::Tensor loss;
    auto start = std::chrono::steady_clock::now();
    for (int epoch = 0; epoch < epochs; ++epoch) {
        optimizer.zero_grad();
        loss = criterion(model->forward(x), y);
        loss.backward();
        optimizer.step();
    }
    std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;

    std::printf("xor_%d_epochs %.3f s\n", epochs, seconds.count());
    std::printf("xor_epoch %.1f us\n", seconds.count() / epochs * 1e6);
    std::printf("xor_final_loss %.6f loss\n", loss.item<float>());
}
