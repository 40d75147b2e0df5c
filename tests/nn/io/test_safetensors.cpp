// safetensors writing and reading: bit-exact round trips for F32/F64 (NaN payloads, -0, denormals,
// inf), the exact bytes the writer produces, a file written by a Python script from the format's
// rules, the writer's own argument checks, and save's never-half-written guarantee.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <system_error>

#include "nn/io/json.hpp"
#include "nn/io/safetensors.hpp"
#include "safetensors_test_util.hpp"

using potatolemon::DtypeError;
using potatolemon::ShapeError;
using namespace potatolemon::io;
using namespace potatolemon::io::test;

namespace {

// Bit patterns chosen to catch any conversion through float arithmetic.
const std::vector<std::uint32_t> f32_patterns = {
    0x3F800000,  // 1.0
    0x80000000,  // -0.0
    0x00000001,  // smallest denormal
    0x807FFFFF,  // largest negative denormal
    0x7F800000,  // +inf
    0xFF800000,  // -inf
    0x7FC00000,  // quiet NaN
    0x7FA0BEEF,  // signalling NaN with a payload
    0xFFC12345,  // negative quiet NaN with a payload
    0x7F7FFFFF,  // largest finite
};
const std::vector<std::uint64_t> f64_patterns = {
    0x3FF0000000000000,  // 1.0
    0x8000000000000000,  // -0.0
    0x0000000000000001,  // smallest denormal
    0x000FFFFFFFFFFFFF,  // largest denormal
    0x7FF0000000000000,  // +inf
    0xFFF0000000000000,  // -inf
    0x7FF8000000000000,  // quiet NaN
    0x7FF0000000C0FFEE,  // signalling NaN with a payload
    0xFFF8DEADBEEF0001,  // negative quiet NaN with a payload
};

std::vector<SafetensorsEntry> sample_entries() {
    return {
        {"layer.weight", "F32", {2, 5}, f32_bits(f32_patterns)},
        {"layer.bias", "F64", {9}, f64_bits(f64_patterns)},
        {"scalar", "F64", {}, f64_bits({0x400921FB54442D18})},  // pi, rank 0
        {"empty", "F32", {0, 3}, {}},
        {"odd", "F32", {3}, f32_bits({1, 2, 3})},  // 12 bytes: would misalign F64 data after it
    };
}

void check_same(const std::vector<SafetensorsEntry>& got,
                const std::vector<SafetensorsEntry>& want) {
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        INFO("entry ", want[i].name);
        CHECK(got[i].name == want[i].name);
        CHECK(got[i].dtype == want[i].dtype);
        CHECK(got[i].shape == want[i].shape);
        CHECK(got[i].data == want[i].data);  // bytes, so NaN payloads compare exactly
    }
}

std::string as_text(const std::vector<std::byte>& bytes, std::size_t from, std::size_t size) {
    return std::string(reinterpret_cast<const char*>(bytes.data()) + from, size);
}

}  // namespace

TEST_SUITE_BEGIN("safetensors");

TEST_CASE("save then load gives back every F32/F64 bit pattern, names, shapes and order") {
    ScratchDir dir;
    const std::string path = (dir.path() / "model.safetensors").string();
    const std::map<std::string, std::string> metadata = {{"format", "pt"}, {"step", "12"}};
    save_safetensors(path, sample_entries(), metadata);
    std::map<std::string, std::string> metadata_read;
    check_same(load_safetensors(path, &metadata_read), sample_entries());
    CHECK(metadata_read == metadata);
    // And in memory, without a file.
    const std::vector<std::byte> bytes = serialize_safetensors(sample_entries());
    check_same(parse_safetensors(bytes, "memory"), sample_entries());
    CHECK(read_bytes(path) == serialize_safetensors(sample_entries(), metadata));
}

