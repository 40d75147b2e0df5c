// parse_json and dump_json: values, escapes, number exactness, round trips, and one check per kind
// of malformed input that the message names the byte offset and what was expected there.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

#include "nn/io/json.hpp"

using potatolemon::FormatError;
using potatolemon::io::dump_json;
using potatolemon::io::Json;
using potatolemon::io::JsonError;
using potatolemon::io::parse_json;

namespace {

std::uint64_t bits_of(double d) {
    std::uint64_t bits = 0;
    std::memcpy(&bits, &d, sizeof d);
    return bits;
}

}  // namespace

TEST_SUITE_BEGIN("json");

TEST_CASE("parse_json reads literals, numbers, strings, arrays and objects") {
    CHECK(parse_json("null").is_null());
    CHECK(parse_json(" true ").as_bool() == true);
    CHECK(parse_json("\t\r\nfalse").as_bool() == false);
    CHECK(parse_json("[]").as_array().empty());
    CHECK(parse_json("{}").as_object().empty());
    const Json v = parse_json(R"({"a": [1, 2.5, "x", null], "b": {"c": false}})");
    REQUIRE(v.is_object());
    CHECK(v.find("a")->as_array().size() == 4);
    CHECK(v.find("a")->as_array()[1].as_double() == 2.5);
    CHECK(v.find("a")->as_array()[2].as_string() == "x");
    CHECK(v.find("b")->find("c")->as_bool() == false);
    CHECK(v.find("missing") == nullptr);
}

TEST_CASE("integers keep an exact int64; fractions, exponents and out-of-range ints do not") {
    CHECK(parse_json("0").as_int64() == 0);
    CHECK(parse_json("-12").as_int64() == -12);
    const auto max = std::numeric_limits<std::int64_t>::max();
    const auto min = std::numeric_limits<std::int64_t>::min();
    CHECK(parse_json("9223372036854775807").as_int64() == max);
    CHECK(parse_json("-9223372036854775808").as_int64() == min);
    // 2^63 does not fit in int64: it stays a number, but only as a double.
    const Json big = parse_json("9223372036854775808");
    CHECK_FALSE(big.is_integer());
    CHECK(big.as_double() == 9223372036854775808.0);
    CHECK_FALSE(parse_json("1.0").is_integer());
    CHECK_FALSE(parse_json("1e3").is_integer());
    CHECK(parse_json("1e3").as_double() == 1000.0);
    CHECK(parse_json("-2.5E-3").as_double() == -0.0025);
    // "-0" keeps its sign as a double rather than collapsing to the integer 0.
    const Json negative_zero = parse_json("-0");
    CHECK_FALSE(negative_zero.is_integer());
    CHECK(std::signbit(negative_zero.as_double()));
    CHECK_THROWS_AS(parse_json("1.5").as_int64(), std::logic_error);
}

TEST_CASE("string escapes decode, \\u escapes and surrogate pairs become UTF-8") {
    CHECK(parse_json(R"("\"\\\/\b\f\n\r\t")").as_string() == "\"\\/\b\f\n\r\t");
    CHECK(parse_json(R"("\u0041\u00e9\u20AC")").as_string() == "A\xC3\xA9\xE2\x82\xAC");
    // U+1F600 written as the UTF-16 pair D83D DE00 is F0 9F 98 80 in UTF-8.
    CHECK(parse_json(R"("\ud83d\ude00")").as_string() == "\xF0\x9F\x98\x80");
    CHECK(parse_json("\"raw \xC3\xBC \xF0\x9F\x98\x80\"").as_string() ==
          "raw \xC3\xBC \xF0\x9F\x98\x80");
    CHECK(parse_json(R"("\u0000")").as_string() == std::string(1, '\0'));
}

TEST_CASE("objects keep member order and dump_json writes it back unchanged") {
    const std::string text = R"({"z":1,"a":[true,false,null],"m":{"y":"s","b":-3}})";
    const Json v = parse_json(text);
    const auto& members = v.as_object();
    REQUIRE(members.size() == 3);
    CHECK(members[0].first == "z");
    CHECK(members[1].first == "a");
    CHECK(members[2].first == "m");
    CHECK(dump_json(v) == text);
}

