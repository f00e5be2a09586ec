#include "codec/decompress.h"

#include <archive.h>
#include <archive_entry.h>
#include <cstring>
#include <lz4.h>
#include <lzma.h>
#include <memory>
#include <vector>
#include <zlib.h>
#include <zstd.h>

namespace initpack {

namespace {

constexpr size_t kChunk = 1 << 20;

uint32_t le32(const char *p) {
  const auto *u = reinterpret_cast<const uint8_t *>(p);
  return u[0] | u[1] << 8 | u[2] << 16 | uint32_t(u[3]) << 24;
}

bool decode_gzip(std::string_view in, const ChunkFn &out, StreamInfo *info,
                 std::string *err) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) {
    *err = "cannot initialise zlib";
    return false;
  }
  std::vector<char> buf(kChunk);
  z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(in.data()));
  z.avail_in = uInt(std::min<size_t>(in.size(), UINT32_MAX));
  int r = Z_OK;
  bool ok = true;
  while (ok && r != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef *>(buf.data());
    z.avail_out = uInt(buf.size());
    r = inflate(&z, Z_NO_FLUSH);
    if (r != Z_OK && r != Z_STREAM_END) {
      *err = r == Z_BUF_ERROR
                 ? "truncated gzip stream"
                 : std::string("gzip: ") + (z.msg ? z.msg : "corrupt data");
      ok = false;
      break;
    }
    size_t n = buf.size() - z.avail_out;
    ok = n == 0 || out(buf.data(), n, err);
  }
  info->consumed = z.total_in;
  info->produced = z.total_out;
  inflateEnd(&z);
  return ok;
}

const char *check_name(lzma_check c) {
  switch (c) {
  case LZMA_CHECK_NONE:
    return "none";
  case LZMA_CHECK_CRC32:
    return "CRC32";
  case LZMA_CHECK_CRC64:
    return "CRC64";
  case LZMA_CHECK_SHA256:
    return "SHA-256";
  default:
    return "unknown";
  }
}

// xz and the older .lzma ("alone") format, both through liblzma.
bool decode_lzma(std::string_view in, bool xz, const ChunkFn &out,
                 StreamInfo *info, std::string *err) {
  // A header may ask for a 4 GiB dictionary (found by the fuzzer); xz -9
  // needs 65 MiB to decode and the kernel's own decoder far less.
  constexpr uint64_t kMemLimit = 256ull << 20;
  lzma_stream s = LZMA_STREAM_INIT;
  lzma_ret r = xz ? lzma_stream_decoder(&s, kMemLimit, LZMA_TELL_ANY_CHECK)
                  : lzma_alone_decoder(&s, kMemLimit);
  if (r != LZMA_OK) {
    *err = "cannot initialise liblzma";
    return false;
  }
  std::vector<uint8_t> buf(kChunk);
  s.next_in = reinterpret_cast<const uint8_t *>(in.data());
  s.avail_in = in.size();
  bool ok = true;
  while (ok) {
    s.next_out = buf.data();
    s.avail_out = buf.size();
    r = lzma_code(&s, LZMA_FINISH);
    if (r == LZMA_GET_CHECK)
      info->detail = std::string("check ") + check_name(lzma_get_check(&s));
    else if (r != LZMA_OK && r != LZMA_STREAM_END) {
      *err = r == LZMA_BUF_ERROR        ? "truncated stream"
             : r == LZMA_MEMLIMIT_ERROR ? "needs more than 256 MiB to decode"
                                        : "corrupt data (liblzma error " +
                                              std::to_string(int(r)) + ")";
      ok = false;
      break;
    }
    size_t n = buf.size() - s.avail_out;
    ok = n == 0 || out(reinterpret_cast<char *>(buf.data()), n, err);
    if (r == LZMA_STREAM_END)
      break;
  }
  info->consumed = s.total_in;
  info->produced = s.total_out;
  lzma_end(&s);
  return ok;
}

// One zstd frame (the kernel's unzstd stops there too). The checksum flag is
// bit 2 of the frame header descriptor (RFC 8878, section 3.1.1.1.1).
bool decode_zstd(std::string_view in, const ChunkFn &out, StreamInfo *info,
                 std::string *err) {
  std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> d(ZSTD_createDCtx(),
                                                         ZSTD_freeDCtx);
  if (in.size() > 4)
    info->detail = in[4] & 4 ? "checksum" : "no checksum";
  std::vector<char> buf(ZSTD_DStreamOutSize());
  ZSTD_inBuffer ib{in.data(), in.size(), 0};
  for (;;) {
    ZSTD_outBuffer ob{buf.data(), buf.size(), 0};
    size_t r = ZSTD_decompressStream(d.get(), &ob, &ib);
    if (ZSTD_isError(r)) {
      *err = std::string("zstd: ") + ZSTD_getErrorName(r);
      return false;
    }
    info->produced += ob.pos;
    info->consumed = ib.pos;
    if (ob.pos && !out(buf.data(), ob.pos, err))
      return false;
    if (r == 0)
      return true;
    if (ib.pos == ib.size && ob.pos < ob.size) {
      *err = "truncated zstd frame";
      return false;
    }
  }
}

