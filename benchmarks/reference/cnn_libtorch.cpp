// LibTorch reference for bench_cnn_epoch: one training epoch of a small CNN on Fashion-MNIST.
// conv 1->16 and 16->32 (3x3, padding 1, ReLU, 2x2 max-pool each), flatten, Linear 1568->128, ReLU,
// Dropout 0.25, Linear 128->10; cross-entropy on logits, SGD momentum 0.9, lr 0.05 cosine-annealed
// to 0 per step over all steps of the run, batch 128, pixels scaled to [0, 1] float32, order
// shuffled from seed 0 each epoch. One warm-up epoch, then --epochs timed epochs (median reported;
// the run is 1 + epochs epochs), then test accuracy in eval mode, in batches of 1000.
// The gzip'd IDX files are read with zlib (this reference program may use it; the library may not).
#include "reference.hpp"

#include <sys/resource.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

constexpr int64_t batch_size = 128;
constexpr double base_lr = 0.05;

// The payload of a gzip'd IDX file as a uint8 tensor (header skipped).
torch::Tensor read_idx(const std::string& path, int header_bytes) {
    gzFile file = gzopen(path.c_str(), "rb");
    if (file == nullptr) throw std::runtime_error("read_idx: cannot open " + path);
    std::vector<unsigned char> bytes;
    unsigned char chunk[1 << 16];
    int got = 0;
    while ((got = gzread(file, chunk, sizeof chunk)) > 0) {
        bytes.insert(bytes.end(), chunk, chunk + got);
    }
    gzclose(file);
    if (got < 0 || bytes.size() < static_cast<size_t>(header_bytes)) {
        throw std::runtime_error("read_idx: " + path + " is truncated or not gzip");
    }
    auto n = static_cast<int64_t>(bytes.size()) - header_bytes;
    return torch::from_blob(bytes.data() + header_bytes, {n}, torch::kUInt8).clone();
}

torch::Tensor read_images(const std::string& path) {
    return read_idx(path, 16).view({-1, 1, 28, 28}).to(torch::kFloat32) / 255;
}

torch::Tensor read_labels(const std::string& path) {
    return read_idx(path, 8).to(torch::kLong);
}

// One push_back per layer: constructor arguments have no evaluation order in C++, and the
// layers must draw their initial weights from the seed in PyTorch's order.
torch::nn::Sequential make_model() {
    namespace tnn = torch::nn;
    tnn::Sequential model;
    model->push_back(tnn::Conv2d(tnn::Conv2dOptions(1, 16, 3).padding(1)));
    model->push_back(tnn::ReLU());
    model->push_back(tnn::MaxPool2d(tnn::MaxPool2dOptions(2)));
    model->push_back(tnn::Conv2d(tnn::Conv2dOptions(16, 32, 3).padding(1)));
    model->push_back(tnn::ReLU());
    model->push_back(tnn::MaxPool2d(tnn::MaxPool2dOptions(2)));
    model->push_back(tnn::Flatten());
    model->push_back(tnn::Linear(1568, 128));
    model->push_back(tnn::ReLU());
    model->push_back(tnn::Dropout(0.25));
    model->push_back(tnn::Linear(128, 10));
    return model;
}

// CosineAnnealingLR (eta_min 0) in its closed form, stepped per batch as cnn_torch.py steps it.
struct CosineLr {
    int64_t total_steps;
    int64_t step = 0;
    double next() {
        const double progress = static_cast<double>(step++) / static_cast<double>(total_steps);
        return 0.5 * base_lr * (1 + std::cos(M_PI * progress));
    }
};

void train_epoch(torch::nn::Sequential& model, torch::optim::SGD& optimizer, CosineLr& schedule,
                 const torch::Tensor& x, const torch::Tensor& y) {
    torch::nn::CrossEntropyLoss criterion;
    torch::Tensor order = torch::randperm(x.size(0));
    for (int64_t start = 0; start < order.size(0); start += batch_size) {
        torch::Tensor batch = order.slice(0, start, start + batch_size);
        const double lr = schedule.next();
        for (auto& group : optimizer.param_groups()) {
            static_cast<torch::optim::SGDOptions&>(group.options()).lr(lr);
        }
        optimizer.zero_grad();
        torch::Tensor loss = criterion(model->forward(x.index({batch})), y.index({batch}));
        loss.backward();
        optimizer.step();
    }
}

double accuracy(torch::nn::Sequential& model, const torch::Tensor& x, const torch::Tensor& y) {
    torch::NoGradGuard no_grad;
    model->eval();
    int64_t correct = 0;
    for (int64_t start = 0; start < x.size(0); start += 1000) {
        torch::Tensor predicted = model->forward(x.slice(0, start, start + 1000)).argmax(1);
        correct += (predicted == y.slice(0, start, start + 1000)).sum().item<int64_t>();
    }
    return static_cast<double>(correct) / static_cast<double>(x.size(0));
}

}  // namespace

int main(int argc, char** argv) {
    reference::set_threads(reference::flag_int(argc, argv, "--threads", 1));
    const int epochs = std::max(1, reference::flag_int(argc, argv, "--epochs", 3));
    const std::string dir =
        reference::flag(argc, argv, "--data", "/usr/share/datasets/fashion-mnist");
    torch::manual_seed(0);

    torch::Tensor train_x = read_images(dir + "/train-images-idx3-ubyte.gz");
    torch::Tensor train_y = read_labels(dir + "/train-labels-idx1-ubyte.gz");
    torch::Tensor test_x = read_images(dir + "/t10k-images-idx3-ubyte.gz");
    torch::Tensor test_y = read_labels(dir + "/t10k-labels-idx1-ubyte.gz");
    torch::nn::Sequential model = make_model();
    torch::optim::SGD optimizer(model->parameters(),
                                torch::optim::SGDOptions(base_lr).momentum(0.9));
    const int64_t steps_per_epoch = (train_x.size(0) + batch_size - 1) / batch_size;
    CosineLr schedule{(1 + epochs) * steps_per_epoch};

    train_epoch(model, optimizer, schedule, train_x, train_y);  // warm-up
    std::vector<double> seconds;
    for (int e = 0; e < epochs; ++e) {
        auto start = std::chrono::steady_clock::now();
        train_epoch(model, optimizer, schedule, train_x, train_y);
        std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
        seconds.push_back(took.count());
    }
    std::sort(seconds.begin(), seconds.end());
    const double test_accuracy = accuracy(model, test_x, test_y);
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);

    std::printf("cnn_epoch %.3f s\n", seconds[seconds.size() / 2]);
    std::printf("cnn_test_accuracy %.4f acc\n", test_accuracy);
    std::printf("cnn_peak_rss %.1f MB\n", usage.ru_maxrss / 1024.0);  // Linux reports KiB
}
