// LibTorch reference for bench_mlp_epoch: one training epoch of an MLP on Fashion-MNIST.
// 784-256-128-10 with ReLU, cross-entropy on logits, SGD lr 0.01 momentum 0.9, batch 128 (the last
// batch holds the 96 left over), pixels scaled to [0, 1] float32, order shuffled from seed 0 each
// epoch. One warm-up epoch, then --epochs timed epochs (median reported), then test accuracy.
// The gzip'd IDX files are read with zlib (this reference program may use it; the library may not).
#include "reference.hpp"

#include <sys/resource.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

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
    return read_idx(path, 16).view({-1, 784}).to(torch::kFloat32) / 255;
}

torch::Tensor read_labels(const std::string& path) { return read_idx(path, 8).to(torch::kLong); }

// One push_back per layer: constructor arguments have no evaluation order in C++, and the
// layers must draw their initial weights from the seed in PyTorch's order.
torch::nn::Sequential make_model() {
    torch::nn::Sequential model;
    model->push_back(torch::nn::Linear(784, 256));
    model->push_back(torch::nn::ReLU());
    model->push_back(torch::nn::Linear(256, 128));
    model->push_back(torch::nn::ReLU());
    model->push_back(torch::nn::Linear(128, 10));
    return model;
}

void train_epoch(torch::nn::Sequential& model, torch::optim::SGD& optimizer,
                 const torch::Tensor& x, const torch::Tensor& y) {
    torch::nn::CrossEntropyLoss criterion;
    torch::Tensor order = torch::randperm(x.size(0));
    for (int64_t start = 0; start < order.size(0); start += 128) {
        torch::Tensor batch = order.slice(0, start, start + 128);
        optimizer.zero_grad();
        torch::Tensor loss = criterion(model->forward(x.index({batch})), y.index({batch}));
        loss.backward();
        optimizer.step();
    }
}

double accuracy(torch::nn::Sequential& model, const torch::Tensor& x, const torch::Tensor& y) {
    torch::NoGradGuard no_grad;
    return (model->forward(x).argmax(1) == y).to(torch::kFloat32).mean().item<double>();
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
    torch::optim::SGD optimizer(model->parameters(), torch::optim::SGDOptions(0.01).momentum(0.9));

    train_epoch(model, optimizer, train_x, train_y);  // warm-up
    std::vector<double> seconds;
    for (int e = 0; e < epochs; ++e) {
        auto start = std::chrono::steady_clock::now();
        train_epoch(model, optimizer, train_x, train_y);
        std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
        seconds.push_back(took.count());
    }
    std::sort(seconds.begin(), seconds.end());
    const double test_accuracy = accuracy(model, test_x, test_y);
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);

    std::printf("mlp_epoch %.3f s\n", seconds[seconds.size() / 2]);
    std::printf("mlp_test_accuracy %.4f acc\n", test_accuracy);
    std::printf("mlp_peak_rss %.1f MB\n", usage.ru_maxrss / 1024.0);  // Linux reports KiB
}
