// gunzip and crc32: round trips of gzip-made files (stored, fixed and dynamic Huffman blocks) and
// hand-assembled streams, the size cap, and the malformed corpus, whose files and expected errors
// come from corpus/make_corpus.py. Every input is read from tests/data/corpus.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "nn/data/crc32.hpp"
#include "nn/data/inflate.hpp"
#include "data_test_util.hpp"

using data_test::Bytes;
using data_test::corpus;
using data_test::read_bytes;
using potatolemon::FormatError;
using potatolemon::data::crc32;
using potatolemon::data::gunzip;

namespace {

Bytes as_bytes(std::string_view s) {
    return {s.begin(), s.end()};
}

// The message gunzip throws, or "" when it does not throw.
std::string gunzip_error(const Bytes& bytes, const std::string& source,
                         std::size_t max_output = potatolemon::data::gunzip_default_max_output) {
    return data_test::format_error_of([&] { gunzip(bytes, source, max_output); });
}

// Same generator as lcg_letters() in make_corpus.py.
Bytes lcg_letters(std::size_t n, std::string_view alphabet) {
    Bytes out;
    std::uint64_t x = 1;
    for (std::size_t i = 0; i < n; ++i) {
        x = (x * 1103515245 + 12345) % (std::uint64_t{1} << 31);
        out.push_back(static_cast<std::uint8_t>(alphabet[(x >> 16) % alphabet.size()]));
    }
    return out;
}

// valid/<name>.gz beside its expected contents valid/<name>; block types per make_corpus.py.
const char* const round_trip_files[] = {
    "empty",          // gzip of nothing: one final fixed block with only end-of-block
    "hello",          // fixed Huffman
    "random",         // stored (incompressible)
    "text_fast",      // dynamic Huffman, gzip -1
    "text_best",      // dynamic Huffman, gzip -9
    "named",          // FNAME and MTIME in the header
    "multi_block",    // stored, fixed (match reaching into the stored block), empty stored
    "header_fields",  // FTEXT, FHCRC, FEXTRA, FNAME and FCOMMENT
};

}  // namespace

