// The EROFS reader (erofs_reader.h). The on-disk structures are the
// writer's (output/erofs/format.h, which describes the format); this file
// only reads them. Two passes: walk() lists every path from the root down,
// then read_erofs_bytes() sorts the paths and decodes each inode's data
// once, in path order, as the cpio reader delivers entries.
//
// What bounds the work on a crafted image: every byte range an inode uses
// (its record, inline tail, cluster indexes, data blocks) is "claimed" once
// and two claims may not overlap, so the decoded data is at most 512 times
// the image (4096 bytes per 8-byte cluster index); a directory may be
// reached once; entries are at most one per 12 bytes of the image.
#include "inspect/erofs_reader.h"

#include "output/erofs/format.h"
#include "util/hash.h"
#include "util/strings.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <fmt/format.h>
#include <lz4.h>
#include <map>
#include <set>
#include <sys/stat.h>
#include <unordered_map>

namespace initpack {

using namespace erofs;

namespace {

// The layouts of i_format bits 1-3 this reader knows (format.h: DataLayout).
constexpr unsigned kLayoutCount = 3;
// i_format bits beyond the extended flag and the layout.
constexpr uint16_t kFormatUnknownBits = 0xfff0;

struct InodeInfo {
  uint64_t offset = 0;    // of the inode record in the image
  uint64_t inline_at = 0; // after the inode and its xattrs
  unsigned layout = 0;
  uint32_t mode = 0, uid = 0, gid = 0, nlink = 0, ino = 0, i_u = 0;
  uint64_t size = 0, mtime = 0;
};

// A path found by walk(), and its inode.
struct Found {
  std::string path; // "." for the root, "usr/bin/x" below it
  uint64_t nid = 0;
};

struct Child {
  std::string name;
  uint64_t nid = 0;
  uint8_t type = 0;
};

// One physical cluster of a compressed file: its output starts at `start`.
struct Extent {
  uint64_t start = 0;
  uint32_t blkaddr = 0;
  bool plain = false;
  uint64_t index_at = 0; // the HEAD/PLAIN index, for errors
};

std::string shown(const std::string &path) {
  return escape_name(path == "." ? "/" : "/" + path);
}

// The dirent file_type of a mode's S_IFMT (>> 12); 0: not a file type.
uint8_t dirent_type(uint32_t mode) {
  static constexpr uint8_t kTypes[16] = {
      0,          kFtFifo, kFtCharDev, 0, kFtDir,    0, kFtBlockDev, 0,
      kFtRegular, 0,       kFtSymlink, 0, kFtSocket, 0, 0,           0};
  return kTypes[(mode & S_IFMT) >> 12];
}

class ErofsImage {
public:
  ErofsImage(std::string_view image, const std::string &name)
      : img_(image), name_(name) {}

  bool open(std::string *err);
  bool walk(std::vector<Found> *found, std::string *err);
  bool inode(uint64_t nid, const std::string &path, InodeInfo *out,
             std::string *err);
  bool data(const InodeInfo &n, const std::string &path, std::string *out,
            std::string *err);
  bool fail(uint64_t off, const std::string &what, std::string *err) const {
    *err = name_ + ": offset " + std::to_string(off) + ": " + what;
    return false;
  }

  const SuperBlock &sb() const { return sb_; }
  uint64_t fs_size() const { return fs_size_; }

private:
  bool in_bounds(uint64_t off, uint64_t len) const {
    return off <= fs_size_ && len <= fs_size_ - off;
  }
  template <typename T>
  bool load(uint64_t off, T *out, const std::string &what, std::string *err) {
    if (!in_bounds(off, sizeof(T)))
      return fail(off,
                  what + " lies beyond the end of the file system (" +
                      std::to_string(fs_size_) + " bytes)",
                  err);
    memcpy(out, img_.data() + off, sizeof(T));
    return true;
  }
  bool claim(uint64_t off, uint64_t len, const std::string &what,
             std::string *err);
  bool read_flat(const InodeInfo &n, const std::string &path, std::string *out,
                 std::string *err);
  bool check_blocks(uint64_t at, uint64_t first, uint64_t count,
                    const std::string &what, std::string *err) const;
  bool read_compressed(const InodeInfo &n, const std::string &path,
                       std::string *out, std::string *err);
  bool extents(const InodeInfo &n, const std::string &path, uint64_t idx,
               uint64_t count, std::vector<Extent> *out, std::string *err);
  bool decode_extent(const Extent &e, uint64_t len, const std::string &path,
                     char *dst, std::string *err);
  bool parse_dir(const InodeInfo &dir, const std::string &path,
                 std::string_view bytes, std::vector<Child> *out,
                 std::string *err);
  bool parse_dir_block(std::string_view blk, uint64_t at,
                       const std::string &path, std::string *last,
                       std::vector<Child> *out, std::string *err);
  uint64_t data_offset(const InodeInfo &n, uint64_t pos) const;

