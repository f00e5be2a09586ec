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
//   xz    6: 22.1 MB, 21.6 MB with the x86 BCJ filter, ~2 min (one
//         thread then); 9: 21.4 MB
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

// zstd's level for a hostonly image (bench/results/2026-12-03-compression.md;
// bookworm, 6.1.0-57, pruning on; the multi-threaded encoder on 2 cores;
// "write" is the write-initrd pass, CPU the compression's):
//   generic  (70.6 MB cpio): 3: 23.1 MB 0.33 s 0.4 CPU | 6: 21.5 MB 0.7 s
//            | 9: 20.6 MB 1.1 s | 15: 20.4 MB 8.3 s | 18: 18.4 MB 17 s 33 CPU
//   hostonly (49.5 MB cpio): 3: 17.9 MB 0.23 s | 15: 16.0 MB 7.4 s
//            | 17: 14.8 MB 13 s | 18: 14.3 MB 15 s 23 CPU | 19: 14.2 MB 21 s
// dracut --hostonly --zstd (its level 15; of this host): 14.6 MB, its whole
// build 19.6 s (23.5 CPU).
// 18 is the lowest level whose hostonly image is no larger than dracut's,
// and the build stays faster than dracut's; 19 saves 0.3% more for 1.4x
// the time. Levels 16-19 gain by btultra's parser, not by the window:
// --long=27 saved 1.4-2.1% at every level, and it would make the 6.1
// kernel allocate a 128 MB window while unpacking. The 6.1 kernel unpacked
// the level-18 image in 0.82 s of guest time against 0.74 s for level 3.
// A generic image stays at 3: it is rebuilt on every kernel and package
// update, and its warm build (1 s) is the speed target; level 5 would
// cut 3.7% for +0.2 s, level 19 21% for +27 s.
constexpr int kHostonlyZstdLevel = 18;

// xz's level per mode (bench/results/2026-12-04-xz.md; same tree, warm
// cache, liblzma's multi-threaded encoder on 2 cores; whole builds, wall):
//   generic:  zstd 3: 22.1 MB 0.63 s | xz 0: 18.7 MB 1.8 s | 1: 17.9 MB
//             2.3 s | 2: 17.6 MB 4.0 s | 3: 17.4 MB 6.3 s | 6: 15.9 MB 18.7 s
//   hostonly: zstd 18: 13.4 MB 11.1 s | xz 0: 14.1 MB 1.6 s | 6: 12.0 MB 15 s
// A generic image is rebuilt on every update, so xz takes level 0 there:
// 15% smaller than zstd 3 in under 3x its time (level 6 took 29x). A
// hostonly build already spends seconds on zstd 18; xz 6 is 10% smaller
// than that for 1.35x the time.
constexpr int kGenericXzLevel = 0;

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

int default_compression_level(Compression c, bool hostonly) {
  if (c == Compression::Zstd && hostonly)
    return kHostonlyZstdLevel;
  if (c == Compression::Xz && !hostonly)
    return kGenericXzLevel;
  return info(c).default_level;
}

bool compression_level_range(Compression c, int *min, int *max) {
  *min = info(c).min;
  *max = info(c).max;
  return c != Compression::None;
}

bool resolve_encoding(Format format, bool hostonly,
                      std::optional<Compression> compression, int level,
                      Encoding *out, std::string *err_key, std::string *err) {
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
               : level == -1          ? default_compression_level(c, hostonly)
                                      : level;
  return true;
}

} // namespace initpack
