// One training epoch of the Fashion-MNIST CNN, the same work as
// benchmarks/reference/cnn_libtorch.cpp: conv 1→16 and 16→32 (3×3, padding 1, ReLU, 2×2 max-pool
// each), flatten, Linear 1568→128, ReLU, dropout 0.25, Linear 128→10; cross-entropy on logits, SGD
// momentum 0.9, lr 0.05 cosine-annealed to 0 per step over the whole run, batch 128, pixels scaled
// to [0, 1] float32, a fresh shuffle each epoch from seed 0. Reading the files is not timed; making
// batches is. One warm-up epoch, then --epochs timed epochs (median reported), then accuracy on
// the test set in eval mode (batches of 1000), then peak RSS.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
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

// A split with its images shaped [1, 28, 28], as the convolutions read them.
data::Dataset load_images(const std::string& images, const std::string& labels) {
    data::MnistSet set = data::load_mnist(images, labels);
    return data::Dataset(std::move(set.images.bytes), Shape{1, 28, 28},
                         std::move(set.labels.bytes));
}

// Braced list: the layers draw their weights from `gen` in PyTorch's order; dropout keeps
// drawing its masks from it.
nn::Sequential make_model(Generator& gen) {
    const nn::Conv2dOptions same_size{.padding = 1};
    return nn::Sequential{std::make_shared<nn::Conv2d>(1, 16, 3, same_size, gen),
                          std::make_shared<nn::ReLU>(),
                          std::make_shared<nn::MaxPool2d>(2),
                          std::make_shared<nn::Conv2d>(16, 32, 3, same_size, gen),
                          std::make_shared<nn::ReLU>(),
                          std::make_shared<nn::MaxPool2d>(2),
                          std::make_shared<nn::Flatten>(),
                          std::make_shared<nn::Linear>(1568, 128, gen),
                          std::make_shared<nn::ReLU>(),
                          std::make_shared<nn::Dropout>(0.25, gen),
                          std::make_shared<nn::Linear>(128, 10, gen)};
}

void train_epoch(nn::Sequential& model, nn::SGD& sgd, nn::LRScheduler& scheduler,
                 data::DataLoader& loader) {
    for (const data::Batch& batch : loader) {
        sgd.zero_grad();
        Tensor loss = nn::cross_entropy(model(batch.data), batch.target);
        loss.backward();
        sgd.step();
        scheduler.step();
    }
}

double accuracy(nn::Sequential& model, const data::Dataset& test) {
    NoGradGuard no_grad;
    model.eval();
    std::int64_t correct = 0;
    for (const data::Batch& batch : data::DataLoader(test, {.batch_size = 1000})) {
        const Tensor predicted = max(model(batch.data), 1).indices;
        const std::int64_t* p = predicted.data<std::int64_t>();
        const std::int64_t* t = batch.target.data<std::int64_t>();
        for (std::int64_t i = 0; i < predicted.numel(); ++i) correct += p[i] == t[i];
    }
    return static_cast<double>(correct) / static_cast<double>(test.size());
}

}  // namespace

int main(int argc, char** argv) {
    set_num_threads(std::max(1, flag_int(argc, argv, "--threads", 1)));
    const int epochs = std::max(1, flag_int(argc, argv, "--epochs", 3));
    const std::string dir = flag(argc, argv, "--data", "/usr/share/datasets/fashion-mnist");

    const data::Dataset train =
        load_images(dir + "/train-images-idx3-ubyte.gz", dir + "/train-labels-idx1-ubyte.gz");
    const data::Dataset test =
        load_images(dir + "/t10k-images-idx3-ubyte.gz", dir + "/t10k-labels-idx1-ubyte.gz");
    Generator gen(0);
    nn::Sequential model = make_model(gen);
    nn::SGD sgd(model.parameters(), {.lr = 0.05, .momentum = 0.9});
    data::DataLoader loader(train, {.batch_size = 128, .shuffle = true, .seed = 0});
    nn::CosineAnnealingLR scheduler(sgd, (1 + epochs) * loader.size());

    train_epoch(model, sgd, scheduler, loader);  // warm-up
    std::vector<double> seconds;
    for (int e = 0; e < epochs; ++e) {
        const auto start = std::chrono::steady_clock::now();
        train_epoch(model, sgd, scheduler, loader);
        const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
        seconds.push_back(took.count());
    }
    std::sort(seconds.begin(), seconds.end());
    const double test_accuracy = accuracy(model, test);
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);

    std::printf("cnn_epoch %.3f s\n", seconds[seconds.size() / 2]);
    std::printf("cnn_test_accuracy %.4f acc\n", test_accuracy);
    std::printf("cnn_peak_rss %.1f MB\n", static_cast<double>(usage.ru_maxrss) / 1024.0);  // KiB
    return 0;
}
