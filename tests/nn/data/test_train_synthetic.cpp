// End to end without the real data set (CI does not install it): the test writes a small
// MNIST-format data set itself (8×8 images of two easily separated classes, raw IDX images and
// gzip'd labels), reads it through load_mnist_dataset and DataLoader, trains an MLP for a few
// batches and checks that the loss falls and test accuracy rises.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "autograd/potatolemon.hpp"
#include "nn/data/crc32.hpp"
#include "nn/data/loader.hpp"
#include "nn/nn.hpp"

using namespace potatolemon;
using Bytes = std::vector<std::uint8_t>;

namespace {

constexpr std::int64_t kSide = 8;  // images are kSide × kSide

// A fresh directory under the system temp dir, removed with everything in it at scope exit.
struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "plm_synth_XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) FAIL("mkdtemp failed for " << pattern);
        path = pattern;
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

void append_u32_be(Bytes& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<std::uint8_t>(v >> shift));
}

void append_u32_le(Bytes& out, std::uint32_t v) {
    for (int shift = 0; shift < 32; shift += 8)
        out.push_back(static_cast<std::uint8_t>(v >> shift));
}

// An IDX ubyte file: magic 00 00 08 <rank>, big-endian dims, then the bytes.
Bytes idx_ubyte_file(const std::vector<std::uint32_t>& dims, const Bytes& data) {
    Bytes out{0, 0, 0x08, static_cast<std::uint8_t>(dims.size())};
    for (std::uint32_t d : dims) append_u32_be(out, d);
    out.insert(out.end(), data.begin(), data.end());
    return out;
}

// A gzip member holding `data` (< 64 KiB) in one stored deflate block (RFC 1952, RFC 1951 3.2.4).
Bytes gzip_stored(const Bytes& data) {
    Bytes out{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};  // magic, deflate, no flags, mtime 0, OS
    const auto len = static_cast<std::uint16_t>(data.size());
    const auto nlen = static_cast<std::uint16_t>(~len);
    out.insert(out.end(),
               {0x01, static_cast<std::uint8_t>(len), static_cast<std::uint8_t>(len >> 8),
                static_cast<std::uint8_t>(nlen), static_cast<std::uint8_t>(nlen >> 8)});
    out.insert(out.end(), data.begin(), data.end());
    append_u32_le(out, data::crc32(data));
    append_u32_le(out, static_cast<std::uint32_t>(data.size()));
    return out;
}

void write_file(const std::filesystem::path& path, const Bytes& bytes) {
    std::ofstream file(path, std::ios::binary);
    file.write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
    REQUIRE(file.good());
}

// Class 0 has its top half bright and bottom half dark, class 1 the reverse; both with noise.
void write_split(const std::filesystem::path& dir, const std::string& stem, std::uint32_t n,
                 Generator& gen) {
    Bytes images, labels;
    for (std::uint32_t i = 0; i < n; ++i) {
        const std::uint8_t label = gen.uniform() < 0.5 ? 0 : 1;
        labels.push_back(label);
        for (std::int64_t row = 0; row < kSide; ++row) {
            const bool bright = (row < kSide / 2) == (label == 0);
            for (std::int64_t col = 0; col < kSide; ++col)
                images.push_back(
                    static_cast<std::uint8_t>((bright ? 120 : 0) + gen.uniform() * 120));
        }
    }
    write_file(dir / (stem + "-images.idx"), idx_ubyte_file({n, kSide, kSide}, images));
    write_file(dir / (stem + "-labels.idx.gz"), gzip_stored(idx_ubyte_file({n}, labels)));
}

data::Dataset load_split(const std::filesystem::path& dir, const std::string& stem) {
    return data::load_mnist_dataset((dir / (stem + "-images.idx")).string(),
                                    (dir / (stem + "-labels.idx.gz")).string());
}

double accuracy(nn::Sequential& model, const data::Dataset& test) {
    NoGradGuard no_grad;
    std::int64_t correct = 0;
    for (const data::Batch& batch : data::DataLoader(test, {.batch_size = 32})) {
        const std::int64_t* predicted = max(model(batch.data), 1).indices.data<std::int64_t>();
        const std::int64_t* target = batch.target.data<std::int64_t>();
        for (std::int64_t i = 0; i < batch.target.numel(); ++i)
            correct += predicted[i] == target[i];
    }
    return static_cast<double>(correct) / static_cast<double>(test.size());
}

}  // namespace

TEST_SUITE("train_synthetic") {
    TEST_CASE("an MLP trained on a synthetic IDX data set: loss falls, test accuracy rises") {
        TempDir dir;
        Generator data_gen(11);
        write_split(dir.path, "train", 256, data_gen);
        write_split(dir.path, "test", 100, data_gen);
        data::Dataset train = load_split(dir.path, "train");
        data::Dataset test = load_split(dir.path, "test");
        REQUIRE(train.size() == 256);
        REQUIRE(train.item_shape() == Shape{kSide * kSide});

        Generator init_gen(0);
        nn::Sequential model{std::make_shared<nn::Linear>(kSide * kSide, 16, init_gen),
                             std::make_shared<nn::ReLU>(),
                             std::make_shared<nn::Linear>(16, 2, init_gen)};
        nn::SGD sgd(model.parameters(), {.lr = 0.05, .momentum = 0.9});
        const double accuracy_before = accuracy(model, test);

        data::DataLoader loader(train, {.batch_size = 16, .shuffle = true, .seed = 1});
        std::vector<double> losses;
        for (int epoch = 0; epoch < 2; ++epoch)
            for (const data::Batch& batch : loader) {
                sgd.zero_grad();
                Tensor loss = nn::cross_entropy(model(batch.data), batch.target);
                loss.backward();
                sgd.step();
                losses.push_back(loss.item());
            }
        REQUIRE(losses.size() == 32);
        const double first = (losses[0] + losses[1] + losses[2] + losses[3]) / 4;
        const double last = (losses[28] + losses[29] + losses[30] + losses[31]) / 4;
        const double accuracy_after = accuracy(model, test);
        INFO("loss ", first, " -> ", last, ", test accuracy ", accuracy_before, " -> ",
             accuracy_after);
        CHECK(last < 0.25 * first);
        CHECK(accuracy_after >= 0.95);
        CHECK(accuracy_after > accuracy_before);
    }

}  // TEST_SUITE
