// How the image is encoded: its format, its compression and the level.
//
// Format=, CompressOutput= and CompressLevel= are parsed by the settings
// table (config/settings.cc) and decided here, once, by resolve_encoding:
// the per-format defaults and every level range live in this file only.
// The writers (output/, codec/) take the resolved Encoding and never look
// at the settings again.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace initpack {

// In the order of the settings table's choices.
enum class Format { Cpio, Erofs, Uki, Sysext, Confext };
enum class Compression { None, Zstd, Xz, Gzip, Lz4 };

std::string_view format_name(Format f);
bool parse_format(std::string_view name, Format *out);
// "zstd", "xz", "gzip" (or "gz"), "lz4", "none".
std::string_view compression_name(Compression c);
bool parse_compression(std::string_view name, Compression *out);

// Format=sysext and confext: extension images (output/extension.h).
bool is_extension_format(Format f);
// The formats written as an EROFS file system (erofs, sysext, confext):
// Linux 6.1's EROFS reads LZ4 clusters only.
bool is_erofs_format(Format f);

// The compression a format uses when CompressOutput= is not set: zstd for
// an initrd (cpio, uki), none for an EROFS image, whose pages the kernel
// reads on demand.
Compression default_compression(Format f);
// The level CompressLevel=-1 means, and the valid range (false for None,
// which has no levels). lz4 levels 3 and up are LZ4HC, for the cpio and
// the EROFS writers alike. zstd's default depends on the mode: a generic
// image is built often and must be fast, a hostonly image is built for
// one machine and must be small (the numbers are in encoding.cc).
int default_compression_level(Compression c, bool hostonly = false);
bool compression_level_range(Compression c, int *min, int *max);

// What the writers take: a compression and a level within its range (0
// for None).
struct Encoding {
  Compression compression = Compression::Zstd;
  int level = 3;
};

// Decides the Encoding of a format from CompressOutput= (nullopt: not
// set) and CompressLevel= (-1: the compressor's default for the mode,
// KernelModulesIncludeHost=). On a
// combination that cannot be written returns false with *err naming the
// setting at fault, "CompressOutput" or "CompressLevel", and a message
// about its value ("level 15 is out of range for gzip (1-9)").
bool resolve_encoding(Format format, bool hostonly,
                      std::optional<Compression> compression, int level,
                      Encoding *out, std::string *err_key, std::string *err);

} // namespace initpack
