// A program outside the tree that uses potatolemon as an installed package (pkg-config) or as a
// meson subproject (.ci/run builds it both ways): it includes the headers exactly as the examples
// do, trains a 2-4-1 network on XOR for a few hundred steps and exits 1 unless the loss fell.
#include <cstdio>
#include <memory>
#include <vector>

#include "autograd/potatolemon.hpp"
#include "nn/nn.hpp"

using namespace potatolemon;

int main() {
    Generator gen(0);
    nn::Sequential model{std::make_shared<nn::Linear>(2, 4, gen), std::make_shared<nn::Tanh>(),
                         std::make_shared<nn::Linear>(4, 1, gen), std::make_shared<nn::Sigmoid>()};
    nn::Adam opt(model.parameters(), nn::AdamOptions{.lr = 0.05});
    const Tensor inputs = tensor({{0, 0}, {0, 1}, {1, 0}, {1, 1}});
    const Tensor targets = from_vector(std::vector<double>{0, 1, 1, 0}, Shape{4, 1});
    double first = 0, last = 0;
    for (int step = 0; step < 300; ++step) {
        opt.zero_grad();
        Tensor loss = nn::binary_cross_entropy(model(inputs), targets);
        loss.backward();
        opt.step();
        (step == 0 ? first : last) = loss.item();
    }
    std::printf("consumer: XOR loss %.4f -> %.4f\n", first, last);
    return last < 0.5 * first ? 0 : 1;
}