TEST_CASE("the writer lays out bytes exactly as the format says") {
    // {"a":{...}} is 54 bytes of JSON, padded with 2 spaces to 56; then 8 bytes of data.
    const auto bytes =
        serialize_safetensors({{"a", "F32", {2}, f32_bits({0x3F800000, 0x40000000})}});
    REQUIRE(bytes.size() == 8 + 56 + 8);
    CHECK(bytes[0] == std::byte{56});
    CHECK(std::all_of(bytes.begin() + 1, bytes.begin() + 8,
                      [](std::byte b) { return b == std::byte{0}; }));
    CHECK(as_text(bytes, 8, 56) == R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}  )");
    CHECK(std::vector<std::byte>(bytes.begin() + 64, bytes.end()) ==
          f32_bits({0x3F800000, 0x40000000}));
    // No tensors, one metadata pair: 35 bytes of JSON padded to 40, "__metadata__" first.
    const auto meta_only = serialize_safetensors({}, {{"framework", "pt"}});
    REQUIRE(meta_only.size() == 8 + 40);
    CHECK(meta_only[0] == std::byte{40});
    CHECK(as_text(meta_only, 8, 40) == R"({"__metadata__":{"framework":"pt"}}     )");
    const auto nothing = serialize_safetensors({});
    CHECK(as_text(nothing, 8, nothing.size() - 8) == "{}      ");
    CHECK(parse_safetensors(nothing, "nothing").empty());
}

TEST_CASE("header keeps the caller's order while data is aligned to each element size") {
    const std::vector<SafetensorsEntry> entries = sample_entries();
    const std::vector<std::byte> bytes = serialize_safetensors(entries);
    std::uint64_t header_length = 0;
    for (int k = 0; k < 8; ++k) {
        header_length |= std::to_integer<std::uint64_t>(bytes[k]) << (8 * k);
    }
    CHECK(header_length % 8 == 0);
    const Json header = parse_json(as_text(bytes, 8, header_length));
    const auto& members = header.as_object();
    REQUIRE(members.size() == entries.size());
    for (std::size_t i = 0; i < members.size(); ++i) {
        const SafetensorsEntry& entry = entries[i];
        INFO("entry ", entry.name);
        CHECK(members[i].first == entry.name);
        const std::int64_t begin = members[i].second.find("data_offsets")->as_array()[0].as_int64();
        CHECK(begin % static_cast<std::int64_t>(safetensors_dtype_size(entry.dtype)) == 0);
    }
}

TEST_CASE("a file written by make_fixtures.py from the format's rules reads correctly") {
    std::map<std::string, std::string> metadata;
    const auto entries =
        load_safetensors((fixture_dir() / "by_spec.safetensors").string(), &metadata);
    // Header order from the script's HEADER_ORDER, without "__metadata__".
    REQUIRE(entries.size() == 4);
    CHECK(entries[0].name == "step");
    CHECK(entries[1].name == "bias");
    CHECK(entries[2].name == "empty");
    CHECK(entries[3].name == "weight");
    CHECK(metadata.at("format") == "pt");
    // The script wrote U+00FC, U+2713 and U+1F600 as \u escapes, the last as a surrogate pair.
    CHECK(metadata.at("note") ==
          "written by make_fixtures.py \xC3\xBC \xE2\x9C\x93 \xF0\x9F\x98\x80");

    CHECK(entries[0].dtype == "I64");
    CHECK(entries[0].shape.empty());
    CHECK(entries[0].data == f64_bits({42}));

    CHECK(entries[1].dtype == "F64");
    CHECK(entries[1].shape == std::vector<std::int64_t>{3});
    std::vector<double> bias(3);
    std::memcpy(bias.data(), entries[1].data.data(), 24);
    CHECK(bias == std::vector<double>{0.5, -1.0, 1e-310});

    CHECK(entries[2].shape == std::vector<std::int64_t>{0, 4});
    CHECK(entries[2].data.empty());

    CHECK(entries[3].dtype == "F32");
    CHECK(entries[3].shape == std::vector<std::int64_t>{2, 3});
    std::vector<float> weight(6);
    std::memcpy(weight.data(), entries[3].data.data(), 24);
    CHECK(weight == std::vector<float>{1.5f, -2.25f, 0.1f, 3.0f, -0.0f, 65504.0f});
    CHECK(std::signbit(weight[4]));
}

TEST_CASE("a hand-built file with whitespace around the header object is accepted") {
    // The reference reader accepts any JSON object; only our writer promises a leading '{'.
    const std::string header =
        "\n {\"x\" : {\"shape\":[1], \"dtype\":\"U8\", \"data_offsets\":[0,1]}} ";
    const auto entries = parse_safetensors(file_of(header, 1), "spaced");
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].dtype == "U8");
    CHECK(entries[0].data == std::vector<std::byte>{std::byte{0}});
}

