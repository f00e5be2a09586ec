// The image being built: one in-memory tree of paths, shared by every pass.
// Packages add entries, the offline steps and kernel pass add and edit
// them, RemoveFiles= prunes them, and the writers (cpio, EROFS) stream them
// out in sorted order.
//
// Paths are relative and normalised: "usr/bin/bash", never "/usr/bin/bash"
// or "usr//bin/./bash". The root directory is "". Hardlinks are two paths
// that share one Inode.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace initpack {

enum class NodeType : uint8_t {
  File,
  Dir,
  Symlink,
  CharDev,
  BlockDev,
  Fifo,
  Socket
};

// Where a regular file's bytes live. A package's files stay on disk in the
// unpack cache; generated files (passwd, modules.dep, …) live in memory.
struct Content {
  std::string bytes;     // used when disk_path is empty
  std::string disk_path; // read when the image is written
  uint64_t size = 0;
  std::string sha256; // hex; empty when not known yet

  static std::shared_ptr<const Content> from_bytes(std::string bytes);
  static std::shared_ptr<const Content>
  from_disk(std::string path, uint64_t size, std::string sha256 = "");
  bool read(std::string *out, std::string *err) const;
};

struct Inode {
  NodeType type = NodeType::File;
  uint32_t mode = 0644; // permission bits incl. setuid/setgid/sticky
  uint32_t uid = 0, gid = 0;
  uint32_t rdev_major = 0, rdev_minor = 0;
  std::string symlink_target;
  std::shared_ptr<const Content> content; // File only
  std::map<std::string, std::string> xattrs;
};

// The full st_mode (S_IF* type bits and permissions) the image formats
// store.
uint32_t st_mode(const Inode &inode);

struct Entry {
  std::shared_ptr<Inode> inode;
  // Who put it there: a package name, "extra:<dir>" or "initpack:<step>".
  std::string origin;
};

class Tree {
public:
  using Map = std::map<std::string, Entry, std::less<>>;

  Tree();

  // Normalises "/usr//bin/./x" to "usr/bin/x". Returns false for paths that
  // climb out with "..".
  static bool normalize(std::string_view in, std::string *out);

  const Entry *find(std::string_view path) const;
  Entry *find(std::string_view path);
  bool contains(std::string_view path) const { return find(path) != nullptr; }

  // Resolves every symlink in `path` (all components; the last one too when
  // follow_last) the way the kernel would inside this tree used as root.
  // Fails on loops, on a dangling directory component, and on a symlink
  // whose ".." would climb above the root.
  bool resolve(std::string_view path, bool follow_last, std::string *out,
               std::string *err) const;

  // Adders create missing parent directories (0755 root:root, same origin)
  // and replace whatever was at `path` (a directory only by a directory,
  // which keeps its children). They do not follow symlinks; callers resolve
  // first where a package path may go through the merged-/usr links.
  Entry &add_dir(const std::string &path, uint32_t mode = 0755,
                 const std::string &origin = "");
  Entry &add_file(const std::string &path,
                  std::shared_ptr<const Content> content, uint32_t mode = 0644,
                  const std::string &origin = "");
  Entry &add_symlink(const std::string &path, const std::string &target,
                     const std::string &origin = "");
  Entry &add_node(const std::string &path, std::shared_ptr<Inode> inode,
                  const std::string &origin);
  bool add_hardlink(const std::string &path, const std::string &existing,
                    const std::string &origin, std::string *err);

  // Removes a path; a directory goes with everything below it.
  size_t remove(std::string_view path);
  // Removes every path matching a shell glob (fnmatch, '*' does not cross
  // '/'); a directory that matches goes with its contents. Returns count.
  size_t remove_glob(std::string_view pattern);

  const Map &entries() const { return entries_; }
  Map &entries() { return entries_; }
  size_t size() const { return entries_.size(); }
  // Sum of regular file sizes (each hardlinked inode counted once).
  uint64_t content_bytes() const;

private:
  void ensure_parents(const std::string &path, const std::string &origin);
  Map entries_;
};

} // namespace initpack
