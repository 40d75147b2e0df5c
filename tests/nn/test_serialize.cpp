// nn::save / nn::load: bit-exact round trips in float32 and float64 (NaN payloads, -0,
// denormals) with float and int64 buffers, files written by PyTorch read with the same outputs,
// and every malformed or mismatched file refused with an exception naming the problem while the
// model stays unchanged.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <sstream>
#include <system_error>

#include "autograd/potatolemon.hpp"
#include "layer_reference.hpp"
#include "nn/io/safetensors.hpp"
#include "nn/nn.hpp"
#include "nn_test_util.hpp"

using namespace potatolemon;
namespace fs = std::filesystem;

namespace {
// Every parameter's and buffer's raw bytes, to compare bit for bit.
std::vector<std::vector<std::byte>> snapshot(const nn::Module& m) {
    std::vector<std::vector<std::byte>> out;
    for (const auto& [name, p] : m.state_dict()) {
        auto* data = static_cast<const std::byte*>(p.impl()->data);
        out.emplace_back(data, data + p.numel() * static_cast<std::int64_t>(dtype_size(p.dtype())));
    }
    return out;
}

class ScratchDir {
public:
    ScratchDir() : path_(fs::temp_directory_path() / ("potatolemon-nn-" + random_suffix())) {
        fs::create_directories(path_);
    }
    ~ScratchDir() {
        std::error_code ignored;
        fs::remove_all(path_, ignored);
    }
    std::string file(const std::string& name) const { return (path_ / name).string(); }
    std::size_t count() const {
        return static_cast<std::size_t>(std::distance(fs::directory_iterator(path_), {}));
    }

private:
    static std::string random_suffix() { return std::to_string(std::random_device()()); }
    fs::path path_;
};

void write_bytes(const std::string& path, const std::vector<std::byte>& bytes) {
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
}

// A safetensors file built by hand from entries, data in entry order; `offsets` overrides the
// data_offsets written for each entry (when given), and `edit` may change the header text.
std::vector<std::byte> build_file(const std::vector<io::SafetensorsEntry>& entries,
                                  std::vector<std::pair<std::size_t, std::size_t>> offsets = {},
                                  const std::function<void(std::string&)>& edit = {}) {
    std::ostringstream header;
    header << "{";
    std::vector<std::byte> data;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const auto& e = entries[i];
        std::pair<std::size_t, std::size_t> at{data.size(), data.size() + e.data.size()};
        if (i < offsets.size()) at = offsets[i];
        data.insert(data.end(), e.data.begin(), e.data.end());
        header << (i ? "," : "") << '"' << e.name << "\":{\"dtype\":\"" << e.dtype
               << "\",\"shape\":[";
        for (std::size_t d = 0; d < e.shape.size(); ++d) header << (d ? "," : "") << e.shape[d];
        header << "],\"data_offsets\":[" << at.first << "," << at.second << "]}";
    }
    header << "}";
    std::string text = header.str();
    if (edit) edit(text);
    std::vector<std::byte> out;
    for (int k = 0; k < 8; ++k) out.push_back(static_cast<std::byte>(text.size() >> (8 * k)));
    for (char c : text) out.push_back(static_cast<std::byte>(c));
    out.insert(out.end(), data.begin(), data.end());
    return out;
}

// Bit patterns a conversion through arithmetic would change.
void plant_special_values(nn::Module& m) {
    Tensor w = m.parameters()[0];
    if (w.dtype() == Dtype::float32) {
        const std::uint32_t bits[] = {0x80000000, 0x00000001, 0x7FA0BEEF, 0xFF800000};
        std::memcpy(w.data<float>(), bits, sizeof bits);
    } else {
        const std::uint64_t bits[] = {0x8000000000000000, 1, 0x7FF0000000C0FFEE,
                                      0xFFF0000000000000};
        std::memcpy(w.data<double>(), bits, sizeof bits);
    }
}

// A Linear child plus a float, an int64 and a bool buffer (batch norm's kind of state, and a
// mask), everything filled from `seed` so two models differ everywhere.
class WithBuffers : public nn::Module {
public:
    explicit WithBuffers(std::uint64_t seed, bool buffers = true) {
        Generator gen(seed);
        register_module("lin", std::make_shared<nn::Linear>(2, 3, gen));
        if (!buffers) return;
        register_buffer("stat", uniform(Shape{3}, -1, 1, gen));
        Tensor count = empty(Shape{}, Dtype::int64);
        count.data<std::int64_t>()[0] = static_cast<std::int64_t>(seed) * 1'000'000'007;
        register_buffer("count", count);
        Tensor mask = empty(Shape{3}, Dtype::boolean);
        for (std::int64_t i = 0; i < 3; ++i)
            mask.data<bool>()[i] = ((static_cast<std::int64_t>(seed) >> i) & 1) != 0;
        register_buffer("mask", mask);
    }
    Tensor forward(const Tensor& x) override { return child(0)(x) + buffer(0); }
    std::string describe() const override { return "WithBuffers()"; }
};

