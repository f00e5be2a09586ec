// Recognising and decoding the compressed streams an initrd may contain,
// one stream at a time, with the exact number of input bytes it used: the
// kernel continues after each stream with whatever follows (NUL padding, a
// cpio archive, another stream), so the reader must know where one ends.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace initpack {

// What the kernel's decompress_method() (lib/decompress.c) recognises by
// the first two bytes, plus uncompressed cpio ("07").
enum class StreamFormat {
  Unknown,
  Cpio,
  Gzip,
  Bzip2,
  Lzma,
  Xz,
  Lzo,
  Lz4,
  Zstd
};

StreamFormat detect_stream(std::string_view data);
// "none" for Cpio; "gzip", "bzip2", "lzma", "xz", "lzo", "lz4", "zstd".
std::string_view stream_format_name(StreamFormat f);

// Receives decoded bytes; returns false (with *err set) to stop.
using ChunkFn =
    std::function<bool(const char *data, size_t size, std::string *err)>;

struct StreamInfo {
  size_t consumed = 0;   // compressed bytes the stream occupied
  uint64_t produced = 0; // decoded bytes
  std::string detail;    // e.g. "check CRC32" for xz
};

// Decodes the one stream of format `f` at the start of `in`. Streams are
// delimited as the kernel delimits them: gzip one member, xz/lzma one
// stream, zstd one frame, lz4 (legacy frame) until the end of the input or
// a zero block size. bzip2 is decoded through libarchive, which reports no
// end position, so a bzip2 stream is taken to run to the end of `in`.
bool decompress_stream(StreamFormat f, std::string_view in, const ChunkFn &out,
                       StreamInfo *info, std::string *err);

} // namespace initpack
