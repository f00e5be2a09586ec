// Fills an EROFS image from its Layout: the metadata area is assembled in
// memory (inodes, xattrs, inline tails, cluster indexes, superblock) while
// each node's data blocks go straight to their place in the file.
#include "output/erofs/layout.h"
#include "util/diag.h"
#include "util/fs.h"
#include "util/hash.h"

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace initpack {

using namespace erofs;

namespace {

class ImageWriter {
public:
  ImageWriter(const Layout &layout, const ErofsOptions &opts, int fd)
      : layout_(layout), opts_(opts), fd_(fd),
        meta_(uint64_t(layout.first_data_block) * kBlockSize, '\0') {}

  bool write(std::string *err) {
    for (const Node &n : layout_.nodes)
      if (!write_node(n, err))
        return false;
    write_superblock();
    if (!pwrite_all(fd_, meta_.data(), meta_.size(), 0, err))
      return false;
    if (ftruncate(fd_, off_t(uint64_t(layout_.total_blocks) * kBlockSize))) {
      *err = "cannot size the image: " + errno_string();
      return false;
    }
    return true;
  }

private:
  template <typename T> void put(uint64_t offset, const T &v) {
    memcpy(&meta_[offset], &v, sizeof v);
  }

  uint64_t nid(uint32_t node) const { return layout_.nodes[node].nid(); }

  bool write_node(const Node &n, std::string *err) {
    write_inode(n);
    std::string data;
    switch (n.inode->type) {
    case NodeType::File:
      if (n.layout == kCompressedFull)
        return write_clusters(n, err);
      if (n.inode->content && !n.inode->content->read(&data, err)) {
        *err = n.path + ": " + *err;
        return false;
      }
      if (data.size() != n.size) {
        *err = n.path + ": content changed size while writing the image";
        return false;
      }
      break;
    case NodeType::Dir:
      data = directory_data(n);
      break;
    case NodeType::Symlink:
      data = n.inode->symlink_target;
      break;
    default:
      return true; // device nodes, fifos and sockets have no data
    }
    return write_flat_data(n, data, err);
  }

  void write_inode(const Node &n) {
    uint32_t i_u = n.blkaddr;
    if (n.inode->type == NodeType::CharDev ||
        n.inode->type == NodeType::BlockDev) {
      // The kernel's new_encode_dev().
      uint32_t major = n.inode->rdev_major, minor = n.inode->rdev_minor;
      i_u = (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
    } else if (n.layout == kCompressedFull) {
      i_u = n.blocks; // compressed_blocks
    }
    uint16_t icount =
        n.xattrs.empty()
            ? 0
            : uint16_t(1 + (n.xattrs.size() - sizeof(XattrBodyHeader)) / 4);
    uint32_t ino = uint32_t(&n - layout_.nodes.data()) + 1;
    if (n.extended) {
      ExtendedInode e{};
      e.i_format = inode_format(n.layout, true);
      e.i_xattr_icount = icount;
      e.i_mode = n.mode;
      e.i_size = n.size;
      e.i_u = i_u;
      e.i_ino = ino;
      e.i_uid = n.inode->uid;
      e.i_gid = n.inode->gid;
      e.i_mtime = opts_.mtime;
      e.i_nlink = n.nlink;
      put(n.record_offset, e);
    } else {
      CompactInode c{};
      c.i_format = inode_format(n.layout, false);
      c.i_xattr_icount = icount;
      c.i_mode = n.mode;
      c.i_nlink = uint16_t(n.nlink);
      c.i_size = uint32_t(n.size);
      c.i_u = i_u;
      c.i_ino = ino;
      c.i_uid = uint16_t(n.inode->uid);
      c.i_gid = uint16_t(n.inode->gid);
      put(n.record_offset, c);
    }
    memcpy(&meta_[n.record_offset + n.inode_size()], n.xattrs.data(),
           n.xattrs.size());
  }

  // Full blocks to the data area (the last one zero-padded), the tail of
  // an inline node into its record.
  bool write_flat_data(const Node &n, const std::string &data,
                       std::string *err) {
    uint64_t in_blocks = data.size() - n.tail;
    if (in_blocks) {
      std::string padded;
      const std::string *out = &data;
      if (in_blocks % kBlockSize) {
        padded.assign(data, 0, in_blocks);
        padded.resize(uint64_t(n.blocks) * kBlockSize, '\0');
        out = &padded;
      }
      if (!pwrite_all(fd_, out->data(), uint64_t(n.blocks) * kBlockSize,
                      uint64_t(n.blkaddr) * kBlockSize, err)) {
        *err = n.path + ": " + *err;
        return false;
      }
    }
    if (n.tail)
      memcpy(&meta_[n.record_offset + n.inode_size() + n.xattrs.size()],
             data.data() + in_blocks, n.tail);
    return true;
  }

  // The map header, one index per logical cluster, and the cluster blocks.
  bool write_clusters(const Node &n, std::string *err) {
    uint64_t pos =
        n.record_offset + ((n.inode_size() + n.xattrs.size() + 7) / 8 * 8);
    put(pos, ZMapHeader{}); // LZ4, 4 KiB logical clusters, full indexes
    pos += sizeof(ZMapHeader) + 8;
    uint64_t lclusters = lcluster_count(n.size);
    size_t k = 0; // the cluster whose output covers logical cluster lcn
    for (uint64_t lcn = 0; lcn < lclusters; lcn++) {
      while (k + 1 < n.clusters.size() &&
             n.clusters[k + 1].start / kBlockSize <= lcn)
        k++;
      const Cluster &c = n.clusters[k];
      uint64_t head = c.start / kBlockSize;
      LclusterIndex index{};
      if (head == lcn) {
        index.di_advise = c.plain ? kLclusterPlain : kLclusterHead;
        index.di_clusterofs = uint16_t(c.start % kBlockSize);
        index.di_u.blkaddr = n.blkaddr + uint32_t(k);
      } else {
        uint64_t next = k + 1 < n.clusters.size()
                            ? n.clusters[k + 1].start / kBlockSize
                            : lclusters;
        index.di_advise = kLclusterNonHead;
        index.di_u.delta[0] = uint16_t(lcn - head);
        index.di_u.delta[1] = uint16_t(next - lcn);
      }
      put(pos + lcn * sizeof index, index);
    }
    for (size_t i = 0; i < n.clusters.size(); i++)
      if (!pwrite_all(fd_, n.clusters[i].block.data(), kBlockSize,
                      (uint64_t(n.blkaddr) + i) * kBlockSize, err)) {
        *err = n.path + ": " + *err;
        return false;
      }
    return true;
  }

  // Every block but the last is padded to 4096 bytes; the last one ends
  // at the directory's size.
  std::string directory_data(const Node &dir) {
    std::string out;
    for (size_t b = 0; b < dir.dir_blocks.size(); b++) {
      size_t first = dir.dir_blocks[b];
      size_t end = b + 1 < dir.dir_blocks.size() ? dir.dir_blocks[b + 1]
                                                 : dir.entries.size();
      size_t base = out.size();
      size_t nameoff = (end - first) * sizeof(Dirent);
      out.resize(base + nameoff, '\0');
      for (size_t i = first; i < end; i++) {
        const DirEntry &e = dir.entries[i];
        Dirent d{nid(e.node), uint16_t(nameoff), e.type, 0};
        memcpy(&out[base + (i - first) * sizeof(Dirent)], &d, sizeof d);
        out += e.name;
        nameoff += e.name.size();
      }
      if (b + 1 < dir.dir_blocks.size())
        out.resize(base + kBlockSize, '\0');
    }
    return out;
  }

  void write_superblock() {
    SuperBlock sb{};
    sb.magic = kMagic;
    sb.blkszbits = kBlockBits;
    sb.root_nid = uint16_t(layout_.nodes[0].nid());
    sb.inos = layout_.nodes.size();
    sb.build_time = opts_.mtime;
    sb.blocks = layout_.total_blocks;
    if (opts_.compression != ErofsCompression::None)
      sb.feature_incompat = kFeatureIncompatZeroPadding;
    memcpy(sb.volume_name, opts_.volume_name.data(),
           std::min<size_t>(opts_.volume_name.size(), sizeof sb.volume_name));
    put(kSuperBlockOffset, sb);
    std::array<uint8_t, 16> uuid = opts_.uuid;
    if (uuid == std::array<uint8_t, 16>{}) {
      // From everything but the data blocks: reproducible, and different
      // whenever a path, owner, mode, size or inline byte differs.
      std::string digest = sha256_hex(meta_).substr(0, 32);
      for (size_t i = 0; i < 16; i++)
        uuid[i] = uint8_t(std::stoi(digest.substr(2 * i, 2), nullptr, 16));
      uuid[6] = (uuid[6] & 0x0f) | 0x40; // version 4 ("random")
      uuid[8] = (uuid[8] & 0x3f) | 0x80; // RFC 4122 variant
    }
    memcpy(&meta_[kSuperBlockOffset + offsetof(SuperBlock, uuid)], uuid.data(),
           uuid.size());
  }

  const Layout &layout_;
  const ErofsOptions &opts_;
  int fd_;
  std::string meta_;
};

} // namespace

bool write_erofs(const Tree &tree, int fd, const ErofsOptions &opts,
                 ErofsResult *result, std::string *err) {
  if (opts.volume_name.size() > 16) {
    *err = "volume name '" + opts.volume_name + "' is longer than 16 bytes";
    return false;
  }
  Layout layout;
  if (!build_layout(tree, opts, &layout, err))
    return false;
  ImageWriter writer(layout, opts, fd);
  if (!writer.write(err))
    return false;
  if (result) {
    *result = ErofsResult{};
    result->size = uint64_t(layout.total_blocks) * kBlockSize;
    result->inodes = layout.nodes.size();
    result->metadata_bytes = layout.metadata_end;
    result->data_blocks = layout.total_blocks - layout.first_data_block;
    for (const Node &n : layout.nodes)
      result->compressed_files += n.layout == kCompressedFull;
  }
  return true;
}

} // namespace initpack
