#include "codec/compress.h"
#include "util/fs.h"

#include "util/diag.h"

#include <cerrno>
#include <cstring>
#include <future>
#include <lz4.h>
#include <lz4hc.h>
#include <lzma.h>
#include <unistd.h>
#include <vector>
#include <zlib.h>
#include <zstd.h>

namespace initpack {

bool FdSink::write(const void *data, size_t size, std::string *err) {
  if (!write_all(fd_, data, size)) {
    *err = "cannot write " + (name_.empty() ? "output" : name_) + ": " +
           errno_string();
    return false;
  }
  bytes_ += size;
  return true;
}

namespace {

constexpr size_t kOutChunk = 1 << 20;
constexpr uint64_t kXzMemory = uint64_t(1) << 30;
// lz4 blocks compressed at once: each holds 8 MiB in and out.
constexpr int kMaxLz4Jobs = 8;

// Compression::None: hands the bytes through.
class PassSink : public Sink {
public:
  explicit PassSink(Sink *out) : out_(out) {}
  bool write(const void *d, size_t n, std::string *err) override {
    return out_->write(d, n, err);
  }
  bool finish(std::string *err) override { return out_->finish(err); }

private:
  Sink *out_;
};

// zstd through libzstd's streaming API. nbWorkers is at least 1 even for
// one thread: the multithreaded encoder's output depends on the job size
// (derived from the level) but not on the worker count, while the
// single-threaded encoder (nbWorkers = 0) produces different bytes.
class ZstdSink : public Sink {
public:
  ZstdSink(Sink *out) : out_(out), buf_(ZSTD_CStreamOutSize()) {}
  ~ZstdSink() override { ZSTD_freeCCtx(cctx_); }

  bool init(int level, int threads, std::string *err) {
    cctx_ = ZSTD_createCCtx();
    if (!cctx_)
      return fail("cannot create a compression context", err);
    if (!set(ZSTD_c_compressionLevel, level, err) ||
        !set(ZSTD_c_checksumFlag, 1, err))
      return false;
    // Without libzstd's threading support this fails; then the output is
    // the single-threaded encoder's, still deterministic on that build.
    ZSTD_CCtx_setParameter(cctx_, ZSTD_c_nbWorkers, threads);
    return true;
  }
  bool write(const void *d, size_t n, std::string *err) override {
    ZSTD_inBuffer in{d, n, 0};
    while (in.pos < in.size)
      if (!step(&in, ZSTD_e_continue, err))
        return false;
    return true;
  }
  bool finish(std::string *err) override {
    ZSTD_inBuffer in{nullptr, 0, 0};
    for (;;) {
      size_t left = 0;
      if (!step(&in, ZSTD_e_end, err, &left))
        return false;
      if (left == 0)
        return out_->finish(err);
    }
  }

private:
  bool set(ZSTD_cParameter p, int v, std::string *err) {
    size_t r = ZSTD_CCtx_setParameter(cctx_, p, v);
    return !ZSTD_isError(r) || fail(ZSTD_getErrorName(r), err);
  }
  bool step(ZSTD_inBuffer *in, ZSTD_EndDirective mode, std::string *err,
            size_t *left = nullptr) {
    ZSTD_outBuffer o{buf_.data(), buf_.size(), 0};
    size_t r = ZSTD_compressStream2(cctx_, &o, in, mode);
    if (ZSTD_isError(r))
      return fail(ZSTD_getErrorName(r), err);
    if (left)
      *left = r;
    return o.pos == 0 || out_->write(buf_.data(), o.pos, err);
  }
  static bool fail(const char *what, std::string *err) {
    *err = std::string("zstd: ") + what;
    return false;
  }
  Sink *out_;
  ZSTD_CCtx *cctx_ = nullptr;
  std::vector<char> buf_;
};

// xz through liblzma's multithreaded stream encoder: LZMA2 behind the x86
// BCJ filter, with a CRC32 check, because the kernel's xz decoder
// (lib/xz) verifies only CRC32 or none. Blocks are 3 × the dictionary size
// whatever the thread count, so the bytes do not depend on it. BCJ made an
// initrd 2.4% smaller at no cost in time (the kernel's unxz applies it when
// built with CONFIG_XZ_DEC_X86, as Debian's amd64 kernels are).
class XzSink : public Sink {
public:
  explicit XzSink(Sink *out) : out_(out), buf_(kOutChunk) {}
  ~XzSink() override { lzma_end(&strm_); }

