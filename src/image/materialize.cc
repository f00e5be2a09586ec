#include "image/materialize.h"

#include "util/fs.h"
#include "util/hash.h"

#include <cerrno>
#include <cstring>
#include <map>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace initpack {

bool content_sha256(const Content &c, std::string *hex, std::string *err) {
  if (!c.sha256.empty()) {
    *hex = c.sha256;
    return true;
  }
  if (c.disk_path.empty()) {
    *hex = sha256_hex(c.bytes);
    return true;
  }
  return sha256_file(c.disk_path, hex, err);
}

static bool fail(std::string *err, const std::string &what,
                 const std::string &path) {
  *err = what + " " + path + ": " + std::strerror(errno);
  return false;
}

static bool write_one(const Entry &e, const std::string &dst,
                      std::map<const Inode *, std::string> &written,
                      std::string *err) {
  const Inode &ino = *e.inode;
  switch (ino.type) {
  case NodeType::Dir:
    if (::mkdir(dst.c_str(), ino.mode & 07777) < 0 && errno != EEXIST)
      return fail(err, "cannot create directory", dst);
    return true;
  case NodeType::Symlink:
    if (::symlink(ino.symlink_target.c_str(), dst.c_str()) < 0)
      return fail(err, "cannot create symlink", dst);
    return true;
  case NodeType::File: {
    // A hardlinked inode is written once and linked for its other paths.
    if (auto it = written.find(&ino); it != written.end()) {
      if (::link(it->second.c_str(), dst.c_str()) < 0)
        return fail(err, "cannot link", dst);
      return true;
    }
    written[&ino] = dst;
    const Content &c = *ino.content;
    // Cache blobs are sealed read-only (packages/cache.h), so a hardlink
    // would carry mode 0444: good for data the tools read, not for the
    // programs they run, which are copied with their own mode.
    bool executable = ino.mode & 0111;
    if (!executable && !c.disk_path.empty() &&
        ::link(c.disk_path.c_str(), dst.c_str()) == 0)
      return true;
    std::string data;
    if (!c.read(&data, err) || !write_file(dst, data, err, ino.mode & 07777))
      return false;
    return true;
  }
  case NodeType::CharDev:
  case NodeType::BlockDev:
  case NodeType::Fifo:
  case NodeType::Socket:
    // Tools run on a materialised tree never need device nodes, and
    // creating them needs privileges.
    return true;
  }
  return true;
}

bool materialize(const Tree &tree, const std::string &dir,
                 const std::function<bool(const std::string &)> &want,
                 std::string *err) {
  if (!mkdir_p(dir, err))
    return false;
  std::map<const Inode *, std::string> written;
  std::string last_dir_made;
  for (const auto &[path, e] : tree.entries()) {
    if (path.empty() || !want(path))
      continue;
    // Parents first: the map is sorted, but `want` may skip them.
    std::string parent = dirname(path);
    if (parent != "." && parent != last_dir_made) {
      if (!mkdir_p(join_path(dir, parent), err))
        return false;
      last_dir_made = parent;
    }
    std::string dst = join_path(dir, path);
    if (e.inode->type != NodeType::Dir)
      ::unlink(dst.c_str());
    if (!write_one(e, dst, written, err))
      return false;
  }
  return true;
}

} // namespace initpack
