// XOR learns: the original experiment's network and loss with fewer epochs and a larger learning
// rate (SGD), and with Adam; the tape stays flat across epochs (no graph is kept alive).
#include <doctest/doctest.h>

#include <cmath>
#include <memory>

#include "autograd/potatolemon.hpp"
#include "nn/nn.hpp"
#include "nn_test_util.hpp"

using namespace potatolemon;

namespace {
// Trains `net` with `opt` for `epochs` full-batch epochs of BCE; returns the four predictions.
std::vector<double> train_xor(nn::Optimizer& opt, nn::Sequential& net, int epochs) {
    const Tensor x = tensor({{0, 0}, {0, 1}, {1, 0}, {1, 1}});
    const Tensor y = from_vector(std::vector<double>{0, 1, 1, 0}, Shape{4, 1});
    const std::int64_t live_before = tape_live_entries();
    std::int64_t live_after_first = -1;
    for (int epoch = 0; epoch < epochs; ++epoch) {
        {
            opt.zero_grad();
            Tensor loss = nn::binary_cross_entropy(net(x), y);
            loss.backward();
            opt.step();
        }
        if (epoch == 0) live_after_first = tape_live_entries();
    }
    CHECK(live_after_first == live_before);  // the graph died with the loss
    CHECK(tape_live_entries() == live_before);
    NoGradGuard no_grad;
    return net(x).values();
}

void check_learned(const std::vector<double>& predictions) {
    const double targets[] = {0, 1, 1, 0};
    for (int i = 0; i < 4; ++i) {
        INFO("input ", i, " prediction ", predictions[i]);
        CHECK(std::abs(predictions[i] - targets[i]) < 0.1);
    }
}
}  // namespace

TEST_SUITE("xor") {
    TEST_CASE("XOR learns with SGD at lr 0.5 in 2,000 epochs") {
        nn::Sequential net = nn::test::xor_net(0);
        nn::SGD opt(net.parameters(), {.lr = 0.5});
        check_learned(train_xor(opt, net, 2000));
    }

    TEST_CASE("XOR learns with Adam at lr 0.05 in 500 epochs") {
        nn::Sequential net = nn::test::xor_net(0);
        nn::Adam opt(net.parameters(), {.lr = 0.05});
        check_learned(train_xor(opt, net, 500));
    }

}  // TEST_SUITE
