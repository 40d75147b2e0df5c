// parse_idx, read_idx and load_mnist on the small IDX files in corpus/idx and corpus/malformed
// (see corpus/make_corpus.py), and on Fashion-MNIST when it is installed (skipped otherwise).
#include <doctest/doctest.h>

#include <array>
#include <bit>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "nn/data/idx.hpp"
#include "nn/data/mnist.hpp"
#include "data_test_util.hpp"

using potatolemon::FormatError;
using namespace potatolemon::data;
using data_test::Bytes;
using data_test::corpus;
using data_test::read_bytes;
using Dims = std::vector<std::int64_t>;

namespace {

const std::string fashion = "/usr/share/datasets/fashion-mnist/";

float big_endian_float(const std::uint8_t* p) {
    std::uint32_t u = std::uint32_t(p[0]) << 24 | p[1] << 16 | p[2] << 8 | p[3];
    return std::bit_cast<float>(u);
}

}  // namespace

TEST_SUITE("idx") {
    TEST_CASE("parse_idx: a ubyte [3, 4, 5] file gives its dims and the 60 bytes as stored") {
        IdxArray a = parse_idx(read_bytes(corpus + "idx/images_3x4x5.idx"), "images");
        CHECK(a.type_code == idx_ubyte);
        CHECK(a.dims == Dims{3, 4, 5});
        REQUIRE(a.bytes.size() == 60);
        for (std::size_t i = 0; i < 60; ++i) CHECK(a.bytes[i] == i * 7 % 256);  // make_corpus.py
    }

    TEST_CASE("parse_idx: float data stays big-endian and decodes to the values written") {
        IdxArray a = parse_idx(read_bytes(corpus + "idx/floats_2x3.idx"), "floats");
        CHECK(a.type_code == idx_float);
        CHECK(a.dims == Dims{2, 3});
        REQUIRE(a.bytes.size() == 24);
        const float written[] = {0.5f, -1.0f, 2.0f, 3.25f, 0.0f, 1000.0f};  // make_corpus.py
        for (int i = 0; i < 6; ++i) CHECK(big_endian_float(&a.bytes[4 * i]) == written[i]);
    }

    TEST_CASE("parse_idx: rank 0 holds exactly one element") {
        IdxArray a = parse_idx(read_bytes(corpus + "idx/scalar_int.idx"), "scalar");
        CHECK(a.type_code == idx_int);
        CHECK(a.dims.empty());
        CHECK(a.bytes == Bytes{0xFF, 0xFF, 0xFF, 0xF9});  // -7, big-endian
    }

    TEST_CASE("idx_element_size: sizes of the six type codes, 0 otherwise") {
        CHECK(idx_element_size(idx_ubyte) == 1);
        CHECK(idx_element_size(idx_sbyte) == 1);
        CHECK(idx_element_size(idx_short) == 2);
        CHECK(idx_element_size(idx_int) == 4);
        CHECK(idx_element_size(idx_float) == 4);
        CHECK(idx_element_size(idx_double) == 8);
        CHECK(idx_element_size(0x0A) == 0);
    }

    TEST_CASE("read_idx: a gzipped file reads the same as the raw one") {
        IdxArray raw = read_idx(corpus + "idx/images_3x4x5.idx");
        IdxArray gz = read_idx(corpus + "idx/images_3x4x5.idx.gz");
        CHECK(gz.type_code == raw.type_code);
        CHECK(gz.dims == raw.dims);
        CHECK(gz.bytes == raw.bytes);
    }

    TEST_CASE("parse_idx: malformed files throw FormatError naming source, byte, expected, found") {
        struct Case {
            const char* file;
            const char* message;  // after "parse_idx: <file>: "
        };
        const Case cases[] = {
            {"idx_short_magic.idx", "byte 3: expected a 4-byte IDX magic, found 3 bytes"},
            {"idx_bad_magic.idx", "byte 0: expected IDX magic 0x00 0x00, found 0x01 0x00"},
            {"idx_bad_type.idx",
             "byte 2: expected an IDX type code (0x08, 0x09, 0x0b, 0x0c, 0x0d "
             "or 0x0e), found 0x0a"},
            {"idx_truncated_dims.idx",
             "byte 10: expected 3 dimensions (header of 16 bytes), found 10 bytes"},
            {"idx_short_data.idx",
             "byte 17: expected 6 data bytes for dims [2, 3] of 1-byte "
             "elements, found 5 (data truncated)"},
            {"idx_trailing.idx",
             "byte 18: expected 6 data bytes for dims [2, 3] of 1-byte "
             "elements, found 7 (trailing bytes)"},
            // 8-byte doubles: 8 * (2^32 - 1) fits, times 2^32 - 1 again does not (dim 1, byte 8).
            {"idx_overflow.idx",
             "byte 8: expected dims whose byte count fits in 64 bits, found "
             "[4294967295, 4294967295]..."},
        };
        for (const Case& c : cases) {
            INFO(std::string(c.file));
            Bytes bytes = read_bytes(corpus + "malformed/" + c.file);
            CHECK_THROWS_AS(parse_idx(bytes, c.file), FormatError);
            CHECK(data_test::format_error_of([&] { parse_idx(bytes, c.file); }) ==
                  "parse_idx: " + std::string(c.file) + ": " + c.message);
        }
    }

    TEST_CASE("parse_idx: IdxExpect rejects another type at byte 2 and another rank at byte 3") {
        Bytes labels = read_bytes(corpus + "idx/labels_3.idx");
        CHECK(parse_idx(labels, "labels", {.type_code = idx_ubyte, .rank = 1}).dims == Dims{3});
        CHECK(data_test::format_error_of([&] { parse_idx(labels, "labels", {.rank = 3}); }) ==
              "parse_idx: labels: byte 3: expected dimension count 3, found 1");
        CHECK(data_test::format_error_of([&] {
                  parse_idx(labels, "labels", {.type_code = idx_float});
              }) == "parse_idx: labels: byte 2: expected type code 0x0d, found 0x08");
    }

    TEST_CASE("parse_idx: every truncation and every extension by one byte throws") {
        for (const char* name : {"images_3x4x5.idx", "floats_2x3.idx", "scalar_int.idx"}) {
            Bytes bytes = read_bytes(corpus + "idx/" + name);
            for (std::size_t n = 0; n < bytes.size(); ++n) {
                INFO(std::string(name) << " cut to " << n << " bytes");
                CHECK_THROWS_AS(parse_idx(std::span(bytes).first(n), name), FormatError);
            }
            bytes.push_back(0);
            CHECK_THROWS_AS(parse_idx(bytes, name), FormatError);
        }
    }

    TEST_CASE(
        "read_idx: errors in .gz files name read_idx, then gunzip or the decompressed bytes") {
        std::string bad_crc = corpus + "malformed/gz_bad_crc.gz";
        CHECK(data_test::format_error_of([&] { read_idx(bad_crc); }) ==
              "read_idx: gunzip: " + bad_crc +
                  ": byte 21: expected CRC-32 0x0b598801 (trailer), "
                  "found 0x0b598800 (decompressed data)");
        std::string short_data = corpus + "malformed/idx_short_data.idx.gz";
        CHECK(data_test::format_error_of([&] { read_idx(short_data); }) ==
              "read_idx: " + short_data +
                  " (decompressed): byte 17: expected 6 data bytes for dims "
                  "[2, 3] of 1-byte elements, found 5 (data truncated)");
    }

    TEST_CASE("read_idx: a missing file throws std::system_error naming the path") {
        std::string path = corpus + "no_such_file.idx";
        CHECK_THROWS_AS(read_idx(path), std::system_error);
        try {
            read_idx(path);
        } catch (const std::system_error& e) {
            CHECK(std::string(e.what()).find("read_idx: cannot open '" + path + "'") == 0);
        }
    }

    TEST_CASE("load_mnist: images and labels load together; differing counts throw") {
        MnistSet set = load_mnist(corpus + "idx/images_3x4x5.idx.gz", corpus + "idx/labels_3.idx");
        CHECK(set.images.dims == Dims{3, 4, 5});
        CHECK(set.labels.bytes == Bytes{0, 1, 2});
        std::string labels_2 = corpus + "idx/labels_2.idx.gz";
        CHECK(data_test::format_error_of([&] {
                  load_mnist(corpus + "idx/images_3x4x5.idx", labels_2);
              }) == "load_mnist: " + labels_2 + ": byte 4: expected 3 labels, one per image in '" +
                        corpus + "idx/images_3x4x5.idx', found 2");
        // Labels passed as images: the rank check fires before any data is used.
        CHECK(data_test::format_error_of([&] {
                  load_mnist(corpus + "idx/labels_3.idx", labels_2);
              }) == "read_idx: " + corpus +
                        "idx/labels_3.idx: byte 3: expected dimension count 3, found 1");
    }

    // Not needed by CI (the data set is not installed there): a check on the real files.
    TEST_CASE("Fashion-MNIST: the four files parse to 60000x28x28, 60000, 10000x28x28, 10000" *
              doctest::skip(!std::filesystem::exists(fashion))) {
        MnistSet train = load_mnist(fashion + "train-images-idx3-ubyte.gz",
                                    fashion + "train-labels-idx1-ubyte.gz");
        MnistSet test = load_mnist(fashion + "t10k-images-idx3-ubyte.gz",
                                   fashion + "t10k-labels-idx1-ubyte.gz");
        CHECK(train.images.dims == Dims{60000, 28, 28});
        CHECK(train.labels.dims == Dims{60000});
        CHECK(test.images.dims == Dims{10000, 28, 28});
        CHECK(test.labels.dims == Dims{10000});
        // Fashion-MNIST is balanced: 6000 training and 1000 test images per class 0..9.
        for (auto [set, per_class] : {std::pair{&train, 6000}, std::pair{&test, 1000}}) {
            std::array<int, 256> count{};
            for (std::uint8_t label : set->labels.bytes) ++count[label];
            for (int k = 0; k < 10; ++k) CHECK(count[k] == per_class);
            CHECK(set->images.bytes.size() == set->labels.bytes.size() * 28 * 28);
        }
    }

}  // TEST_SUITE("idx")
