// Plans an EROFS image (layout.h): nodes in Tree order (the root first,
// parents before children), then each node's data layout, then the inode
// records packed into the metadata area, then the data blocks after it.
// Every decision depends only on the tree, so the image is reproducible.
#include "output/erofs/layout.h"

#include "util/parallel.h"

#include <algorithm>
#include <sys/stat.h>
#include <unordered_map>

namespace initpack::erofs {

namespace {

constexpr uint64_t align_up(uint64_t v, uint64_t a) {
  return (v + a - 1) / a * a;
}

// The xattr name prefixes EROFS stores as an index (erofs_fs.h). The two
// POSIX ACL names are whole names with an empty remainder.
struct XattrPrefix {
  std::string_view prefix;
  uint8_t index;
};
constexpr XattrPrefix kXattrPrefixes[] = {
    {"system.posix_acl_access", 2},
    {"system.posix_acl_default", 3},
    {"user.", 1},
    {"trusted.", 4},
    {"security.", 6},
};

// The largest inline xattr body we write: it keeps inode + xattrs inside
// one block, which the placement below relies on.
constexpr size_t kMaxXattrBody = 2048;

bool encode_xattrs(const std::map<std::string, std::string> &xattrs,
                   std::string *body, std::string *err) {
  if (xattrs.empty())
    return true;
  XattrBodyHeader header{};
  body->assign(reinterpret_cast<const char *>(&header), sizeof header);
  for (const auto &[name, value] : xattrs) {
    const XattrPrefix *prefix = nullptr;
    for (const XattrPrefix &p : kXattrPrefixes)
      if (name.starts_with(p.prefix) &&
          (p.prefix.back() == '.' || name.size() == p.prefix.size())) {
        prefix = &p;
        break;
      }
    if (!prefix) {
      *err = "xattr " + name +
             ": EROFS stores only user., trusted., security. and POSIX ACL "
             "attributes";
      return false;
    }
    std::string_view rest =
        std::string_view(name).substr(prefix->prefix.size());
    if (rest.size() > 255 || value.size() > 65535) {
      *err = "xattr " + name + " is too long for EROFS";
      return false;
    }
    XattrEntry e{uint8_t(rest.size()), prefix->index, uint16_t(value.size())};
    body->append(reinterpret_cast<const char *>(&e), sizeof e);
    body->append(rest);
    body->append(value);
    body->resize(align_up(body->size(), 4), '\0');
  }
  if (body->size() > kMaxXattrBody) {
    *err = "xattrs take " + std::to_string(body->size()) +
           " bytes; initpack writes at most " + std::to_string(kMaxXattrBody);
    return false;
  }
  return true;
}

FileType file_type(NodeType t) {
  switch (t) {
  case NodeType::File:
    return kFtRegular;
  case NodeType::Dir:
    return kFtDir;
  case NodeType::Symlink:
    return kFtSymlink;
  case NodeType::CharDev:
    return kFtCharDev;
  case NodeType::BlockDev:
    return kFtBlockDev;
  case NodeType::Fifo:
    return kFtFifo;
  case NodeType::Socket:
    return kFtSocket;
  }
  return kFtRegular;
}

bool make_node(const std::string &path, const Inode &inode, Node *node,
               std::string *err) {
  node->inode = &inode;
  node->path = path.empty() ? "/" : path;
  node->mode = uint16_t(st_mode(inode));
  node->nlink = inode.type == NodeType::Dir ? 2 : 1;
  if (inode.type == NodeType::File)
    node->size = inode.content ? inode.content->size : 0;
  else if (inode.type == NodeType::Symlink)
    node->size = inode.symlink_target.size();
  if (inode.type == NodeType::Symlink &&
      (node->size == 0 || node->size >= kBlockSize)) {
    *err = node->path + ": symlink target of " + std::to_string(node->size) +
           " bytes (must be 1-4095)";
    return false;
  }
  if (!encode_xattrs(inode.xattrs, &node->xattrs, err)) {
    *err = node->path + ": " + *err;
    return false;
  }
  return true;
}

// One node per distinct Inode, in Tree order; directory entries listed.
bool collect_nodes(const Tree &tree, Layout *layout, std::string *err) {
  std::vector<Node> &nodes = layout->nodes;
  std::unordered_map<const Inode *, uint32_t> by_inode;
  std::unordered_map<std::string_view, uint32_t> dirs;
  for (const auto &[path, entry] : tree.entries()) {
    const Inode *inode = entry.inode.get();
    auto [it, fresh] = by_inode.emplace(inode, uint32_t(nodes.size()));
    uint32_t n = it->second;
    if (fresh) {
      nodes.emplace_back();
      if (!make_node(path, *inode, &nodes.back(), err))
        return false;
    } else if (inode->type == NodeType::Dir) {
      *err = path + ": a directory hardlinked to " + nodes[n].path;
      return false;
    } else {
      nodes[n].nlink++;
    }
    if (inode->type == NodeType::Dir)
      dirs.emplace(path, n);
    if (path.empty())
      continue;
    size_t slash = path.rfind('/');
    std::string_view parent = slash == std::string::npos
                                  ? std::string_view()
                                  : std::string_view(path).substr(0, slash);
    std::string name = path.substr(slash == std::string::npos ? 0 : slash + 1);
    if (name.size() > kNameMax) {
      *err = path + ": name longer than " + std::to_string(kNameMax) + " bytes";
      return false;
    }
    auto p = dirs.find(parent);
    if (p == dirs.end()) {
      *err = path + ": parent directory missing from the tree";
      return false;
    }
    nodes[p->second].entries.push_back({name, n, file_type(inode->type)});
    if (inode->type == NodeType::Dir)
      nodes[p->second].nlink++;
  }
  if (nodes.empty() || nodes[0].path != "/" ||
      nodes[0].inode->type != NodeType::Dir) {
    *err = "the tree has no root directory";
    return false;
  }
  // "." and "..": parents were collected before their children.
  for (const auto &[path, n] : dirs) {
    size_t slash = path.rfind('/');
    uint32_t parent = path.empty() ? n
                                   : dirs.at(slash == std::string::npos
                                                 ? std::string_view()
                                                 : path.substr(0, slash));
    nodes[n].entries.push_back({".", n, kFtDir});
    nodes[n].entries.push_back({"..", parent, kFtDir});
  }
  return true;
}

// Packs the sorted entries into blocks; sets the directory's size.
void size_directory(Node &dir) {
  std::sort(
      dir.entries.begin(), dir.entries.end(),
      [](const DirEntry &a, const DirEntry &b) { return a.name < b.name; });
  dir.dir_blocks = {0};
  size_t used = 0;
  for (size_t i = 0; i < dir.entries.size(); i++) {
    size_t need = sizeof(Dirent) + dir.entries[i].name.size();
    if (used + need > kBlockSize) {
      dir.dir_blocks.push_back(i);
      used = 0;
    }
    used += need;
  }
  dir.size = (dir.dir_blocks.size() - 1) * uint64_t(kBlockSize) + used;
}

// Compresses every file that may gain (more than one block), in parallel;
// keeps the clusters where they save at least one block over the plain
// layout. The result does not depend on the thread count.
bool compress_files(Layout &layout, const ErofsOptions &opts,
                    std::string *err) {
  std::vector<Node *> work;
  for (Node &n : layout.nodes)
    if (n.inode->type == NodeType::File && n.size > kBlockSize)
      work.push_back(&n);
  std::vector<std::string> errors(work.size());
  parallel_for(
      work.size(),
      [&](size_t i) {
        Node &n = *work[i];
        std::string data;
        std::vector<Cluster> clusters;
        if (!n.inode->content->read(&data, &errors[i]) ||
            !compress_clusters(data,
                               opts.compression == ErofsCompression::Lz4hc,
                               opts.lz4hc_level, &clusters, &errors[i])) {
          errors[i] = n.path + ": " + errors[i];
          return;
        }
        if (clusters.size() < n.size / kBlockSize)
          n.clusters = std::move(clusters);
      },
      unsigned(std::max(1, opts.threads)));
  for (const std::string &e : errors)
    if (!e.empty()) {
      *err = e;
      return false;
    }
  return true;
}

// FLAT_INLINE when the tail fits in a block with the inode, else
// FLAT_PLAIN; COMPRESSED_FULL for files that kept their clusters.
void choose_data_layout(Node &n) {
  uint64_t base = n.inode_size() + n.xattrs.size();
  if (!n.clusters.empty()) {
    n.layout = kCompressedFull;
    n.blocks = uint32_t(n.clusters.size());
    return;
  }
  uint64_t tail = n.size % kBlockSize;
  if (tail && base + tail <= kBlockSize) {
    n.layout = kFlatInline;
    n.tail = uint32_t(tail);
    n.blocks = uint32_t(n.size / kBlockSize);
  } else {
    n.layout = kFlatPlain;
    n.blocks = uint32_t((n.size + kBlockSize - 1) / kBlockSize);
  }
}

// Packs the inode records after the superblock, 32-byte aligned. A record
// that fits in a block never crosses a block boundary (the kernel refuses
// inline data that does); when it does not fit in what is left of the
// current block, either the rest of the block is skipped or, when that
// would waste more than the tail itself, the tail moves to a data block.
void place_records(Layout &layout) {
  uint64_t cursor = kSuperBlockOffset + sizeof(SuperBlock);
  for (Node &n : layout.nodes) {
    cursor = align_up(cursor, kInodeSlot);
    uint64_t room = kBlockSize - cursor % kBlockSize;
    uint64_t size = n.record_size();
    uint64_t head = size; // what must share the record's first block
    if (n.layout == kCompressedFull)
      head = align_up(n.inode_size() + n.xattrs.size(), 8) +
             sizeof(ZMapHeader) + 8;
    if (size > room && size <= kBlockSize) {
      if (n.layout == kFlatInline && room > kBlockSize - n.tail &&
          size - n.tail <= room) {
        n.layout = kFlatPlain;
        n.tail = 0;
        n.blocks++;
      } else {
        cursor += room;
      }
    } else if (size > kBlockSize && head > room) {
      cursor += room;
    }
    n.record_offset = cursor;
    cursor += n.record_size();
  }
  layout.metadata_end = cursor;
}

// Block addresses are 32-bit: an image holds at most 16 TiB.
bool place_data(Layout &layout, std::string *err) {
  uint64_t next = (layout.metadata_end + kBlockSize - 1) / kBlockSize;
  layout.first_data_block = uint32_t(next);
  for (Node &n : layout.nodes) {
    if (n.blocks) {
      n.blkaddr = uint32_t(next);
      next += n.blocks;
    }
    if (next > UINT32_MAX) {
      *err = "the image would be larger than 16 TiB";
      return false;
    }
  }
  layout.total_blocks = uint32_t(next);
  return true;
}

} // namespace

uint64_t Node::record_size() const {
  uint64_t base = inode_size() + xattrs.size();
  if (layout == kCompressedFull)
    return align_up(base, 8) + sizeof(ZMapHeader) + 8 +
           lcluster_count(size) * sizeof(LclusterIndex);
  return base + (layout == kFlatInline ? tail : 0);
}

bool build_layout(const Tree &tree, const ErofsOptions &opts, Layout *out,
                  std::string *err) {
  Layout &layout = *out;
  if (!collect_nodes(tree, &layout, err))
    return false;
  for (Node &n : layout.nodes)
    if (n.inode->type == NodeType::Dir)
      size_directory(n);
  if (opts.compression != ErofsCompression::None &&
      !compress_files(layout, opts, err))
    return false;
  for (Node &n : layout.nodes) {
    // Compact inodes hold 16-bit ids and link counts and 32-bit sizes;
    // their mtime is the superblock's build time, which is every mtime.
    n.extended = n.inode->uid > 0xffff || n.inode->gid > 0xffff ||
                 n.nlink > 0xffff || n.size > UINT32_MAX;
    choose_data_layout(n);
  }
  place_records(layout);
  if (layout.nodes[0].nid() > 0xffff) {
    *err = "root inode beyond nid 65535"; // cannot happen: it comes first
    return false;
  }
  return place_data(layout, err);
}

} // namespace initpack::erofs
