// Compressed EROFS files: fixed-size output ("one block per physical
// cluster") LZ4 compression, the scheme the kernel's z_erofs code reads
// with full (non-compact) indexes and no big-pcluster feature.
//
// Each cluster takes as much input as liblz4 can squeeze into 4096 bytes
// (LZ4_compress_destSize / LZ4_compress_HC_destSize do exactly this). When
// that is not more than one block of input, compression saves nothing and
// the next 4096 bytes are stored raw instead (a PLAIN cluster), so the
// kernel does no work for them. LZ4 output is right-aligned in its block:
// the kernel skips the leading zeros to find where it starts (the
// ZERO_PADDING feature), and a stream never starts with a zero byte (its
// first token always carries literals).
#include "output/erofs/layout.h"

#include <algorithm>
#include <lz4.h>
#include <lz4hc.h>
#include <memory>

namespace initpack::erofs {

namespace {

// Input offered per cluster. LZ4 can expand about 255:1, so a block could
// decode to ~1 MiB of zeros; 256 KiB keeps a NONHEAD index's distance to
// its HEAD (64 logical clusters at most) far below the 2048 where its bit
// 11 would mean something else, and costs nothing measurable in ratio.
constexpr int kMaxInput = 256 * 1024;

// Compresses from `src` into `dst` (kBlockSize bytes); returns the output
// size and sets *consumed, or returns 0 on a library failure.
int compress_one(const char *src, int available, bool hc, int level,
                 void *hc_state, char *dst, int *consumed) {
  *consumed = available;
  if (hc)
    return LZ4_compress_HC_destSize(hc_state, src, dst, consumed, kBlockSize,
                                    level);
  return LZ4_compress_destSize(src, dst, consumed, kBlockSize);
}

} // namespace

bool compress_clusters(const std::string &data, bool hc, int level,
                       std::vector<Cluster> *out, std::string *err) {
  std::unique_ptr<char[]> hc_state;
  if (hc)
    hc_state.reset(new char[LZ4_sizeofStateHC()]);
  char dst[kBlockSize];
  uint64_t pos = 0;
  while (pos < data.size()) {
    uint64_t left = data.size() - pos;
    int available = left > uint64_t(kMaxInput) ? kMaxInput : int(left);
    int consumed = 0;
    int csize = compress_one(data.data() + pos, available, hc, level,
                             hc_state.get(), dst, &consumed);
    if (csize <= 0 || consumed <= 0) {
      *err = "LZ4 compression failed at offset " + std::to_string(pos);
      return false;
    }
    Cluster c;
    c.start = pos;
    if (uint32_t(consumed) <= kBlockSize) {
      // No gain: a raw block holds as much. Linux 6.1 maps the last PLAIN
      // cluster up to the end of the file's last logical cluster and
      // refuses it (EFSCORRUPTED) when that span exceeds one block, so a
      // final raw cluster that crosses a 4096-byte boundary ends at it and
      // the rest gets a cluster of its own.
      c.plain = true;
      c.length = uint32_t(std::min<uint64_t>(left, kBlockSize));
      uint32_t in_lcluster = uint32_t(pos % kBlockSize);
      if (left <= kBlockSize && in_lcluster + c.length > kBlockSize)
        c.length = kBlockSize - in_lcluster;
      c.block.assign(data, pos, c.length);
      c.block.resize(kBlockSize, '\0');
    } else {
      c.length = uint32_t(consumed);
      c.block.assign(kBlockSize - csize, '\0');
      c.block.append(dst, csize);
    }
    pos += c.length;
    out->push_back(std::move(c));
  }
  return true;
}

} // namespace initpack::erofs