  bool init(int level, int threads, std::string *err) {
    if (lzma_lzma_preset(&lzma2_, level))
      return fail(LZMA_OPTIONS_ERROR, err);
    filters_[0] = {LZMA_FILTER_X86, nullptr};
    filters_[1] = {LZMA_FILTER_LZMA2, &lzma2_};
    filters_[2] = {LZMA_VLI_UNKNOWN, nullptr};
    lzma_mt mt{};
    mt.threads = threads;
    mt.filters = filters_;
    mt.check = LZMA_CHECK_CRC32;
    // Each thread holds about three blocks (~100 MiB at level 6): keep the
    // total under 1 GiB on many-core machines. The bytes do not change.
    while (mt.threads > 1 && lzma_stream_encoder_mt_memusage(&mt) > kXzMemory)
      mt.threads--;
    lzma_ret r = lzma_stream_encoder_mt(&strm_, &mt);
    return r == LZMA_OK || fail(r, err);
  }
  bool write(const void *d, size_t n, std::string *err) override {
    strm_.next_in = static_cast<const uint8_t *>(d);
    strm_.avail_in = n;
    while (strm_.avail_in > 0)
      if (!step(LZMA_RUN, err))
        return false;
    return true;
  }
  bool finish(std::string *err) override {
    for (;;) {
      lzma_ret r = LZMA_OK;
      if (!step(LZMA_FINISH, err, &r))
        return false;
      if (r == LZMA_STREAM_END)
        return out_->finish(err);
    }
  }

private:
  bool step(lzma_action action, std::string *err, lzma_ret *ret = nullptr) {
    strm_.next_out = buf_.data();
    strm_.avail_out = buf_.size();
    lzma_ret r = lzma_code(&strm_, action);
    if (r != LZMA_OK && r != LZMA_STREAM_END)
      return fail(r, err);
    if (ret)
      *ret = r;
    size_t n = buf_.size() - strm_.avail_out;
    return n == 0 || out_->write(buf_.data(), n, err);
  }
  static bool fail(lzma_ret r, std::string *err) {
    *err = "xz: liblzma error " + std::to_string(int(r)) +
           (r == LZMA_MEM_ERROR ? " (out of memory)" : "");
    return false;
  }
  Sink *out_;
  lzma_stream strm_ = LZMA_STREAM_INIT;
  lzma_options_lzma lzma2_{};
  lzma_filter filters_[3];
  std::vector<uint8_t> buf_;
};

// gzip through zlib's deflate with a gzip wrapper (windowBits 15 + 16).
// zlib's default gzip header has mtime 0 and no name, so it is
// reproducible. zlib is single-threaded; gzip is here for old kernels.
class GzipSink : public Sink {
public:
  explicit GzipSink(Sink *out) : out_(out), buf_(kOutChunk) {}
  ~GzipSink() override {
    if (started_)
      deflateEnd(&z_);
  }
  bool init(int level, std::string *err) {
    if (deflateInit2(&z_, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK) {
      *err = "gzip: cannot initialise zlib";
      return false;
    }
    started_ = true;
    return true;
  }
  bool write(const void *d, size_t n, std::string *err) override {
    z_.next_in = static_cast<Bytef *>(const_cast<void *>(d));
    z_.avail_in = n;
    while (z_.avail_in > 0)
      if (!step(Z_NO_FLUSH, err))
        return false;
    return true;
  }
  bool finish(std::string *err) override {
    for (;;) {
      int r = Z_OK;
      if (!step(Z_FINISH, err, &r))
        return false;
      if (r == Z_STREAM_END)
        return out_->finish(err);
    }
  }

private:
  bool step(int flush, std::string *err, int *ret = nullptr) {
    z_.next_out = buf_.data();
    z_.avail_out = buf_.size();
    int r = deflate(&z_, flush);
    if (r == Z_STREAM_ERROR) {
      *err = "gzip: zlib stream error";
      return false;
    }
    if (ret)
      *ret = r;
    size_t n = buf_.size() - z_.avail_out;
    return n == 0 || out_->write(buf_.data(), n, err);
  }
  Sink *out_;
  z_stream z_{};
  bool started_ = false;
  std::vector<Bytef> buf_;
};

// lz4 in the *legacy* frame format, the only lz4 framing the kernel's
// initramfs unpacker (lib/decompress_unlz4.c) reads: the magic 0x184C2102
// (little endian), then blocks of at most 8 MiB of input, each stored as
// its compressed size (le32) followed by the compressed bytes; no end mark.
// Spec:
// https://github.com/lz4/lz4/blob/dev/doc/lz4_Frame_format.md#legacy-frame
// liblz4 only writes the modern frame format (LZ4F), so the framing is done
// here around LZ4_compress_HC / LZ4_compress_default. Blocks are
// independent, so up to `threads` of them are compressed at once and
// written in order: the bytes do not depend on the thread count.
class Lz4LegacySink : public Sink {
public:
  static constexpr uint32_t kMagic = 0x184C2102;
  static constexpr size_t kBlock = 8 << 20;