// The lz4 legacy frame, read the way lib/decompress_unlz4.c reads it:
// blocks until the input ends or a block size is 0 (padding); a repeated
// magic number in place of a block size is skipped.
bool decode_lz4(std::string_view in, const ChunkFn &out, StreamInfo *info,
                std::string *err) {
  constexpr uint32_t kMagic = 0x184C2102;
  constexpr int kBlock = 8 << 20;
  if (in.size() < 4 || le32(in.data()) != kMagic) {
    // Found by fuzzing: a caller that skipped detect_stream() made the
    // loop below read before checking the length.
    *err = "not an lz4 legacy stream (no magic number)";
    return false;
  }
  std::vector<char> buf(kBlock);
  size_t pos = 4, blocks = 0;
  while (in.size() - pos >= 4) {
    uint32_t size = le32(in.data() + pos);
    if (size == kMagic) {
      pos += 4;
      continue;
    }
    if (size == 0)
      break;
    pos += 4;
    if (size > uint32_t(LZ4_compressBound(kBlock)) || size > in.size() - pos) {
      *err = "lz4 block at offset " + std::to_string(pos - 4) + " of " +
             std::to_string(size) + " bytes " +
             (size > in.size() - pos ? "runs past the end of the file"
                                     : "is larger than an 8 MiB block");
      return false;
    }
    int n = LZ4_decompress_safe(in.data() + pos, buf.data(), int(size), kBlock);
    if (n < 0) {
      *err = "corrupt lz4 block at offset " + std::to_string(pos - 4);
      return false;
    }
    pos += size;
    blocks++;
    info->produced += n;
    if (n && !out(buf.data(), n, err))
      return false;
  }
  info->consumed = pos;
  info->detail = "legacy frame, " + std::to_string(blocks) + " blocks";
  return true;
}

bool decode_bzip2(std::string_view in, const ChunkFn &out, StreamInfo *info,
                  std::string *err) {
  std::unique_ptr<archive, decltype(&archive_read_free)> a(archive_read_new(),
                                                           archive_read_free);
  archive_read_support_filter_bzip2(a.get());
  archive_read_support_format_raw(a.get());
  archive_entry *e;
  if (archive_read_open_memory(a.get(), in.data(), in.size()) != ARCHIVE_OK ||
      archive_read_next_header(a.get(), &e) != ARCHIVE_OK) {
    *err = std::string("bzip2: ") + archive_error_string(a.get());
    return false;
  }
  std::vector<char> buf(kChunk);
  for (;;) {
    la_ssize_t n = archive_read_data(a.get(), buf.data(), buf.size());
    if (n < 0) {
      *err = std::string("bzip2: ") + archive_error_string(a.get());
      return false;
    }
    if (n == 0)
      break;
    info->produced += n;
    if (!out(buf.data(), n, err))
      return false;
  }
  info->consumed = in.size();
  return true;
}

} // namespace

StreamFormat detect_stream(std::string_view d) {
  if (d.size() < 2)
    return StreamFormat::Unknown;
  auto is = [&](uint8_t a, uint8_t b) {
    return uint8_t(d[0]) == a && uint8_t(d[1]) == b;
  };
  if (d.size() >= 6 &&
      (d.substr(0, 6) == "070701" || d.substr(0, 6) == "070702"))
    return StreamFormat::Cpio;
  if (is(0x1f, 0x8b) || is(0x1f, 0x9e))
    return StreamFormat::Gzip;
  if (is('B', 'Z'))
    return StreamFormat::Bzip2;
  if (is(0x5d, 0x00))
    return StreamFormat::Lzma;
  if (is(0xfd, '7'))
    return StreamFormat::Xz;
  if (is(0x89, 'L'))
    return StreamFormat::Lzo;
  if (is(0x02, 0x21))
    return StreamFormat::Lz4;
  if (is(0x28, 0xb5))
    return StreamFormat::Zstd;
  return StreamFormat::Unknown;
}

std::string_view stream_format_name(StreamFormat f) {
  switch (f) {
  case StreamFormat::Unknown:
    return "unknown";
  case StreamFormat::Cpio:
    return "none";
  case StreamFormat::Gzip:
    return "gzip";
  case StreamFormat::Bzip2:
    return "bzip2";
  case StreamFormat::Lzma:
    return "lzma";
  case StreamFormat::Xz:
    return "xz";
  case StreamFormat::Lzo:
    return "lzo";
  case StreamFormat::Lz4:
    return "lz4";
  case StreamFormat::Zstd:
    return "zstd";
  }
  return "unknown";
}

bool decompress_stream(StreamFormat f, std::string_view in, const ChunkFn &out,
                       StreamInfo *info, std::string *err) {
  *info = StreamInfo{};
  switch (f) {
  case StreamFormat::Gzip:
    return decode_gzip(in, out, info, err);
  case StreamFormat::Xz:
    return decode_lzma(in, true, out, info, err);
  case StreamFormat::Lzma:
    return decode_lzma(in, false, out, info, err);
  case StreamFormat::Zstd:
    return decode_zstd(in, out, info, err);
  case StreamFormat::Lz4:
    return decode_lz4(in, out, info, err);
  case StreamFormat::Bzip2:
    return decode_bzip2(in, out, info, err);
  case StreamFormat::Lzo:
    *err = "lzo-compressed initrds are not supported";
    return false;
  case StreamFormat::Cpio:
  case StreamFormat::Unknown:
    break;
  }
  *err = "not a compressed stream";
  return false;
}

} // namespace initpack