TEST_CASE("dump_json is compact and parse_json(dump_json(v)) == v") {
    const Json v(Json::Object{
        {"ints",
         Json(Json::Array{Json(0), Json(-7), Json(std::numeric_limits<std::int64_t>::max())})},
        {"text", Json("tab\there \"quoted\" \\ \x01 \xC3\xA9")},
        {"nested", Json(Json::Array{Json(Json::Array{}), Json(Json::Object{}), Json(nullptr)})},
        {"flags", Json(Json::Array{Json(true), Json(false)})},
    });
    const std::string text = dump_json(v);
    CHECK(text ==
          "{\"ints\":[0,-7,9223372036854775807],\"text\":\"tab\\there \\\"quoted\\\" \\\\ "
          "\\u0001 \xC3\xA9\",\"nested\":[[],{},null],\"flags\":[true,false]}");
    CHECK(parse_json(text) == v);
    CHECK(dump_json(parse_json(text)) == text);
}

TEST_CASE("doubles are written in the shortest form that reads back bit-exact") {
    const double values[] = {0.1,
                             -0.0,
                             1.0 / 3.0,
                             1e-300,
                             5e-324 /* smallest denormal */,
                             1.7976931348623157e308,
                             2.5e-310,
                             123456789.125,
                             -1e21};
    for (const double d : values) {
        const std::string text = dump_json(Json(d));
        INFO("value ", d, " written as ", text);
        CHECK(bits_of(parse_json(text).as_double()) == bits_of(d));
    }
    CHECK(dump_json(Json(0.1)) == "0.1");
    CHECK(dump_json(Json(-0.0)) == "-0");
    CHECK(dump_json(Json(3.0)) == "3");
}

TEST_CASE("dump_json refuses what JSON cannot carry") {
    CHECK_THROWS_AS(dump_json(Json(std::nan(""))), std::invalid_argument);
    CHECK_THROWS_AS(dump_json(Json(std::numeric_limits<double>::infinity())),
                    std::invalid_argument);
    CHECK_THROWS_AS(dump_json(Json("bad \xFF byte")), std::invalid_argument);
    CHECK_THROWS_WITH_AS(dump_json(Json(Json::Object{{"\xC0\xAF", Json(1)}})),
                         "dump_json: string is not valid UTF-8 at byte 0", std::invalid_argument);
}

TEST_CASE("the brief's example message: offset and what was expected") {
    // byte 17 is the 'x' where a ',' or '}' must follow the value 1.
    CHECK_THROWS_WITH_AS(parse_json(R"({"key": 1, "b": 2x})"),
                         "json: byte 17: expected ',' or '}', found 'x'", FormatError);
}