  Lz4LegacySink(Sink *out, int level, int threads)
      : out_(out), level_(level), threads_(std::min(threads, kMaxLz4Jobs)) {}

  bool write(const void *d, size_t n, std::string *err) override {
    const char *p = static_cast<const char *>(d);
    while (n > 0) {
      if (blocks_.empty() || blocks_.back().size() == kBlock) {
        if (int(blocks_.size()) == threads_ && !flush(err))
          return false;
        blocks_.emplace_back();
        blocks_.back().reserve(kBlock);
      }
      std::string &b = blocks_.back();
      size_t take = std::min(n, kBlock - b.size());
      b.append(p, take);
      p += take;
      n -= take;
    }
    return true;
  }
  bool finish(std::string *err) override {
    return flush(err) && (magic_written_ || write_magic(err)) &&
           out_->finish(err);
  }

private:
  bool write_magic(std::string *err) {
    magic_written_ = true;
    uint8_t m[4];
    put_le32(m, kMagic);
    return out_->write(m, 4, err);
  }
  static void put_le32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++)
      p[i] = uint8_t(v >> (8 * i));
  }
  std::string compress(const std::string &in) const {
    std::string out(4 + LZ4_compressBound(int(in.size())), '\0');
    char *dst = out.data() + 4;
    int cap = int(out.size() - 4);
    int n = level_ >= LZ4HC_CLEVEL_MIN
                ? LZ4_compress_HC(in.data(), dst, int(in.size()), cap, level_)
                : LZ4_compress_default(in.data(), dst, int(in.size()), cap);
    if (n <= 0)
      return {};
    put_le32(reinterpret_cast<uint8_t *>(out.data()), uint32_t(n));
    out.resize(4 + n);
    return out;
  }
  bool flush(std::string *err) {
    if (blocks_.empty())
      return true;
    if (!magic_written_ && !write_magic(err))
      return false;
    std::vector<std::future<std::string>> jobs;
    for (const std::string &b : blocks_)
      jobs.push_back(
          std::async(std::launch::async, [this, &b] { return compress(b); }));
    bool ok = true;
    for (auto &j : jobs) {
      std::string c = j.get();
      if (ok && c.empty()) {
        *err = "lz4: compression failed";
        ok = false;
      }
      ok = ok && out_->write(c.data(), c.size(), err);
    }
    blocks_.clear();
    return ok;
  }
  Sink *out_;
  int level_, threads_;
  bool magic_written_ = false;
  std::vector<std::string> blocks_; // pending input blocks, in order
};

} // namespace

std::unique_ptr<Sink> make_compressor(Compression c, int level, int threads,
                                      Sink *out, std::string *err) {
  if (threads < 1)
    threads = 1;
  int lo = 0, hi = 0;
  if (level == -1)
    level = default_compression_level(c);
  else if (compression_level_range(c, &lo, &hi) && (level < lo || level > hi)) {
    *err = std::string(compression_name(c)) + " compression level " +
           std::to_string(level) + " is out of range " + std::to_string(lo) +
           ".." + std::to_string(hi);
    return nullptr;
  }
  switch (c) {
  case Compression::None:
    return std::make_unique<PassSink>(out);
  case Compression::Zstd: {
    auto s = std::make_unique<ZstdSink>(out);
    return s->init(level, threads, err) ? std::move(s) : nullptr;
  }
  case Compression::Xz: {
    auto s = std::make_unique<XzSink>(out);
    return s->init(level, threads, err) ? std::move(s) : nullptr;
  }
  case Compression::Gzip: {
    auto s = std::make_unique<GzipSink>(out);
    return s->init(level, err) ? std::move(s) : nullptr;
  }
  case Compression::Lz4:
    return std::make_unique<Lz4LegacySink>(out, level, threads);
  }
  *err = "unknown compression";
  return nullptr;
}

} // namespace initpack
