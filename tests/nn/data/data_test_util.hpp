// Helpers shared by the nn/data/ tests: the committed corpus and the message a reader throws.
#pragma once
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "autograd/errors.hpp"

namespace data_test {

using Bytes = std::vector<std::uint8_t>;

inline const std::string corpus = std::string(POTATOLEMON_TEST_ROOT) + "/nn/data/corpus/";

inline Bytes read_bytes(const std::string& path) {
    Bytes bytes;
    if (std::FILE* f = std::fopen(path.c_str(), "rb")) {
        for (int c; (c = std::fgetc(f)) != EOF;) bytes.push_back(static_cast<std::uint8_t>(c));
        std::fclose(f);
    } else {
        FAIL("cannot open " << path);
    }
    return bytes;
}

// The FormatError message f() throws, or "" when it does not throw.
template <typename F>
std::string format_error_of(F&& f) {
    try {
        f();
    } catch (const potatolemon::FormatError& e) {
        return e.what();
    }
    return "";
}

}  // namespace data_test