TEST_SUITE("inflate") {
    TEST_CASE("crc32: the standard check value and incremental use agree") {
        Bytes digits = as_bytes("123456789");
        CHECK(crc32(digits) == 0xCBF43926u);  // the CRC-32 catalogue's check value
        CHECK(crc32({}) == 0u);
        std::span<const std::uint8_t> all(digits);
        CHECK(crc32(all.subspan(4), crc32(all.first(4))) == 0xCBF43926u);
        Bytes long_input = lcg_letters(1000, "acgt");  // exercises the 8-byte loop and the tail
        std::span<const std::uint8_t> s(long_input);
        CHECK(crc32(s) == crc32(s.subspan(333), crc32(s.first(333))));
    }

    TEST_CASE("gunzip: gzip-made and hand-assembled files decode byte for byte") {
        for (const char* name : round_trip_files) {
            INFO(std::string(name));
            Bytes expected = read_bytes(corpus + "valid/" + name);
            CHECK(gunzip(read_bytes(corpus + "valid/" + name + ".gz"), name) == expected);
        }
    }

    TEST_CASE("gunzip: a two-block dynamic stream (gzip -1, 150 kB) matches its generator") {
        Bytes out = gunzip(read_bytes(corpus + "valid/dna150k_fast.gz"), "dna150k_fast.gz");
        CHECK(out == lcg_letters(150000, "acgt"));
    }

    TEST_CASE("gunzip: concatenated members decode to the concatenated contents") {
        Bytes gz = read_bytes(corpus + "valid/hello.gz");
        Bytes second = read_bytes(corpus + "valid/multi_block.gz");
        gz.insert(gz.end(), second.begin(), second.end());
        CHECK(gunzip(gz, "two members") == as_bytes("hello hello hello hello\nabcdabcd"));
    }

    TEST_CASE("gunzip: max_output stops a 1000:1 stream at the cap, not before") {
        Bytes gz = read_bytes(corpus + "valid/zeros_1m.gz");
        CHECK(gunzip(gz, "zeros") == Bytes(1000000, 0));
        CHECK(gunzip(gz, "zeros", 1000000).size() == 1000000);
        std::string message = gunzip_error(gz, "zeros", 999999);
        CHECK(message.find("gunzip: zeros: byte ") == 0);
        CHECK(message.find("output would exceed the limit of 999999 bytes") != std::string::npos);
    }

    TEST_CASE(
        "gunzip: each malformed corpus file throws FormatError naming file, byte and reason") {
        struct Case {
            const char* file;
            int offset;
            const char* what;  // what follows "gunzip: <file>: byte <offset>: "
        };
        // Offsets were checked by hand against the bytes make_corpus.py writes (10-byte header
        // first); zlib rejects each of these files too, for the same reason.
        const Case cases[] = {
            {"gz_empty.gz", 0, "expected gzip magic 0x1f 0x8b, found end of data"},
            {"gz_bad_magic.gz", 0, "expected gzip magic 0x1f 0x8b, found 0x1f 0x8c"},
            {"gz_bad_method.gz", 2, "expected compression method 8 (deflate), found 0x07"},
            {"gz_reserved_flags.gz", 3, "expected reserved flag bits 5-7 clear, found flags 0x20"},
            {"gz_truncated_header.gz", 6,
             "truncated: expected a 10-byte gzip header, found end of data"},
            {"gz_unterminated_name.gz", 13,
             "truncated: expected the end of FNAME, found end of data"},
            {"gz_truncated_extra.gz", 15,
             "truncated: expected the FEXTRA field, found end of data"},
            {"gz_bad_header_crc.gz", 35, "expected header CRC-16 0xa3dc, found 0xa3dd"},
            {"gz_truncated_body.gz", 13, "truncated: deflate data ends mid-block"},
            {"gz_no_trailer.gz", 21,
             "truncated: expected an 8-byte gzip trailer (CRC-32, ISIZE), found end of data"},
            {"gz_short_trailer.gz", 26,
             "truncated: expected an 8-byte gzip trailer (CRC-32, ISIZE), found end of data"},
            {"gz_bad_block_type.gz", 10, "expected block type 0, 1 or 2, found 3 (reserved)"},
            {"gz_stored_nlen.gz", 13,
             "expected stored block NLEN 65530 (one's complement of LEN 5), found 4660"},
            {"gz_stored_truncated.gz", 20, "truncated: stored block expects 100 bytes, found 5"},
            {"gz_clen_oversubscribed.gz", 19,
             "expected code-length code lengths forming a prefix code, found an over-subscribed "
             "set"},
            {"gz_clen_incomplete.gz", 13,
             "expected code-length code lengths forming a prefix code, found an incomplete set"},
            {"gz_too_many_codes.gz", 12,
             "expected at most 286 literal/length and 30 distance "
             "codes, found 287 and 1"},
            {"gz_repeat_first.gz", 13,
             "expected a code length before repeat code 16, found it first"},
            {"gz_repeat_overrun.gz", 15,
             "expected at most 120 more code lengths, found a repeat of 138"},
            {"gz_missing_eob.gz", 51, "expected a code for end-of-block (256), found none"},
            {"gz_litlen_oversubscribed.gz", 51,
             "expected literal/length code lengths forming a "
             "prefix code, found an over-subscribed set"},
            {"gz_litlen_incomplete.gz", 50,
             "expected literal/length code lengths forming a prefix "
             "code, found an incomplete set"},
            {"gz_invalid_literal.gz", 12,
             "expected a literal/length symbol, found reserved symbol 286"},
            {"gz_invalid_distance.gz", 12, "expected a distance symbol, found reserved symbol 30"},
            {"gz_distance_too_far.gz", 12,
             "expected a distance of at most 1 (bytes written so far), found 2"},
            {"gz_bad_crc.gz", 21,
             "expected CRC-32 0x0b598801 (trailer), found 0x0b598800 (decompressed data)"},
            {"gz_bad_isize.gz", 25,
             "expected ISIZE 25 (trailer), found 24 bytes decompressed (mod 2^32)"},
            {"gz_trailing_garbage.gz", 29,
             "expected another gzip member (0x1f 0x8b) or end of data, found 0x00 0x00"},
            {"gz_truncated_second_member.gz", 34,
             "truncated: expected a 10-byte gzip header, found end of data"},
        };
        for (const Case& c : cases) {
            INFO(std::string(c.file));
            std::string expected = "gunzip: " + std::string(c.file) + ": byte " +
                                   std::to_string(c.offset) + ": " + c.what;
            Bytes bytes = read_bytes(corpus + "malformed/" + c.file);
            CHECK_THROWS_AS(gunzip(bytes, c.file), FormatError);
            CHECK(gunzip_error(bytes, c.file) == expected);
        }
    }

    TEST_CASE("gunzip: every truncation of a valid file throws, never returns a short result") {
        for (const char* name : round_trip_files) {
            Bytes gz = read_bytes(corpus + "valid/" + name + ".gz");
            for (std::size_t n = 0; n < gz.size(); ++n) {
                INFO(std::string(name) << " cut to " << n << " bytes");
                CHECK_THROWS_AS(gunzip(std::span(gz).first(n), name), FormatError);
            }
        }
    }

    TEST_CASE("gunzip: every single-bit flip either throws or leaves the output unchanged") {
        // Flips in MTIME, XFL, OS and FTEXT change no output; everything else must be caught,
        // by the deflate checks or at the latest by CRC-32 and ISIZE.
        for (const char* name : {"hello", "text_best", "multi_block", "header_fields"}) {
            Bytes gz = read_bytes(corpus + "valid/" + name + ".gz");
            Bytes expected = read_bytes(corpus + "valid/" + name);
            for (std::size_t bit = 0; bit < gz.size() * 8; ++bit) {
                Bytes flipped = gz;
                flipped[bit / 8] ^= static_cast<std::uint8_t>(1u << (bit % 8));
                INFO(std::string(name) << " bit " << bit);
                Bytes out;
                try {
                    out = gunzip(flipped, name);
                } catch (const FormatError&) {
                    continue;
                }
                CHECK(out == expected);
            }
        }
    }

}  // TEST_SUITE("inflate")
