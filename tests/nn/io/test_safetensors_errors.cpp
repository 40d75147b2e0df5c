// Every way the reader knows a safetensors file to be broken, each built by hand from the format's
// rules with one thing wrong: the FormatError must name the source, the byte offset and the
// problem.
#include <doctest/doctest.h>

#include <string>

#include "nn/io/safetensors.hpp"
#include "safetensors_test_util.hpp"

using potatolemon::FormatError;
using namespace potatolemon::io;
using namespace potatolemon::io::test;

namespace {

struct Case {
    const char* what;
    std::vector<std::byte> bytes;
    std::uint64_t offset;  // absolute byte offset in the file that the message must name
    std::string problem;
};

// Offset in the file of the first occurrence of `needle` in the header (which starts at byte 8).
std::uint64_t at(const std::string& header, const std::string& needle, std::size_t nth = 0) {
    std::size_t pos = header.find(needle);
    for (std::size_t i = 0; i < nth; ++i) pos = header.find(needle, pos + 1);
    REQUIRE(pos != std::string::npos);
    return 8 + pos;
}

// One entry's JSON object.
std::string entry(const std::string& dtype, const std::string& shape, const std::string& offsets) {
    return R"({"dtype":")" + dtype + R"(","shape":)" + shape + R"(,"data_offsets":)" + offsets +
           "}";
}

Case with_header(const char* what, const std::string& header, std::size_t data_size,
                 std::uint64_t offset, std::string problem) {
    return {what, file_of(header, data_size), offset, std::move(problem)};
}

std::vector<Case> header_cases() {
    std::vector<Case> cases;
    cases.push_back(
        {"empty file", {}, 0, "file is 0 bytes, too short for the 8-byte header length"});
    cases.push_back({"7 bytes", std::vector<std::byte>(7), 0,
                     "file is 7 bytes, too short for the 8-byte header length"});
    cases.push_back({"length past the end", file_of("{}", 0, 100), 0,
                     "header length 100 runs past the end of the 10-byte file"});
    cases.push_back({"absurd length", file_of("{}", 0, 1ULL << 62), 0,
                     "header length 4611686018427387904 is over the limit of 100000000 bytes"});
    cases.push_back({"length one byte short of the JSON", file_of("{}", 0, 1), 9,
                     "header JSON: expected a string key, found end of input"});
    std::string h = R"({"w":})";
    cases.push_back(with_header("malformed JSON", h, 0, at(h, "}"),
                                "header JSON: expected a JSON value, found '}'"));
    h = "[1, 2]";
    cases.push_back(
        with_header("header is an array", h, 0, 8, "header is an array, expected an object"));
    h = " 7";
    cases.push_back(
        with_header("header is a number", h, 0, 9, "header is a number, expected an object"));
    h = "{\"w\":" + entry("F32", "[1]", "[0,4]") + ",\"w\":" + entry("F32", "[1]", "[4,8]") + "}";
    cases.push_back(with_header("duplicate names", h, 8, at(h, "\"w\"", 1),
                                "header JSON: duplicate key \"w\""));
    h = "{\"w\xFF\":" + entry("U8", "[1]", "[0,1]") + "}";
    cases.push_back(with_header("name is not UTF-8", h, 1, at(h, "\xFF"),
                                "header JSON: invalid UTF-8 in a string"));
    h = R"({"a":)" + std::string(200, '[');
    // The object is one level, so the 128th '[' is the first too deep.
    cases.push_back(with_header("nesting", h, 0, at(h, "[") + 127,
                                "header JSON: nesting deeper than 128 levels"));
    h = R"({"__metadata__":"pt"})";
    cases.push_back(with_header("metadata not an object", h, 0, at(h, "\"pt\""),
                                "\"__metadata__\" is a string, expected an object of strings"));
    h = R"({"__metadata__":{"ok":"yes","k":1}})";
    cases.push_back(with_header("metadata value not a string", h, 0, at(h, "1"),
                                "\"__metadata__\" value \"k\" is a number, expected a string"));
    return cases;
}

std::vector<Case> entry_cases() {
    std::vector<Case> cases;
    std::string h = R"({"w":[1]})";
    cases.push_back(with_header("entry not an object", h, 0, at(h, "["),
                                "tensor \"w\" is an array, expected an object with dtype, shape "
                                "and data_offsets"));
    h = R"({"w":{"shape":[1],"data_offsets":[0,4]}})";
    cases.push_back(
        with_header("missing dtype", h, 4, at(h, "{\"shape"), "tensor \"w\": missing \"dtype\""));
    h = R"({"w":{"dtype":"F32","data_offsets":[0,4]}})";
    cases.push_back(
        with_header("missing shape", h, 4, at(h, "{\"dtype"), "tensor \"w\": missing \"shape\""));
    h = R"({"w":{"dtype":"F32","shape":[1]}})";
    cases.push_back(with_header("missing data_offsets", h, 4, at(h, "{\"dtype"),
                                "tensor \"w\": missing \"data_offsets\""));
    h = R"({"w":{"dtype":32,"shape":[1],"data_offsets":[0,4]}})";
    cases.push_back(with_header("dtype not a string", h, 4, at(h, "32"),
                                "tensor \"w\": \"dtype\" is a number, expected a string"));
    h = "{\"w\":" + entry("F32", "\"1\"", "[0,4]") + "}";
    cases.push_back(with_header("shape not an array", h, 4, at(h, "\"1\""),
                                "tensor \"w\": \"shape\" is a string, expected an array"));
    h = "{\"w\":" + entry("F32", "[1]", "{}") + "}";
    cases.push_back(with_header("data_offsets not an array", h, 4, at(h, "{}"),
                                "tensor \"w\": \"data_offsets\" is an object, expected an array"));
    h = "{\"w\":" + entry("F31", "[1]", "[0,4]") + "}";
    cases.push_back(with_header("unknown dtype", h, 4, at(h, "\"F31\""),
                                "tensor \"w\": unknown dtype \"F31\""));
    h = "{\"w\":" + entry("f32", "[1]", "[0,4]") + "}";
    cases.push_back(with_header("dtype names are case-sensitive", h, 4, at(h, "\"f32\""),
                                "tensor \"w\": unknown dtype \"f32\""));
    h = "{\"w\":" + entry("F32", "[2,-1]", "[0,4]") + "}";
    cases.push_back(with_header("negative dim", h, 4, at(h, "-1"),
                                "tensor \"w\": shape[1] is -1, expected a non-negative integer"));
    h = "{\"w\":" + entry("F32", "[1e0]", "[0,4]") + "}";
    cases.push_back(with_header("dim written as a float", h, 4, at(h, "1e0"),
                                "tensor \"w\": shape[0] is 1e0, expected a non-negative integer"));
    h = "{\"w\":" + entry("F32", "[2.5]", "[0,4]") + "}";
    cases.push_back(with_header("fractional dim", h, 4, at(h, "2.5"),
                                "tensor \"w\": shape[0] is 2.5, expected a non-negative integer"));
    h = "{\"w\":" + entry("F32", "[\"3\"]", "[0,4]") + "}";
    cases.push_back(
        with_header("dim as a string", h, 4, at(h, "\"3\""),
                    "tensor \"w\": shape[0] is \"3\", expected a non-negative integer"));
    h = "{\"w\":" + entry("F32", "[4294967296,4294967296]", "[0,4]") + "}";
    cases.push_back(with_header("numel overflow", h, 4, at(h, "[4294967296"),
                                "tensor \"w\": F32 [4294967296, 4294967296] has more than 2^63 - 1 "
                                "bytes"));
    h = "{\"w\":" + entry("F32", "[1]", "[0,18446744073709551620]") + "}";
    cases.push_back(with_header("offset past uint64", h, 4, at(h, "18446"),
                                "tensor \"w\": data_offsets[1] is 18446744073709551620, expected "
                                "a non-negative integer"));
    return cases;
}

std::vector<Case> offset_cases() {
    std::vector<Case> cases;
    std::string h = "{\"w\":" + entry("F32", "[1]", "[0]") + "}";
    cases.push_back(with_header("one offset", h, 4, at(h, "[0]"),
                                "tensor \"w\": data_offsets [0] is not [begin, end]"));
    h = "{\"w\":" + entry("F32", "[1]", "[0,4,8]") + "}";
    cases.push_back(with_header("three offsets", h, 8, at(h, "[0,4,8]"),
                                "tensor \"w\": data_offsets [0,4,8] is not [begin, end]"));
    h = "{\"w\":" + entry("F32", "[1]", "[0,400]") + "}";
    cases.push_back(with_header("offset out of range", h, 4, at(h, "[0,400]"),
                                "tensor \"w\": data_offsets [0,400] run past the 4-byte data "
                                "section"));
    h = "{\"w\":" + entry("F32", "[1]", "[8,4]") + "}";
    cases.push_back(with_header("end before begin", h, 8, at(h, "[8,4]"),
                                "tensor \"w\": data_offsets [8,4] end before they begin"));
    h = "{\"w\":" + entry("F32", "[2,3]", "[0,20]") + "}";
    cases.push_back(with_header("byte length != numel x dtype size", h, 20, at(h, "[0,20]"),
                                "tensor \"w\": data_offsets [0,20] hold 20 bytes, but F32 [2, 3] "
                                "needs 24"));
    h = "{\"a\":" + entry("F32", "[2]", "[0,8]") + ",\"b\":" + entry("F32", "[2]", "[4,12]") + "}";
    cases.push_back(
        with_header("overlap", h, 12, at(h, "{\"dtype", 1),
                    "tensor \"b\" (bytes [4, 12)) overlaps tensor \"a\" (bytes [0, 8))"));
    h = "{\"a\":" + entry("F32", "[2]", "[0,8]") + ",\"z\":" + entry("F32", "[0]", "[4,4]") + "}";
    cases.push_back(
        with_header("empty tensor inside another", h, 8, at(h, "{\"dtype", 1),
                    "tensor \"z\" (bytes [4, 4)) overlaps tensor \"a\" (bytes [0, 8))"));
    h = "{\"a\":" + entry("F32", "[1]", "[0,4]") + ",\"b\":" + entry("F32", "[1]", "[8,12]") + "}";
    cases.push_back(with_header("gap", h, 12, 8 + h.size() + 4,
                                "data bytes [4, 8) are not covered by any tensor"));
    h = "{\"a\":" + entry("F32", "[1]", "[4,8]") + "}";
    cases.push_back(with_header("gap at the start", h, 8, 8 + h.size(),
                                "data bytes [0, 4) are not covered by any tensor"));
    h = "{\"a\":" + entry("F32", "[1]", "[0,4]") + "}";
    cases.push_back(with_header("trailing bytes", h, 6, 8 + h.size() + 4,
                                "2 trailing data bytes are not covered by any tensor"));
    h = "{}";
    cases.push_back(with_header("data but no tensors", h, 3, 10,
                                "3 trailing data bytes are not covered by any tensor"));
    return cases;
}

void check_rejected(const std::vector<Case>& cases) {
    for (const Case& c : cases) {
        INFO("case: ", std::string(c.what));
        const std::string expected =
            "safetensors: bad.safetensors: byte " + std::to_string(c.offset) + ": " + c.problem;
        CHECK_THROWS_WITH_AS(parse_safetensors(c.bytes, "bad.safetensors"), expected.c_str(),
                             FormatError);
    }
}

}  // namespace

