// The "newc" (SVR4, no CRC) cpio format, as the kernel reads it:
// https://www.kernel.org/doc/Documentation/early-userspace/buffer-format.txt
// and man 5 cpio.
//
// Each member is a 110-byte ASCII header, the NUL-terminated name padded so
// header + name is a multiple of 4, then the data padded to a multiple of 4.
// The header is "070701" followed by 13 fields of 8 hexadecimal digits:
//
//   ino mode uid gid nlink mtime filesize devmajor devminor
//   rdevmajor rdevminor namesize check
//
// namesize counts the NUL; check is 0 for newc. The archive ends with a
// member named "TRAILER!!!"; we pad the whole archive to 512 bytes as GNU
// cpio does, and the kernel skips NUL padding between archives.
//
// Why our own writer: no library writes a deterministic, hardlink-aware
// newc archive straight from the in-memory Tree. libarchive's writer could
// (the caller supplies inode numbers and mtimes), but it wants an
// archive_entry per path plus its own link resolver, and leaves layout
// decisions (which hardlink carries the data) to it; the format is small
// enough that writing it directly is simpler and lays out each member
// before a byte is written, mold-style.
//
// Layout decisions, all deterministic:
//  - members in Tree order (byte-wise sorted, so a parent precedes its
//    children); the root is written as "." so its mode and owner apply;
//  - inode numbers 1, 2, 3… in output order; paths sharing an Inode share
//    the number and nlink is the number of those paths;
//  - a hardlinked file's data goes with its *last* member, the convention of
//    GNU cpio and libarchive. The kernel accepts either end (init/
//    initramfs.c links later members to the first and writes whichever
//    body it gets), and GNU cpio defers empty members until the data comes;
//  - hardlinked symlinks are written as separate symlinks: the kernel
//    creates every symlink from its own body and never links them;
//  - directories have nlink = 2 + their subdirectories, as on a real file
//    system; dev/devminor are 0; mtime is CpioOptions::mtime everywhere.
#include "output/cpio_writer.h"

#include "util/diag.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>

namespace initpack {

namespace {

constexpr size_t kHeaderSize = 110;
constexpr size_t kPathMax = 4096; // the kernel skips longer names
constexpr size_t kBufferSize = 1 << 20;

// One archive member, laid out before anything is written.
struct Member {
  const std::string *path;
  const Inode *inode;
  uint32_t ino;
  uint32_t nlink;
  bool carries_data; // false for all but the last path of a hardlinked file
};

std::vector<Member> layout(const Tree &tree) {
  // Paths per shared inode, and subdirectories per directory.
  std::unordered_map<const Inode *, uint32_t> paths_of;
  std::unordered_map<std::string_view, uint32_t> subdirs;
  for (const auto &[path, e] : tree.entries()) {
    paths_of[e.inode.get()]++;
    if (e.inode->type == NodeType::Dir && !path.empty()) {
      size_t slash = path.rfind('/');
      std::string_view parent(path.data(),
                              slash == std::string::npos ? 0 : slash);
      subdirs[parent]++;
    }
  }
  std::vector<Member> members;
  members.reserve(tree.size());
  std::unordered_map<const Inode *, uint32_t> ino_of;
  std::unordered_map<const Inode *, uint32_t> seen;
  uint32_t next_ino = 1;
  for (const auto &[path, e] : tree.entries()) {
    const Inode *in = e.inode.get();
    Member m{&path, in, 0, 1, true};
    bool linkable = in->type != NodeType::Dir &&
                    in->type != NodeType::Symlink && paths_of[in] > 1;
    if (in->type == NodeType::Dir) {
      m.ino = next_ino++;
      auto it = subdirs.find(path);
      m.nlink = 2 + (it == subdirs.end() ? 0 : it->second);
    } else if (linkable) {
      auto [it, fresh] = ino_of.try_emplace(in, next_ino);
      if (fresh)
        next_ino++;
      m.ino = it->second;
      m.nlink = paths_of[in];
      m.carries_data = ++seen[in] == m.nlink;
    } else {
      m.ino = next_ino++;
    }
    members.push_back(m);
  }
  return members;
}

// Buffers the many small header writes; file bodies of a buffer's size or
// more go straight through.
class CpioStream {
public:
  explicit CpioStream(Sink &out) : out_(out) { buf_.reserve(kBufferSize); }

