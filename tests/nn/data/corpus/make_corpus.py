#!/usr/bin/env python3
"""Regenerates the gzip and IDX test corpus in this folder and the fuzz seeds in tests/fuzz/corpus_idx.

valid/: .gz files made by the `gzip` command (stored, fixed and dynamic Huffman blocks) beside
their expected contents, plus hand-assembled deflate streams for cases gzip never writes.
malformed/: a few bytes each; test_inflate.cpp and test_idx.cpp list the error each must raise.
idx/: small well-formed IDX files. Deliberately no zlib: streams are assembled bit by bit below.
Run from anywhere: python3 tests/nn/data/corpus/make_corpus.py (needs the gzip command).
"""
import os
import shutil
import struct
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
FUZZ_SEEDS = os.path.join(HERE, '..', '..', '..', 'fuzz', 'corpus_idx')


def crc32(data, crc=0):
    crc ^= 0xFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0xEDB88320 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def write(path, data):
    full = os.path.join(HERE, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, 'wb') as f:
        f.write(data)


def gzip_command(data, level):
    return subprocess.run(['gzip', '-n', '-%d' % level], input=data, stdout=subprocess.PIPE,
                          check=True).stdout


def lcg_letters(n, alphabet):
    """Same generator as lcg_letters() in test_inflate.cpp, so the test need not store the text."""
    x, out = 1, bytearray()
    for _ in range(n):
        x = (x * 1103515245 + 12345) % 2**31
        out.append(alphabet[(x >> 16) % len(alphabet)])
    return bytes(out)


class Bits:
    """Deflate bit order: fields LSB first, Huffman codes MSB first."""

    def __init__(self):
        self.out, self.acc, self.n = bytearray(), 0, 0

    def put(self, value, nbits):
        for i in range(nbits):
            self.acc |= ((value >> i) & 1) << self.n
            self.n += 1
            if self.n == 8:
                self.out.append(self.acc)
                self.acc, self.n = 0, 0

    def code(self, code, length):
        for i in reversed(range(length)):
            self.put((code >> i) & 1, 1)

    def align(self):
        if self.n:
            self.put(0, 8 - self.n)

    def bytes(self):
        self.align()
        return bytes(self.out)


def canonical_codes(lengths):
    """RFC 1951 3.2.2: symbol -> code for the given code lengths."""
    count = [0] * 16
    for l in lengths:
        count[l] += 1
    count[0] = 0
    code, next_code = 0, [0] * 16
    for bits in range(1, 16):
        code = (code + count[bits - 1]) << 1
        next_code[bits] = code
    codes = {}
    for sym, l in enumerate(lengths):
        if l:
            codes[sym] = (next_code[l], l)
            next_code[l] += 1
    return codes


def fixed_literal(b, sym):
    if sym < 144:
        b.code(0x30 + sym, 8)
    elif sym < 256:
        b.code(0x190 + sym - 144, 9)
    elif sym < 280:
        b.code(sym - 256, 7)
    else:
        b.code(0xC0 + sym - 280, 8)


def fixed_block(b, final, symbols):
    """symbols: ints (literal bytes, 256 = end) or (length_symbol, extra, nextra, dist_symbol,
    extra, nextra) tuples for matches."""
    b.put(final, 1)
    b.put(1, 2)
    for s in symbols:
        if isinstance(s, tuple):
            lsym, lx, lnx, dsym, dx, dnx = s
            fixed_literal(b, lsym)
            b.put(lx, lnx)
            b.code(dsym, 5)
            b.put(dx, dnx)
        else:
            fixed_literal(b, s)


def stored_block(b, final, data, nlen=None):
    b.put(final, 1)
    b.put(0, 2)
    b.align()
    n = len(data)
    b.out += struct.pack('<HH', n, (n ^ 0xFFFF) if nlen is None else nlen) + data


CLEN_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]


def dynamic_header(b, final, hlit, hdist, clen_lengths, hclen=19):
    """Block header up to the code-length code; returns that code for the caller's symbols."""
    b.put(final, 1)
    b.put(2, 2)
    b.put(hlit - 257, 5)
    b.put(hdist - 1, 5)
    b.put(hclen - 4, 4)
    for sym in CLEN_ORDER[:hclen]:
        b.put(clen_lengths.get(sym, 0), 3)
    lengths = [clen_lengths.get(s, 0) for s in range(19)]
    return canonical_codes(lengths)


def gzip_member(deflate, content, flags=0, extra=b''):
    header = bytes([0x1F, 0x8B, 8, flags, 0, 0, 0, 0, 0, 255]) + extra
    return header + deflate + struct.pack('<II', crc32(content), len(content) & 0xFFFFFFFF)