TEST_CASE("serialize_safetensors refuses entries it cannot write, naming the entry") {
    const auto f32 = f32_bits({0, 0});
    CHECK_THROWS_WITH_AS(serialize_safetensors({{"w", "F31", {2}, f32}}),
                         "save_safetensors: tensor \"w\": unknown dtype \"F31\"", DtypeError);
    CHECK_THROWS_WITH_AS(serialize_safetensors({{"w", "F32", {3}, f32}}),
                         "save_safetensors: tensor \"w\": F32 [3] needs 12 bytes, data has 8",
                         ShapeError);
    CHECK_THROWS_WITH_AS(serialize_safetensors({{"w", "F32", {-2}, f32}}),
                         "save_safetensors: tensor \"w\": F32 [-2] has a negative dim or more "
                         "than 2^63 - 1 bytes",
                         ShapeError);
    CHECK_THROWS_WITH_AS(serialize_safetensors({{"w", "F32", {2}, f32}, {"w", "F32", {2}, f32}}),
                         "save_safetensors: duplicate tensor name \"w\"", std::invalid_argument);
    CHECK_THROWS_AS(serialize_safetensors({{"__metadata__", "F32", {2}, f32}}),
                    std::invalid_argument);
    CHECK_THROWS_AS(serialize_safetensors({{"bad\xFF", "F32", {2}, f32}}), std::invalid_argument);
    CHECK_THROWS_AS(serialize_safetensors({}, {{"k", "\xC0"}}), std::invalid_argument);
}

TEST_CASE("save replaces the old file and leaves no temporary file behind") {
    ScratchDir dir;
    const auto path = dir.path() / "m.safetensors";
    save_safetensors(path.string(), sample_entries());
    const std::vector<SafetensorsEntry> second = {{"only", "F64", {1}, f64_bits({7})}};
    save_safetensors(path.string(), second);
    check_same(load_safetensors(path.string()), second);
    CHECK(dir.names() == std::vector<std::string>{"m.safetensors"});
}

TEST_CASE("a save that fails leaves the old file as it was and no temporary file") {
    ScratchDir dir;
    const auto path = dir.path() / "m.safetensors";
    save_safetensors(path.string(), sample_entries());
    const std::vector<std::byte> before = read_bytes(path);

    SUBCASE("invalid entries are refused before any file is touched") {
        CHECK_THROWS_AS(save_safetensors(path.string(), {{"w", "F32", {5}, {}}}), ShapeError);
    }
    SUBCASE("the directory cannot be written") {
        std::filesystem::permissions(
            dir.path(), std::filesystem::perms::owner_read | std::filesystem::perms::owner_exec);
        std::FILE* probe = std::fopen((dir.path() / "probe").c_str(), "w");
        if (probe != nullptr) {
            std::fclose(probe);
            std::filesystem::remove(dir.path() / "probe");
            MESSAGE("skipped: running as root, permissions do not stop writes");
        } else {
            CHECK_THROWS_AS(save_safetensors(path.string(), {}), std::system_error);
        }
        std::filesystem::permissions(dir.path(), std::filesystem::perms::owner_all);
    }
    CHECK(read_bytes(path) == before);
    CHECK(dir.names() == std::vector<std::string>{"m.safetensors"});
}

TEST_CASE("saving over a directory or into a missing directory fails cleanly") {
    ScratchDir dir;
    const auto target = dir.path() / "is_a_dir";
    std::filesystem::create_directory(target);
    std::filesystem::create_directory(target / "kept");
    try {
        save_safetensors(target.string(), sample_entries());
        FAIL_CHECK("no error was thrown");
    } catch (const std::system_error& e) {
        CHECK(std::string(e.what()).find("save_safetensors: cannot rename") == 0);
    }
    CHECK(std::filesystem::is_directory(target / "kept"));
    CHECK(dir.names() == std::vector<std::string>{"is_a_dir"});

    const auto missing = dir.path() / "no" / "such" / "dir" / "m.safetensors";
    CHECK_THROWS_AS(save_safetensors(missing.string(), sample_entries()), std::system_error);
    CHECK_FALSE(std::filesystem::exists(dir.path() / "no"));
}

TEST_CASE("load_safetensors names the path it cannot read") {
    ScratchDir dir;
    const std::string path = (dir.path() / "absent.safetensors").string();
    try {
        load_safetensors(path);
        FAIL_CHECK("no error was thrown");
    } catch (const std::system_error& e) {
        CHECK(std::string(e.what()).find("load_safetensors: cannot open '" + path + "'") == 0);
        CHECK(e.code() == std::errc::no_such_file_or_directory);
    }
    CHECK_THROWS_AS(load_safetensors(dir.path().string()), std::system_error);
}

TEST_SUITE_END();