#include "fixtures/torch_cnn_outputs.inc"

// fixtures/make_torch_fixtures.py's cnn_model(): [N, 1, 8, 8] → [N, 3].
nn::Sequential cnn(std::uint64_t seed) {
    Generator gen(seed);
    return nn::Sequential{std::make_shared<nn::Conv2d>(1, 4, 3, nn::Conv2dOptions{.padding = 1},
                                                       gen),
                          std::make_shared<nn::BatchNorm2d>(4),
                          std::make_shared<nn::ReLU>(),
                          std::make_shared<nn::MaxPool2d>(2),
                          std::make_shared<nn::Flatten>(),
                          std::make_shared<nn::Linear>(4 * 4 * 4, 3, gen)};
}

// Loads files into `model`, expecting each to fail with E and a message containing `text`,
// and the model's bytes to be exactly as before.
struct Refusals {
    ScratchDir& dir;
    nn::Module& model;
    std::vector<std::vector<std::byte>> before;
    int count = 0;

    template <class E>
    void expect(const std::vector<std::byte>& bytes, const std::string& text) {
        const std::string path = dir.file("case" + std::to_string(++count));
        write_bytes(path, bytes);
        expect_file<E>(path, text);
    }
    template <class E>
    void expect_file(const std::string& path, const std::string& text) {
        INFO("file ", path, ": expecting '", text, "'");
        CHECK_THROWS_WITH_AS(nn::load(model, path), doctest::Contains(text.c_str()), E);
        CHECK(snapshot(model) == before);
    }
};
}  // namespace