  std::string_view img_;
  const std::string &name_;
  SuperBlock sb_{};
  uint64_t fs_size_ = 0;
  std::unordered_map<uint64_t, InodeInfo> inodes_;
  std::map<uint64_t, uint64_t> claimed_; // start -> end of byte ranges
};

bool ErofsImage::open(std::string *err) {
  fs_size_ = img_.size();
  if (!load(kSuperBlockOffset, &sb_, "the superblock", err))
    return false;
  if (sb_.magic != kMagic)
    return fail(kSuperBlockOffset, "no EROFS superblock (bad magic)", err);
  if (sb_.blkszbits != kBlockBits)
    return fail(kSuperBlockOffset,
                "block size 2^" + std::to_string(sb_.blkszbits) +
                    "; initpack reads 4096-byte blocks only",
                err);
  if (sb_.feature_incompat & ~kFeatureIncompatZeroPadding)
    return fail(kSuperBlockOffset,
                fmt::format("feature_incompat {:#x}: features initpack's "
                            "reader does not know",
                            sb_.feature_incompat),
                err);
  uint64_t want = uint64_t(sb_.blocks) * kBlockSize;
  if (want < kSuperBlockOffset + sizeof(SuperBlock))
    return fail(kSuperBlockOffset,
                "the superblock gives " + std::to_string(sb_.blocks) +
                    " blocks, too few for itself",
                err);
  if (want > img_.size())
    return fail(img_.size(),
                "truncated: the superblock gives " +
                    std::to_string(sb_.blocks) + " blocks (" +
                    std::to_string(want) + " bytes), the file has " +
                    std::to_string(img_.size()),
                err);
  fs_size_ = want;
  return claim(0, kSuperBlockOffset + sizeof(SuperBlock), "the superblock",
               err);
}

bool ErofsImage::claim(uint64_t off, uint64_t len, const std::string &what,
                       std::string *err) {
  if (len == 0)
    return true;
  auto next = claimed_.upper_bound(off);
  bool overlap = next != claimed_.end() && next->first < off + len;
  if (next != claimed_.begin() && std::prev(next)->second > off)
    overlap = true;
  if (overlap)
    return fail(off,
                what + " (" + std::to_string(len) +
                    " bytes) overlaps bytes another inode uses",
                err);
  claimed_.emplace(off, off + len);
  return true;
}

bool ErofsImage::inode(uint64_t nid, const std::string &path, InodeInfo *out,
                       std::string *err) {
  if (auto it = inodes_.find(nid); it != inodes_.end()) {
    *out = it->second;
    return true;
  }
  std::string what = shown(path) + ": inode " + std::to_string(nid);
  uint64_t base = uint64_t(sb_.meta_blkaddr) * kBlockSize;
  if (nid > fs_size_ / kInodeSlot)
    return fail(base, what + " lies beyond the end of the file system", err);
  InodeInfo n;
  n.offset = base + nid * kInodeSlot;
  uint16_t format = 0;
  if (!load(n.offset, &format, what, err))
    return false;
  if (format & kFormatUnknownBits || ((format >> 1) & 7) >= kLayoutCount)
    return fail(n.offset,
                fmt::format("{}: i_format {:#x}: a data layout initpack "
                            "does not read (chunks, compact indexes)",
                            what, format),
                err);
  n.layout = (format >> 1) & 7;
  uint64_t isize = 0;
  uint16_t icount = 0;
  if (format & kFormatExtended) {
    ExtendedInode e;
    if (!load(n.offset, &e, what, err))
      return false;
    isize = sizeof e, icount = e.i_xattr_icount;
    n.mode = e.i_mode, n.uid = e.i_uid, n.gid = e.i_gid, n.nlink = e.i_nlink;
    n.size = e.i_size, n.i_u = e.i_u, n.ino = e.i_ino, n.mtime = e.i_mtime;
  } else {
    CompactInode c;
    if (!load(n.offset, &c, what, err))
      return false;
    isize = sizeof c, icount = c.i_xattr_icount;
    n.mode = c.i_mode, n.uid = c.i_uid, n.gid = c.i_gid, n.nlink = c.i_nlink;
    n.size = c.i_size, n.i_u = c.i_u, n.ino = c.i_ino, n.mtime = sb_.build_time;
  }
  if (!dirent_type(n.mode))
    return fail(n.offset,
                fmt::format("{}: mode {:o}: no file type", what, n.mode), err);
  uint64_t xattrs = icount ? sizeof(XattrBodyHeader) + 4 * (icount - 1) : 0;
  if (!in_bounds(n.offset, isize + xattrs))
    return fail(n.offset, what + ": xattrs run past the end", err);
  n.inline_at = n.offset + isize + xattrs;
  if (!claim(n.offset, isize + xattrs, what + "'s record", err))
    return false;
  inodes_.emplace(nid, n);
  *out = n;
  return true;
}

bool ErofsImage::data(const InodeInfo &n, const std::string &path,
                      std::string *out, std::string *err) {
  out->clear();
  if (n.layout == kCompressedFull)
    return read_compressed(n, path, out, err);
  return read_flat(n, path, out, err);
}

bool ErofsImage::check_blocks(uint64_t at, uint64_t first, uint64_t count,
                              const std::string &what, std::string *err) const {
  if (count <= sb_.blocks && first <= sb_.blocks - count)
    return true;
  return fail(at,
              what + ": blocks " + std::to_string(first) + " + " +
                  std::to_string(count) + " beyond the " +
                  std::to_string(sb_.blocks) + " of the file system",
              err);
}

// FLAT_PLAIN: every block at i_u on. FLAT_INLINE: the last (partial or
// whole) block's bytes follow the inode, within one block.
bool ErofsImage::read_flat(const InodeInfo &n, const std::string &path,
                           std::string *out, std::string *err) {
  uint64_t nblocks = n.size / kBlockSize + (n.size % kBlockSize != 0);
  bool inl = n.layout == kFlatInline && nblocks > 0;
  uint64_t full = inl ? nblocks - 1 : nblocks;
  std::string what = shown(path) + "'s data";
  if (full &&
      (!check_blocks(n.offset, n.i_u, full, what, err) ||
       !claim(uint64_t(n.i_u) * kBlockSize, full * kBlockSize, what, err)))
    return false;
  uint64_t in_blocks = std::min(n.size, full * kBlockSize);
  if (in_blocks)
    out->assign(img_.data() + uint64_t(n.i_u) * kBlockSize, in_blocks);
  if (!inl)
    return true;
  uint64_t tail = n.size - in_blocks;
  if (!in_bounds(n.inline_at, tail))
    return fail(n.inline_at, what + ": inline tail runs past the end", err);
  if (n.inline_at % kBlockSize + tail > kBlockSize)
    return fail(n.inline_at,
                what + ": inline tail of " + std::to_string(tail) +
                    " bytes crosses a block boundary",
                err);
  if (!claim(n.inline_at, tail, what + " (inline)", err))
    return false;
  out->append(img_.data() + n.inline_at, tail);
  return true;
}

bool ErofsImage::read_compressed(const InodeInfo &n, const std::string &path,
                                 std::string *out, std::string *err) {
  std::string what = shown(path);
  uint64_t h = (n.inline_at + 7) / 8 * 8;
  ZMapHeader zh;
  if (!load(h, &zh, what + "'s cluster map", err))
    return false;
  if (zh.h_advise != 0 || (zh.h_clusterbits & 7) != 0)
    return fail(h,
                fmt::format("{}: cluster map h_advise {:#x}, clusterbits {}: "
                            "initpack reads full indexes of one-block "
                            "clusters only",
                            what, zh.h_advise, zh.h_clusterbits),
                err);
  if ((zh.h_algorithmtype & 0xf) != 0)
    return fail(h,
                what + ": compression algorithm " +
                    std::to_string(zh.h_algorithmtype & 0xf) +
                    ": initpack reads LZ4 clusters only",
                err);
  uint64_t count = n.size / kBlockSize + (n.size % kBlockSize != 0);
  uint64_t idx = h + sizeof(ZMapHeader) + 8;
  if (!in_bounds(idx, 0) || count > (fs_size_ - idx) / sizeof(LclusterIndex))
    return fail(idx,
                what + ": " + std::to_string(count) +
                    " cluster indexes run past the end of the file system",
                err);
  if (!claim(n.inline_at, idx + count * sizeof(LclusterIndex) - n.inline_at,
             what + "'s cluster indexes", err))
    return false;
  std::vector<Extent> ext;
  if (!extents(n, path, idx, count, &ext, err))
    return false;
  out->assign(n.size, '\0');
  for (size_t i = 0; i < ext.size(); i++) {
    uint64_t end = i + 1 < ext.size() ? ext[i + 1].start : n.size;
    if (!decode_extent(ext[i], end - ext[i].start, path,
                       out->data() + ext[i].start, err))
      return false;
  }
  return true;
}

// The physical clusters from the logical cluster indexes; NONHEAD indexes
// must point back at their HEAD, as the kernel follows them.
bool ErofsImage::extents(const InodeInfo &n, const std::string &path,
                         uint64_t idx, uint64_t count, std::vector<Extent> *out,
                         std::string *err) {
  std::string what = shown(path) + ": logical cluster ";
  uint64_t head = 0;
  for (uint64_t lcn = 0; lcn < count; lcn++) {
    uint64_t at = idx + lcn * sizeof(LclusterIndex);
    LclusterIndex di;
    memcpy(&di, img_.data() + at, sizeof di);
    unsigned type = di.di_advise & 3;
    std::string here = what + std::to_string(lcn);
    if (type == kLclusterNonHead) {
      if (lcn == 0 || di.di_u.delta[0] != lcn - head)
        return fail(at,
                    here + ": NONHEAD index points " +
                        std::to_string(di.di_u.delta[0]) +
                        " clusters back, its HEAD is " +
                        std::to_string(lcn - head) + " back",
                    err);
      continue;
    }
    if (type != kLclusterPlain && type != kLclusterHead)
      return fail(at, here + ": HEAD2 index (a second algorithm)", err);
    uint64_t start = lcn * kBlockSize + di.di_clusterofs;
    if (di.di_clusterofs >= kBlockSize || start >= n.size ||
        (lcn == 0 && start != 0))
      return fail(at,
                  here + ": cluster output starts at byte " +
                      std::to_string(start) + " of " + std::to_string(n.size),
                  err);
    if (!check_blocks(at, di.di_u.blkaddr, 1, here, err))
      return false;
    out->push_back({start, di.di_u.blkaddr, type == kLclusterPlain, at});
    head = lcn;
  }
  return true;
}

bool ErofsImage::decode_extent(const Extent &e, uint64_t len,
                               const std::string &path, char *dst,
                               std::string *err) {
  uint64_t at = uint64_t(e.blkaddr) * kBlockSize;
  std::string what = shown(path) + ": cluster at block " +
                     std::to_string(e.blkaddr) + " for bytes " +
                     std::to_string(e.start) + "+" + std::to_string(len);
  if (!claim(at, kBlockSize, what, err))
    return false;
  const char *blk = img_.data() + at;
  if (e.plain) {
    if (len > kBlockSize)
      return fail(e.index_at, what + ": a raw cluster holds 4096 at most", err);
    memcpy(dst, blk, len);
    return true;
  }
  if (len > INT_MAX)
    return fail(e.index_at, what + ": too long for LZ4", err);
  int got;
  if (sb_.feature_incompat & kFeatureIncompatZeroPadding) {
    uint32_t zeros = 0;
    while (zeros < kBlockSize && blk[zeros] == 0)
      zeros++;
    got = LZ4_decompress_safe(blk + zeros, dst, int(kBlockSize - zeros),
                              int(len));
  } else {
    got = LZ4_decompress_safe_partial(blk, dst, int(kBlockSize), int(len),
                                      int(len));
  }
  if (got != int(len))
    return fail(at,
                what + ": LZ4 data does not decode to " + std::to_string(len) +
                    " bytes",
                err);
  return true;
}

// Where byte `pos` of a flat inode's data is in the image (for errors).
uint64_t ErofsImage::data_offset(const InodeInfo &n, uint64_t pos) const {
  if (n.layout == kCompressedFull)
    return n.offset;
  uint64_t full = n.size / kBlockSize;
  if (n.layout == kFlatInline && pos >= full * kBlockSize)
    return n.inline_at + pos - full * kBlockSize;
  return uint64_t(n.i_u) * kBlockSize + pos;
}

bool ErofsImage::parse_dir(const InodeInfo &dir, const std::string &path,
                           std::string_view bytes, std::vector<Child> *out,
                           std::string *err) {
  std::string last;
  for (uint64_t pos = 0; pos < bytes.size(); pos += kBlockSize)
    if (!parse_dir_block(bytes.substr(pos, kBlockSize), data_offset(dir, pos),
                         path, &last, out, err))
      return false;
  return true;
}

// A block of dirents then names (format.h); names strictly ascending
// across the directory, as the kernel's binary search needs.
bool ErofsImage::parse_dir_block(std::string_view blk, uint64_t at,
                                 const std::string &path, std::string *last,
                                 std::vector<Child> *out, std::string *err) {
  std::string what = shown(path) + ": directory block: ";
  Dirent d{};
  if (blk.size() >= sizeof d)
    memcpy(&d, blk.data(), sizeof d);
  size_t count = d.nameoff / sizeof d;
  if (blk.size() < sizeof d || d.nameoff % sizeof d || count == 0 ||
      d.nameoff >= blk.size())
    return fail(at, what + "first name at " + std::to_string(d.nameoff), err);
  for (size_t i = 0; i < count; i++) {
    memcpy(&d, blk.data() + i * sizeof d, sizeof d);
    size_t end = blk.size();
    if (i + 1 < count) {
      Dirent next;
      memcpy(&next, blk.data() + (i + 1) * sizeof d, sizeof next);
      end = next.nameoff;
    }
    uint64_t here = at + i * sizeof d;
    if (d.nameoff < count * sizeof d || d.nameoff >= end || end > blk.size())
      return fail(here, what + "name offsets out of order", err);
    std::string name(blk.substr(d.nameoff, end - d.nameoff));
    if (i + 1 == count)
      name.resize(std::min(name.size(), name.find('\0')));
    if (name.empty() || name.size() > kNameMax ||
        name.find_first_of(std::string_view("/\0", 2)) != std::string::npos)
      return fail(here, what + "bad name '" + escape_name(name) + "'", err);
    if (!last->empty() && name <= *last)
      return fail(here,
                  what + "'" + escape_name(name) + "' after '" +
                      escape_name(*last) + "': names out of order",
                  err);
    *last = name;
    if (name != "." && name != "..")
      out->push_back({std::move(name), d.nid, d.file_type});
  }
  return true;
}

bool ErofsImage::walk(std::vector<Found> *found, std::string *err) {
  found->push_back({".", sb_.root_nid});
  std::vector<size_t> todo = {0};
  std::set<uint64_t> dirs = {sb_.root_nid};
  uint64_t max_entries = fs_size_ / sizeof(Dirent);
  while (!todo.empty()) {
    Found dir_at = (*found)[todo.back()];
    todo.pop_back();
    InodeInfo dir;
    std::string bytes;
    std::vector<Child> children;
    if (!inode(dir_at.nid, dir_at.path, &dir, err))
      return false;
    if (!S_ISDIR(dir.mode))
      return fail(dir.offset, shown(dir_at.path) + ": not a directory", err);
    if (!data(dir, dir_at.path, &bytes, err) ||
        !parse_dir(dir, dir_at.path, bytes, &children, err))
      return false;
    for (Child &c : children) {
      std::string p = dir_at.path == "." ? c.name : dir_at.path + "/" + c.name;
      InodeInfo n;
      if (!inode(c.nid, p, &n, err))
        return false;
      if (c.type && c.type != dirent_type(n.mode))
        return fail(n.offset,
                    fmt::format("{}: directory entry of type {}, inode "
                                "mode {:o}",
                                shown(p), c.type, n.mode),
                    err);
      if (S_ISDIR(n.mode) && !dirs.insert(c.nid).second)
        return fail(n.offset, shown(p) + ": a directory reached twice (a loop)",
                    err);
      if (S_ISDIR(n.mode))
        todo.push_back(found->size());
      found->push_back({std::move(p), c.nid});
      if (found->size() > max_entries)
        return fail(dir.offset, "more entries than the image has room for",
                    err);
    }
  }
  return true;
}

// What one inode decoded to, kept for its later paths (hardlinks).
struct Decoded {
  std::string first_path, sha256, data;
};

InitrdEntry make_entry(const Found &f, const InodeInfo &n) {
  InitrdEntry e;
  e.path = e.raw_name = f.path;
  e.mode = n.mode;
  e.uid = n.uid;
  e.gid = n.gid;
  e.size = S_ISDIR(n.mode) || S_ISREG(n.mode) || S_ISLNK(n.mode) ? n.size : 0;
  e.mtime = n.mtime;
  e.nlink = n.nlink;
  e.ino = n.ino;
  if (S_ISCHR(n.mode) || S_ISBLK(n.mode)) { // the kernel's new_decode_dev()
    e.rdev_major = (n.i_u & 0xfff00) >> 8;
    e.rdev_minor = (n.i_u & 0xff) | ((n.i_u >> 12) & 0xfff00);
  }
  return e;
}

std::string segment_detail(const ErofsImage &im, uint64_t image_size,
                           uint64_t compressed) {
  const SuperBlock &sb = im.sb();
  std::string volume(reinterpret_cast<const char *>(sb.volume_name),
                     strnlen(reinterpret_cast<const char *>(sb.volume_name),
                             sizeof sb.volume_name));
  std::string s =
      fmt::format("{} inodes, {} compressed files", sb.inos, compressed);
  if (!volume.empty())
    s = "volume " + escape_name(volume) + ", " + s;
  if (image_size > im.fs_size())
    s += fmt::format(", {} bytes after it", image_size - im.fs_size());
  return s;
}

} // namespace

bool is_erofs_image(std::string_view image) {
  uint32_t magic = 0;
  if (image.size() < kSuperBlockOffset + sizeof(SuperBlock))
    return false;
  memcpy(&magic, image.data() + kSuperBlockOffset, sizeof magic);
  return magic == kMagic;
}

bool read_erofs_bytes(std::string_view image, const std::string &name,
                      int segment, InitrdSegment *seg,
                      std::vector<InitrdEntry> *entries, std::string *err,
                      const InitrdDataFn &on_data) {
  ErofsImage im(image, name);
  std::vector<Found> found;
  if (!im.open(err) || !im.walk(&found, err))
    return false;
  std::sort(found.begin() + 1, found.end(),
            [](const Found &a, const Found &b) { return a.path < b.path; });
  std::unordered_map<uint64_t, int> refs;
  for (const Found &f : found)
    refs[f.nid]++;
  std::unordered_map<uint64_t, Decoded> done;
  *seg = InitrdSegment{};
  seg->compression = "erofs";
  uint64_t compressed = 0, first = entries->size();
  for (const Found &f : found) {
    InodeInfo n;
    if (!im.inode(f.nid, f.path, &n, err))
      return false;
    InitrdEntry e = make_entry(f, n);
    e.segment = segment;
    bool has_data = S_ISREG(n.mode) || S_ISLNK(n.mode);
    auto [it, fresh] = done.try_emplace(f.nid);
    Decoded &d = it->second;
    if (has_data && fresh) {
      if (S_ISLNK(n.mode) && (n.size == 0 || n.size >= kBlockSize))
        return im.fail(n.offset,
                       shown(f.path) + ": symlink target of " +
                           std::to_string(n.size) + " bytes",
                       err);
      if (!im.data(n, f.path, &d.data, err))
        return false;
      d.first_path = f.path;
      d.sha256 = sha256_hex(d.data);
      seg->uncompressed_size += S_ISREG(n.mode) ? n.size : 0;
      compressed += S_ISREG(n.mode) && n.layout == kCompressedFull;
    } else if (S_ISREG(n.mode)) {
      e.hardlink = d.first_path;
    }
    if (S_ISREG(n.mode))
      e.data_sha256 = d.sha256;
    if (S_ISLNK(n.mode))
      e.link_target = d.data;
    entries->push_back(std::move(e));
    if (on_data)
      on_data(entries->back(), has_data ? d.data : std::string_view());
    if (--refs[f.nid] == 0)
      done.erase(f.nid); // no later path needs the data
  }
  seg->compressed_size = im.fs_size();
  seg->entries = entries->size() - first;
  seg->detail = segment_detail(im, image.size(), compressed);
  return true;
}

} // namespace initpack