def dynamic_stream(clen_lengths, hclen, emit, hlit=257, hdist=1):
    b = Bits()
    codes = dynamic_header(b, 1, hlit, hdist, clen_lengths, hclen)
    for sym, extra, nextra in emit:
        b.code(*codes[sym])
        b.put(extra, nextra)
    # Enough zero bits after the error point that the failure is the one under test.
    b.put(0, 64)
    return gzip_member(b.bytes(), b'')


def make_valid():
    """Returns {name: gz bytes}; writes expected contents beside the small ones."""
    hello = b'hello hello hello hello\n'
    words = [b'potato', b'lemon', b'tensor', b'gradient', b'tape', b'the', b'of', b'and']
    text = b''.join(words[(x >> 3) % len(words)] + (b'\n' if i % 9 == 8 else b' ')
                    for i, x in enumerate(lcg_letters(1200, bytes(range(256)))))
    random_bytes = lcg_letters(1500, bytes(range(256)))
    gz = {
        'empty': (gzip_command(b'', 9), b''),                  # final fixed block, no symbols
        'hello': (gzip_command(hello, 9), hello),              # fixed Huffman
        'random': (gzip_command(random_bytes, 9), random_bytes),  # stored (incompressible)
        'text_fast': (gzip_command(text, 1), text),            # dynamic Huffman
        'text_best': (gzip_command(text, 9), text),            # dynamic Huffman
    }
    # FNAME and MTIME set: gzip without -n stores the file's name and time.
    path = os.path.join(HERE, 'hello.txt')
    write('hello.txt', hello)
    os.utime(path, (1_600_000_000, 1_600_000_000))
    gz['named'] = (subprocess.run(['gzip', '-9', '-c', path], stdout=subprocess.PIPE,
                                  check=True).stdout, hello)
    os.remove(path)
    # Stored, fixed (with a match reaching back into the stored block), empty stored final.
    b = Bits()
    stored_block(b, 0, b'abc')
    fixed_block(b, 0, [ord('d'), (258, 0, 0, 3, 0, 0), 256])
    stored_block(b, 1, b'')
    gz['multi_block'] = (gzip_member(b.bytes(), b'abcdabcd'), b'abcdabcd')
    gz['header_fields'] = (header_fields_member(good_crc=True), b'hi\n')
    for name, (data, expected) in gz.items():
        write('valid/%s.gz' % name, data)
        write('valid/%s' % name, expected)
    # Too big to store the expected text: the test regenerates both from lcg_letters().
    write('valid/dna150k_fast.gz', gzip_command(lcg_letters(150000, b'acgt'), 1))  # 2 blocks
    write('valid/zeros_1m.gz', gzip_command(bytes(1_000_000), 9))  # 1000:1, for max_output
    return {name: data for name, (data, _) in gz.items()}


def header_fields_member(good_crc):
    """FTEXT, FHCRC, FEXTRA, FNAME and FCOMMENT all set, around a fixed block "hi\\n"."""
    extra = struct.pack('<H', 4) + b'ab\x00\x00' + b'name.txt\x00' + b'a comment\x00'
    header = bytes([0x1F, 0x8B, 8, 31, 0, 0, 0, 0, 0, 255]) + extra
    hcrc = crc32(header) & 0xFFFF
    b = Bits()
    fixed_block(b, 1, [ord('h'), ord('i'), ord('\n'), 256])
    member = gzip_member(b.bytes(), b'hi\n', flags=31,
                         extra=extra + struct.pack('<H', hcrc if good_crc else hcrc ^ 1))
    return member


def fixed_member(symbols, content=b''):
    b = Bits()
    fixed_block(b, 1, symbols)
    return gzip_member(b.bytes(), content)