TEST_SUITE("serialize") {
    TEST_CASE_TEMPLATE("save then load is bit-exact and keeps the parameter handles", T, float,
                       double) {
        ScratchDir dir;
        nn::Sequential saved = nn::test::xor_net(1), loaded = nn::test::xor_net(2);
        saved.to(dtype_of<T>());
        loaded.to(dtype_of<T>());
        plant_special_values(saved);
        nn::save(saved, dir.file("model.safetensors"));
        CHECK(dir.count() == 1);  // the temporary file was renamed, not left behind
        std::vector<Tensor> handles = loaded.parameters();
        nn::load(loaded, dir.file("model.safetensors"));
        CHECK(snapshot(loaded) == snapshot(saved));
        for (std::size_t i = 0; i < handles.size(); ++i)
            CHECK(loaded.parameters()[i].impl() == handles[i].impl());
        auto entries = io::load_safetensors(dir.file("model.safetensors"));
        REQUIRE(entries.size() == 6);
        CHECK(entries[0].name == "0.weight");
        CHECK(entries[0].dtype == (dtype_of<T>() == Dtype::float32 ? "F32" : "F64"));
        CHECK(entries[0].shape == std::vector<std::int64_t>{3, 2});
    }

    TEST_CASE_TEMPLATE("buffers round-trip: floating in the model's dtype, int64 I64, bool BOOL", T,
                       float, double) {
        ScratchDir dir;
        nn::Sequential saved{std::make_shared<WithBuffers>(1)},
            loaded{std::make_shared<WithBuffers>(2)};
        saved.to(dtype_of<T>());
        loaded.to(dtype_of<T>());
        nn::save(saved, dir.file("model.safetensors"));
        std::vector<Tensor> handles = loaded.buffers();
        nn::load(loaded, dir.file("model.safetensors"));
        CHECK(snapshot(loaded) == snapshot(saved));
        for (std::size_t i = 0; i < handles.size(); ++i)
            CHECK(loaded.buffers()[i].impl() == handles[i].impl());  // written in place
        auto entries = io::load_safetensors(dir.file("model.safetensors"));
        std::vector<std::string> names, dtypes;
        for (const auto& e : entries) {
            names.push_back(e.name);
            dtypes.push_back(e.dtype);
        }
        // A module's own buffers come before its children's entries, as in torch's state_dict.
        CHECK(names == std::vector<std::string>{"0.stat", "0.count", "0.mask", "0.lin.weight",
                                                "0.lin.bias"});
        const std::string f = dtype_of<T>() == Dtype::float32 ? "F32" : "F64";
        CHECK(dtypes == std::vector<std::string>{f, "I64", "BOOL", f, f});
        CHECK(entries[1].shape.empty());  // rank 0, as torch's num_batches_tracked
    }

    TEST_CASE("a file missing a buffer, or with a wrong buffer dtype, is refused untouched") {
        ScratchDir dir;
        nn::Sequential source{std::make_shared<WithBuffers>(1)};
        nn::save(source, dir.file("good.safetensors"));
        const auto good = io::load_safetensors(dir.file("good.safetensors"));
        nn::Sequential model{std::make_shared<WithBuffers>(2)};
        Refusals check{dir, model, snapshot(model)};
        auto index_of = [&good](const std::string& name) {
            auto at = std::find_if(good.begin(), good.end(),
                                   [&name](const auto& e) { return e.name == name; });
            REQUIRE(at != good.end());
            return static_cast<std::size_t>(at - good.begin());
        };
        std::vector<io::SafetensorsEntry> entries = good;
        entries.erase(entries.begin() + static_cast<std::ptrdiff_t>(index_of("0.count")));
        check.expect<FormatError>(build_file(entries), "tensor '0.count' is missing");
        entries = good;
        entries[index_of("0.count")].dtype = "F64";  // the counter stored as a float
        check.expect<DtypeError>(build_file(entries), "tensor '0.count' is F64 in the file");
        entries = good;
        entries[index_of("0.mask")].data[1] = std::byte{2};
        check.expect<FormatError>(build_file(entries), "tensor '0.mask' is BOOL but its element 1");
        entries = good;
        entries[index_of("0.stat")].shape = {1, 3};
        check.expect<ShapeError>(build_file(entries), "tensor '0.stat' has shape [1, 3]");
        // A parameters-only model refuses the buffers as unknown names.
        nn::Sequential plain{std::make_shared<WithBuffers>(3, false)};
        CHECK_THROWS_WITH_AS(nn::load(plain, dir.file("good.safetensors")),
                             doctest::Contains("tensor '0.stat' in the file is not"), FormatError);
    }

    TEST_CASE("a model written by PyTorch loads and computes PyTorch's outputs") {
        // Outputs printed by fixtures/make_torch_fixtures.py (torch 1.13) for the same files.
        const std::vector<double> torch_f32 = {0.467467337846756, 0.47741949558258057,
                                               0.45070838928222656, 0.46127596497535706};
        const std::vector<double> torch_f64 = {0.4674673755032805, 0.477419479149822,
                                               0.4507083797247811, 0.4612759832142584};
        for (Dtype dtype : {Dtype::float32, Dtype::float64}) {
            INFO(dtype_name(dtype));
            nn::Sequential net = nn::test::xor_net(5);
            net.to(dtype);
            const bool f32 = dtype == Dtype::float32;
            nn::load(net, (nn::test::fixture_dir() /
                           (f32 ? "torch_xor_f32.safetensors" : "torch_xor_f64.safetensors"))
                              .string());
            std::vector<double> ours =
                net(tensor({{0, 0}, {0, 1}, {1, 0}, {1, 1}}, dtype)).values();
            const std::vector<double>& want = f32 ? torch_f32 : torch_f64;
            for (std::size_t i = 0; i < 4; ++i)
                CHECK(std::abs(ours[i] - want[i]) <= (f32 ? 1e-6 : 1e-14));
        }
    }

    TEST_CASE("a CNN with batch norm written by PyTorch computes PyTorch's outputs and stats") {
        // Figures from fixtures/make_torch_fixtures.py for the same files and input.
        for (Dtype dtype : {Dtype::float32, Dtype::float64}) {
            INFO(dtype_name(dtype));
            const bool f32 = dtype == Dtype::float32;
            const auto& want = f32 ? kTorchCnnF32 : kTorchCnnF64;
            const double tol = f32 ? 1e-5 : 1e-12;
            nn::Sequential net = cnn(5);
            net.to(dtype);
            nn::load(net, (nn::test::fixture_dir() /
                           (f32 ? "torch_cnn_f32.safetensors" : "torch_cnn_f64.safetensors"))
                              .string());
            auto& bn = net.at<nn::BatchNorm2d>(1);
            CHECK(bn.num_batches_tracked() == 3);
            Tensor x = nn::test::pattern(Shape{2, 1, 8, 8}, 1, dtype);
            NoGradGuard no_grad;
            net.eval();
            nn::test::check_close(net(x).values(), want[0], tol, "eval output");
            net.train();
            nn::test::check_close(net(x).values(), want[1], tol, "training output");
            nn::test::check_close(bn.running_mean().values(), want[2], tol, "running_mean");
            nn::test::check_close(bn.running_var().values(), want[3], tol, "running_var");
            CHECK(bn.num_batches_tracked() == 4);
        }
    }

    TEST_CASE("a CNN with batch norm round-trips with its running statistics") {
        // With POTATOLEMON_CNN_EXPORT=path set, the trained model is also written there for
        // reference/torch_cnn_check.py, which rebuilds it in torch and compares.
        nn::Sequential trained = cnn(1), loaded = cnn(2);
        nn::test::set_parameters(trained, 100);
        for (int step = 0; step < 3; ++step)
            trained(nn::test::pattern(Shape{6, 1, 8, 8}, 10 + step, Dtype::float32));
        ScratchDir dir;
        nn::save(trained, dir.file("cnn.safetensors"));
        if (const char* path = std::getenv("POTATOLEMON_CNN_EXPORT")) nn::save(trained, path);
        nn::load(loaded, dir.file("cnn.safetensors"));
        CHECK(snapshot(loaded) == snapshot(trained));
        CHECK(loaded.at<nn::BatchNorm2d>(1).num_batches_tracked() == 3);
        trained.eval();
        loaded.eval();
        Tensor x = nn::test::pattern(Shape{2, 1, 8, 8}, 20, Dtype::float32);
        CHECK(loaded(x).values() == trained(x).values());
    }

    TEST_CASE("a hand-built file in another layout loads the same values") {
        ScratchDir dir;
        nn::Sequential source = nn::test::xor_net(1), copy = nn::test::xor_net(2);
        nn::save(source, dir.file("ours.safetensors"));
        auto entries = io::load_safetensors(dir.file("ours.safetensors"));
        std::reverse(entries.begin(), entries.end());  // other header and data order
        write_bytes(dir.file("by_hand.safetensors"), build_file(entries));
        nn::load(copy, dir.file("by_hand.safetensors"));
        CHECK(snapshot(copy) == snapshot(source));
    }

    TEST_CASE("malformed and mismatched files are refused and leave the model unchanged") {
        ScratchDir dir;
        nn::Sequential source = nn::test::xor_net(1);
        nn::save(source, dir.file("good.safetensors"));
        const auto good = io::load_safetensors(dir.file("good.safetensors"));
        const std::vector<std::byte> valid = build_file(good);
        nn::Sequential model = nn::test::xor_net(2);
        Refusals check{dir, model, snapshot(model)};

        check.expect<FormatError>({valid.begin(), valid.begin() + 5}, "too short");
        check.expect<FormatError>({valid.begin(), valid.end() - 5}, "safetensors");  // truncated
        std::vector<std::byte> too_long = valid;
        too_long[6] = std::byte{1};  // header length ~2^48
        check.expect<FormatError>(too_long, "safetensors");
        check.expect<FormatError>(build_file(good, {}, [](std::string& h) { h.back() = ' '; }),
                                  "safetensors");  // malformed JSON: the closing brace is gone
        check.expect<FormatError>(
            build_file(good, {}, [](std::string& h) { h.replace(h.find("F32"), 3, "F17"); }),
            "F17");
        check.expect<FormatError>(
            build_file(good, {{0, 24}, {24, 36}, {36, 72}, {72, 84}, {84, 96}, {96, 104}}),
            "safetensors");  // the last tensor's data runs past the end
        check.expect<FormatError>(build_file(good, {{0, 24}, {12, 24}}), "safetensors");  // overlap
        std::vector<io::SafetensorsEntry> entries = good;
        entries.pop_back();
        check.expect<FormatError>(build_file(entries), "tensor '4.bias' is missing");
        entries = good;
        entries.push_back({"extra", "F32", {1}, std::vector<std::byte>(4)});
        check.expect<FormatError>(build_file(entries), "tensor 'extra' in the file is not");
        entries = good;
        entries[2].shape = {9};  // 2.weight [3, 3] stored flat
        check.expect<ShapeError>(build_file(entries), "tensor '2.weight' has shape [9]");
        nn::Sequential wide = nn::test::xor_net(1);
        wide.to(Dtype::float64);
        nn::save(wide, dir.file("f64.safetensors"));
        check.expect_file<DtypeError>(dir.file("f64.safetensors"), "is F64 in the file");
        check.expect_file<std::system_error>(dir.file("no_such_file"), "");
    }

    TEST_CASE("save into a missing directory throws and leaves nothing behind") {
        ScratchDir dir;
        nn::Sequential net = nn::test::xor_net(1);
        CHECK_THROWS_AS(nn::save(net, dir.file("missing/model.safetensors")), std::system_error);
        CHECK(dir.count() == 0);
    }

}  // TEST_SUITE
