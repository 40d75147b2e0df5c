// One training epoch of the Fashion-MNIST MLP, the same work as
// benchmarks/reference/mlp_libtorch.cpp: 784-256-128-10 with ReLU, cross-entropy on logits, SGD
// lr 0.01 momentum 0.9, batch 128 (the last batch holds the 96 left over), pixels scaled to
// [0, 1] float32, a fresh shuffle each epoch from seed 0. Reading the files is not timed; making
// batches is (LibTorch's epoch gathers its rows too). One warm-up epoch, then --epochs timed
// epochs (median reported), then accuracy on the whole test set in one batch, then peak RSS.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "autograd/kernels/thread_pool.hpp"
#include "autograd/potatolemon.hpp"
#include "nn/data/loader.hpp"
#include "nn/nn.hpp"

using namespace potatolemon;

namespace {

// The value after `name` on the command line, or `fallback` (reference.hpp's parser).
const char* flag(int argc, char** argv, const char* name, const char* fallback) {
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], name) == 0) return argv[i + 1];
    return fallback;
}

int flag_int(int argc, char** argv, const char* name, int fallback) {
    const char* value = flag(argc, argv, name, nullptr);
    return value != nullptr ? std::atoi(value) : fallback;
}

void train_epoch(nn::Sequential& model, nn::SGD& sgd, data::DataLoader& loader) {
    for (const data::Batch& batch : loader) {
        sgd.zero_grad();
        Tensor loss = nn::cross_entropy(model(batch.data), batch.target);
        loss.backward();
        sgd.step();
    }
}

double accuracy(nn::Sequential& model, const data::Dataset& test) {
    NoGradGuard no_grad;
    data::DataLoader all(test, {.batch_size = test.size()});
    const data::Batch batch = all.batch(0);
    const Tensor predicted = max(model(batch.data), 1).indices;
    const std::int64_t* p = predicted.data<std::int64_t>();
    const std::int64_t* t = batch.target.data<std::int64_t>();
    std::int64_t correct = 0;
    for (std::int64_t i = 0; i < predicted.numel(); ++i) correct += p[i] == t[i];
    return static_cast<double>(correct) / static_cast<double>(test.size());
}

}  // namespace

int main(int argc, char** argv) {
    set_num_threads(std::max(1, flag_int(argc, argv, "--threads", 1)));
    const int epochs = std::max(1, flag_int(argc, argv, "--epochs", 3));
    const std::string dir = flag(argc, argv, "--data", "/usr/share/datasets/fashion-mnist");

    const data::Dataset train = data::load_mnist_dataset(dir + "/train-images-idx3-ubyte.gz",
                                                         dir + "/train-labels-idx1-ubyte.gz");
    const data::Dataset test = data::load_mnist_dataset(dir + "/t10k-images-idx3-ubyte.gz",
                                                        dir + "/t10k-labels-idx1-ubyte.gz");
    Generator init(0);  // braced list: the layers draw their weights in order
    nn::Sequential model{std::make_shared<nn::Linear>(784, 256, init), std::make_shared<nn::ReLU>(),
                         std::make_shared<nn::Linear>(256, 128, init), std::make_shared<nn::ReLU>(),
                         std::make_shared<nn::Linear>(128, 10, init)};
    nn::SGD sgd(model.parameters(), {.lr = 0.01, .momentum = 0.9});
    data::DataLoader loader(train, {.batch_size = 128, .shuffle = true, .seed = 0});

    train_epoch(model, sgd, loader);  // warm-up
    std::vector<double> seconds;
    for (int e = 0; e < epochs; ++e) {
        const auto start = std::chrono::steady_clock::now();
        train_epoch(model, sgd, loader);
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
        seconds.push_back(took.count());
    }
    std::sort(seconds.begin(), seconds.end());
    const double test_accuracy = accuracy(model, test);
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);

    std::printf("mlp_epoch %.3f s\n", seconds[seconds.size() / 2]);
    std::printf("mlp_test_accuracy %.4f acc\n", test_accuracy);
    std::printf("mlp_peak_rss %.1f MB\n", static_cast<double>(usage.ru_maxrss) / 1024.0);  // KiB
    return 0;
}
