#include "config/encoding.h"

#include <iterator>

namespace initpack {

namespace {

constexpr std::string_view kFormatNames[] = {"cpio", "erofs", "uki", "sysext",
                                             "confext"};

// Levels, measured on the cpio of an 83 MB systemd initrd tree (2 busy
// cores; times are wall clock, compare them only with each other):
//   zstd  3: 28.5 MB   1 s |  9: 26.0 MB   7 s | 15: 25.7 MB 35 s
//        19: 23.4 MB 130 s
//   xz    6: 22.1 MB, 21.6 MB with the x86 BCJ filter, ~2 min; 9: 21.4 MB
//   gzip  6: 32.0 MB  12 s |  9: 31.8 MB  35 s
//   lz4   1: 42.9 MB 0.7 s |  9: 35.9 MB 8 s (one thread)
// zstd 3 is within 10% of level 9 at a seventh of the time; gzip 9 buys
// 0.6%; lz4 9 (HC, what initramfs-tools and dracut pass) is 16% smaller,
// and lz4 decodes about as fast whatever the level. The maxima are the
// libraries' (ZSTD_maxCLevel(), LZ4HC_CLEVEL_MAX).
struct CompressionInfo {
  std::string_view name;
  int min, max, default_level;
};
constexpr CompressionInfo kCompressions[] = {
    {"none", 0, 0, 0}, {"zstd", 1, 22, 3}, {"xz", 0, 9, 6},
    {"gzip", 1, 9, 6}, {"lz4", 1, 12, 9},
};

const CompressionInfo &info(Compression c) {
  return kCompressions[static_cast<int>(c)];
}

} // namespace

std::string_view format_name(Format f) {
  return kFormatNames[static_cast<int>(f)];
}

bool parse_format(std::string_view name, Format *out) {
  for (size_t i = 0; i < std::size(kFormatNames); i++)
    if (kFormatNames[i] == name)
      return *out = static_cast<Format>(i), true;
  return false;
}

std::string_view compression_name(Compression c) {
  return info(c).name;
}

bool parse_compression(std::string_view name, Compression *out) {
  if (name == "gz")
    name = "gzip";
  for (size_t i = 0; i < std::size(kCompressions); i++)
    if (kCompressions[i].name == name)
      return *out = static_cast<Compression>(i), true;
  return false;
}

bool is_extension_format(Format f) {
  return f == Format::Sysext || f == Format::Confext;
}

bool is_erofs_format(Format f) {
  return f == Format::Erofs || is_extension_format(f);
}

Compression default_compression(Format f) {
  return is_erofs_format(f) ? Compression::None : Compression::Zstd;
}

int default_compression_level(Compression c) {
  return info(c).default_level;
}

bool compression_level_range(Compression c, int *min, int *max) {
  *min = info(c).min;
  *max = info(c).max;
  return c != Compression::None;
}

bool resolve_encoding(Format format, std::optional<Compression> compression,
                      int level, Encoding *out, std::string *err_key,
                      std::string *err) {
  Compression c = compression.value_or(default_compression(format));
  std::string_view name = compression_name(c);
  if (is_erofs_format(format) && c != Compression::None &&
      c != Compression::Lz4) {
    *err_key = "CompressOutput";
    *err = std::string(name) + " cannot compress an EROFS image (Linux 6.1 "
                               "reads LZ4 only); use lz4 or none";
    return false;
  }
  int min, max;
  if (level != -1 && compression_level_range(c, &min, &max) &&
      (level < min || level > max)) {
    *err_key = "CompressLevel";
    *err = "level " + std::to_string(level) + " is out of range for " +
           std::string(name) + " (" + std::to_string(min) + "-" +
           std::to_string(max) + ")";
    return false;
  }
  out->compression = c;
  out->level = c == Compression::None ? 0
               : level == -1          ? default_compression_level(c)
                                      : level;
  return true;
}

} // namespace initpack