def make_malformed(valid):
    hello = valid['hello']
    stored_short = Bits()
    stored_block(stored_short, 1, b'12345')
    stored_short = bytearray(gzip_member(stored_short.bytes(), b''))
    stored_short[11:13] = struct.pack('<H', 100)  # LEN 100 with 5 bytes left
    stored_short[13:15] = struct.pack('<H', 100 ^ 0xFFFF)
    nlen = Bits()
    stored_block(nlen, 1, b'12345', nlen=0x1234)
    return {
        'gz_empty.gz': b'',
        'gz_bad_magic.gz': hello[:1] + b'\x8c' + hello[2:],
        'gz_bad_method.gz': hello[:2] + b'\x07' + hello[3:],
        'gz_reserved_flags.gz': hello[:3] + b'\x20' + hello[4:],
        'gz_truncated_header.gz': hello[:6],
        'gz_unterminated_name.gz': bytes([0x1F, 0x8B, 8, 8, 0, 0, 0, 0, 0, 255]) + b'abc',
        'gz_truncated_extra.gz': bytes([0x1F, 0x8B, 8, 4, 0, 0, 0, 0, 0, 255, 10, 0]) + b'abc',
        'gz_bad_header_crc.gz': header_fields_member(good_crc=False),
        'gz_truncated_body.gz': hello[:13],
        'gz_no_trailer.gz': hello[:-8],
        'gz_short_trailer.gz': hello[:-3],
        'gz_bad_block_type.gz': gzip_member(b'\x07', b''),
        'gz_stored_nlen.gz': gzip_member(nlen.bytes(), b'12345'),
        'gz_stored_truncated.gz': bytes(stored_short[:20]),
        'gz_clen_oversubscribed.gz': dynamic_stream({s: 1 for s in range(19)}, 19, []),
        'gz_clen_incomplete.gz': dynamic_stream({0: 1}, 4, []),
        'gz_too_many_codes.gz': dynamic_stream({0: 1, 16: 1}, 4, [], hlit=287),
        'gz_repeat_first.gz': dynamic_stream({0: 1, 16: 1}, 4, [(16, 0, 2)]),
        'gz_repeat_overrun.gz': dynamic_stream({0: 1, 18: 1}, 4, [(18, 127, 7)] * 2),
        'gz_missing_eob.gz': dynamic_stream({0: 1, 1: 1}, 18, [(1, 0, 0)] * 2 + [(0, 0, 0)] * 256),
        'gz_litlen_oversubscribed.gz': dynamic_stream(
            {0: 1, 1: 1}, 18, [(1, 0, 0)] * 2 + [(0, 0, 0)] * 254 + [(1, 0, 0), (0, 0, 0)]),
        'gz_litlen_incomplete.gz': dynamic_stream(
            {0: 1, 2: 1}, 16, [(2, 0, 0)] + [(0, 0, 0)] * 255 + [(2, 0, 0), (0, 0, 0)]),
        'gz_invalid_literal.gz': fixed_member([ord('a'), 286]),
        'gz_invalid_distance.gz': fixed_member([ord('a'), (257, 0, 0, 30, 0, 0)]),
        'gz_distance_too_far.gz': fixed_member([ord('a'), (257, 0, 0, 1, 0, 0), 256]),
        'gz_bad_crc.gz': hello[:-8] + bytes([hello[-8] ^ 1]) + hello[-7:],
        'gz_bad_isize.gz': hello[:-4] + bytes([hello[-4] + 1]) + hello[-3:],
        'gz_trailing_garbage.gz': hello + b'\x00\x00',
        'gz_truncated_second_member.gz': hello + hello[:5],
    }


def idx(type_code, dims, data):
    return bytes([0, 0, type_code, len(dims)]) + b''.join(struct.pack('>I', d) for d in dims) + data


def make_idx():
    images = idx(0x08, [3, 4, 5], bytes(i * 7 % 256 for i in range(60)))
    files = {
        'idx/images_3x4x5.idx': images,
        'idx/images_3x4x5.idx.gz': gzip_command(images, 9),
        'idx/labels_3.idx': idx(0x08, [3], b'\x00\x01\x02'),
        'idx/labels_2.idx.gz': gzip_command(idx(0x08, [2], b'\x04\x05'), 9),
        'idx/floats_2x3.idx': idx(0x0D, [2, 3], struct.pack('>6f', 0.5, -1, 2, 3.25, 0, 1e3)),
        'idx/scalar_int.idx': idx(0x0C, [], struct.pack('>i', -7)),
    }
    malformed = {
        'idx_short_magic.idx': b'\x00\x00\x08',
        'idx_bad_magic.idx': b'\x01\x00\x08\x01\x00\x00\x00\x01\x07',
        'idx_bad_type.idx': b'\x00\x00\x0a\x01\x00\x00\x00\x01\x07',
        'idx_truncated_dims.idx': b'\x00\x00\x08\x03\x00\x00\x00\x02\x00\x00',
        'idx_short_data.idx': idx(0x08, [2, 3], b'12345'),
        'idx_trailing.idx': idx(0x08, [2, 3], b'1234567'),
        'idx_overflow.idx': idx(0x0E, [0xFFFFFFFF] * 3, b''),
        'idx_short_data.idx.gz': gzip_command(idx(0x08, [2, 3], b'12345'), 9),
    }
    for name, data in files.items():
        write(name, data)
    for name, data in malformed.items():
        write('malformed/' + name, data)
    return {**files, **{'malformed/' + k: v for k, v in malformed.items()}}


def main():
    valid = make_valid()
    malformed = make_malformed(valid)
    for name, data in malformed.items():
        write('malformed/' + name, data)
    idx_files = make_idx()
    # Fuzz seeds: every small file, flat, named by origin.
    if os.path.isdir(FUZZ_SEEDS):
        shutil.rmtree(FUZZ_SEEDS)
    os.makedirs(FUZZ_SEEDS)
    seeds = {'valid_' + k + '.gz': v for k, v in valid.items()}
    seeds.update({'malformed_' + k: v for k, v in malformed.items()})
    seeds.update({k.replace('/', '_'): v for k, v in idx_files.items()})
    for name, data in seeds.items():
        with open(os.path.join(FUZZ_SEEDS, name), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