TEST_SUITE_BEGIN("safetensors errors");

TEST_CASE("header problems: size, length field, JSON, kind, duplicates, metadata") {
    check_rejected(header_cases());
}

TEST_CASE("entry problems: kinds, missing keys, dtype, shape values, numel overflow") {
    check_rejected(entry_cases());
}

TEST_CASE("data problems: offsets, lengths, overlaps, gaps and trailing bytes") {
    check_rejected(offset_cases());
}

TEST_CASE("the cases above differ from valid files only in the broken part") {
    // Sanity check on the builders: the same shapes with correct offsets are accepted.
    std::string h = "{\"a\":" + entry("F32", "[2]", "[0,8]") +
                    ",\"b\":" + entry("F32", "[2]", "[8,16]") +
                    ",\"z\":" + entry("F32", "[0]", "[8,8]") + "}";
    CHECK(parse_safetensors(file_of(h, 16), "good").size() == 3);
    h = "{\"b\":" + entry("F32", "[1]", "[4,8]") + ",\"a\":" + entry("F32", "[1]", "[0,4]") + "}";
    const auto entries = parse_safetensors(file_of(h, 8), "good");
    REQUIRE(entries.size() == 2);
    CHECK(entries[0].name == "b");  // header order, not data order
    CHECK(entries[0].data ==
          std::vector<std::byte>{std::byte{4}, std::byte{5}, std::byte{6}, std::byte{7}});
}

TEST_CASE("load_safetensors puts the path in the message") {
    ScratchDir dir;
    const auto path = dir.path() / "short.safetensors";
    std::FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f != nullptr);
    std::fputs("abc", f);
    std::fclose(f);
    CHECK_THROWS_WITH_AS(load_safetensors(path.string()),
                         ("safetensors: " + path.string() +
                          ": byte 0: file is 3 bytes, too short for the 8-byte header length")
                             .c_str(),
                         FormatError);
}

TEST_SUITE_END();