  bool write(const void *d, size_t n, std::string *err) {
    offset_ += n;
    if (buf_.size() + n > kBufferSize && !flush(err))
      return false;
    if (n >= kBufferSize)
      return out_.write(d, n, err);
    buf_.append(static_cast<const char *>(d), n);
    return true;
  }
  bool pad(size_t align, std::string *err) {
    static const char zeros[512] = {};
    size_t n = (align - offset_ % align) % align;
    return n == 0 || write(zeros, n, err);
  }
  bool flush(std::string *err) {
    if (buf_.empty())
      return true;
    bool ok = out_.write(buf_.data(), buf_.size(), err);
    buf_.clear();
    return ok;
  }

private:
  Sink &out_;
  std::string buf_;
  uint64_t offset_ = 0;
};

struct Header {
  uint32_t ino = 0, mode = 0, uid = 0, gid = 0, nlink = 1, mtime = 0;
  uint64_t filesize = 0;
  uint32_t rdev_major = 0, rdev_minor = 0;
};

bool write_header(CpioStream &s, const Header &h, const std::string &name,
                  std::string *err) {
  if (name.size() + 1 > kPathMax) {
    *err = "path is longer than " + std::to_string(kPathMax - 1) +
           " bytes: " + name.substr(0, 64) + "...";
    return false;
  }
  if (h.filesize > 0xffffffffu) {
    *err = name + ": " + std::to_string(h.filesize) +
           " bytes is more than a cpio member can hold (4 GiB)";
    return false;
  }
  char hdr[kHeaderSize + 1];
  snprintf(hdr, sizeof hdr,
           "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x", h.ino,
           h.mode, h.uid, h.gid, h.nlink, h.mtime, uint32_t(h.filesize), 0u, 0u,
           h.rdev_major, h.rdev_minor, uint32_t(name.size() + 1), 0u);
  return s.write(hdr, kHeaderSize, err) &&
         s.write(name.c_str(), name.size() + 1, err) && s.pad(4, err);
}

// Streams a disk-backed file in chunks, checking it still has the size the
// header announced.
bool copy_disk_file(CpioStream &s, const Content &c, std::string *err) {
  int fd = ::open(c.disk_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *err = "cannot open " + c.disk_path + ": " + errno_string();
    return false;
  }
  std::vector<char> buf(kBufferSize);
  uint64_t left = c.size;
  bool ok = true;
  while (ok && left > 0) {
    ssize_t n = ::read(fd, buf.data(), std::min<uint64_t>(left, buf.size()));
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      *err = n < 0 ? "cannot read " + c.disk_path + ": " + errno_string()
                   : c.disk_path + " shrank while being written (expected " +
                         std::to_string(c.size) + " bytes)";
      ok = false;
      break;
    }
    ok = s.write(buf.data(), n, err);
    left -= n;
  }
  char extra;
  if (ok && ::read(fd, &extra, 1) == 1) {
    *err = c.disk_path + " grew while being written (expected " +
           std::to_string(c.size) + " bytes)";
    ok = false;
  }
  ::close(fd);
  return ok;
}

bool write_member(CpioStream &s, const Member &m, const CpioOptions &opts,
                  std::string *err) {
  const Inode &in = *m.inode;
  Header h;
  h.ino = m.ino;
  h.mode = st_mode(in);
  h.uid = in.uid;
  h.gid = in.gid;
  h.nlink = m.nlink;
  h.mtime = opts.mtime;
  if (in.type == NodeType::CharDev || in.type == NodeType::BlockDev) {
    h.rdev_major = in.rdev_major;
    h.rdev_minor = in.rdev_minor;
  }
  const Content *content =
      in.type == NodeType::File && m.carries_data ? in.content.get() : nullptr;
  if (content)
    h.filesize = content->size;
  if (in.type == NodeType::Symlink) {
    if (in.symlink_target.empty() || in.symlink_target.size() >= kPathMax) {
      *err = *m.path + ": symlink target must have 1 to " +
             std::to_string(kPathMax - 1) + " bytes";
      return false;
    }
    h.filesize = in.symlink_target.size();
  }
  const std::string &name = m.path->empty() ? std::string(".") : *m.path;
  if (!write_header(s, h, name, err))
    return false;
  if (in.type == NodeType::Symlink)
    return s.write(in.symlink_target.data(), h.filesize, err) && s.pad(4, err);
  if (!content)
    return true;
  if (!content->disk_path.empty()) {
    if (!copy_disk_file(s, *content, err)) {
      *err = *m.path + ": " + *err;
      return false;
    }
  } else {
    if (content->bytes.size() != content->size) {
      *err = *m.path + ": content has " +
             std::to_string(content->bytes.size()) + " bytes, size says " +
             std::to_string(content->size);
      return false;
    }
    if (!s.write(content->bytes.data(), content->bytes.size(), err))
      return false;
  }
  return s.pad(4, err);
}

} // namespace

bool write_cpio(const Tree &tree, Sink &out, const CpioOptions &opts,
                std::string *err) {
  CpioStream s(out);
  for (const Member &m : layout(tree))
    if (!write_member(s, m, opts, err))
      return false;
  Header trailer;
  return write_header(s, trailer, "TRAILER!!!", err) && s.pad(512, err) &&
         s.flush(err);
}

bool write_cpio_files(const std::vector<CpioFile> &files, Sink &out,
                      const CpioOptions &opts, std::string *err) {
  Tree tree;
  for (const CpioFile &f : files) {
    std::string path;
    if (!Tree::normalize(f.path, &path) || path.empty()) {
      *err = "invalid cpio member path '" + f.path + "'";
      return false;
    }
    if ((f.mode & S_IFMT) != 0 && (f.mode & S_IFMT) != S_IFREG) {
      *err = f.path + ": only regular files can be added this way";
      return false;
    }
    tree.add_file(path, Content::from_bytes(f.data), f.mode & 07777);
  }
  return write_cpio(tree, out, opts, err);
}

} // namespace initpack