TEST_CASE("malformed JSON: each case names the byte offset and the problem") {
    struct Case {
        std::string text;
        std::size_t offset;
        const char* reason;
    };
    const Case cases[] = {
        {"", 0, "expected a JSON value, found end of input"},
        {"   ", 3, "expected a JSON value, found end of input"},
        {"+1", 0, "expected a JSON value, found '+'"},
        {"NaN", 0, "expected a JSON value, found 'N'"},
        {std::string(1, '\0'), 0, "expected a JSON value, found byte 0x00"},
        {"[1,]", 3, "expected a JSON value, found ']'"},
        {"[1 2]", 3, "expected ',' or ']', found '2'"},
        {"[1", 2, "expected ',' or ']', found end of input"},
        {"{a:1}", 1, "expected a string key, found 'a'"},
        {R"({"a":1,})", 7, "expected a string key, found '}'"},
        {R"({"a" 1})", 5, "expected ':', found '1'"},
        {R"({"a":1,"a":2})", 7, "duplicate key \"a\""},
        {"[] x", 3, "expected end of input, found 'x'"},
        {"01", 1, "expected end of input, found '1'"},
        {"-", 1, "expected a digit in the number, found end of input"},
        {"1.", 2, "expected a digit after '.', found end of input"},
        {"1.e5", 2, "expected a digit after '.', found 'e'"},
        {"1e+", 3, "expected a digit in the exponent, found end of input"},
        {"1e400", 0, "number 1e400 is out of double range"},
        {"tru", 3, "expected 'e' of 'true', found end of input"},
        {"nul", 3, "expected 'l' of 'null', found end of input"},
        {"fals3", 4, "expected 'e' of 'false', found '3'"},
        {R"("abc)", 4, "expected '\"' to close the string, found end of input"},
        {"\"a\x01\"", 2, "control character 0x01 in a string must be escaped"},
        {"\"a\nb\"", 2, "control character 0x0a in a string must be escaped"},
        {R"("\x")", 2, "expected an escape character (one of \"\\/bfnrtu), found 'x'"},
        {R"("\u12g4")", 5, "expected a hex digit, found 'g'"},
        {R"("\ud800")", 1, "\\u escape is a high surrogate without its low half"},
        {R"("\ud800\u0041")", 1, "\\u escape is a high surrogate without its low half"},
        {R"("\udc00")", 1, "\\u escape is a lone low surrogate"},
        {"\"\xFF\"", 1, "invalid UTF-8 in a string"},
        {"\"ok\xC0\xAF\"", 3, "invalid UTF-8 in a string"},               // overlong '/'
        {"\"\xED\xA0\x80\"", 1, "invalid UTF-8 in a string"},             // encoded surrogate
        {"\"\xF4\x90\x80\x80\"", 1, "invalid UTF-8 in a string"},         // past U+10FFFF
        {"\"\xE2\x82\"", 1, "invalid UTF-8 in a string"},                 // truncated sequence
        {"\xEF\xBB\xBF{}", 0, "expected a JSON value, found byte 0xef"},  // no BOM
    };
    for (const Case& c : cases) {
        INFO("input: ", c.text);
        try {
            parse_json(c.text);
            FAIL_CHECK("no error was thrown");
        } catch (const JsonError& e) {
            CHECK(e.offset == c.offset);
            CHECK(e.reason == c.reason);
            CHECK(std::string(e.what()) ==
                  "json: byte " + std::to_string(c.offset) + ": " + c.reason);
        }
    }
}

TEST_CASE("nesting is limited, so deep input fails cleanly instead of overflowing the stack") {
    const std::size_t limit = potatolemon::io::json_max_depth;
    const std::string ok = std::string(limit, '[') + std::string(limit, ']');
    CHECK(parse_json(ok).is_array());
    const std::string too_deep = std::string(limit + 1, '[') + std::string(limit + 1, ']');
    CHECK_THROWS_WITH_AS(parse_json(too_deep), "json: byte 128: nesting deeper than 128 levels",
                         FormatError);
    const std::string hostile(1'000'000, '[');
    CHECK_THROWS_AS(parse_json(hostile), JsonError);
    std::string objects;
    for (std::size_t i = 0; i < 200; ++i) objects += R"({"k":)";
    CHECK_THROWS_AS(parse_json(objects), JsonError);
}

TEST_CASE("accessors refuse the wrong kind and say which") {
    CHECK_THROWS_WITH_AS(parse_json("[1]").as_string(),
                         "Json::as_string: expected string, value is array", std::logic_error);
    CHECK_THROWS_AS(parse_json("1").find("a"), std::logic_error);
}

TEST_CASE("source_offset records where each value starts") {
    const Json v = parse_json(R"( {"a": [10, "x"]})");
    CHECK(v.source_offset() == 1);
    const Json& a = *v.find("a");
    CHECK(a.source_offset() == 7);
    CHECK(a.as_array()[0].source_offset() == 8);
    CHECK(a.as_array()[1].source_offset() == 12);
}

TEST_SUITE_END();
