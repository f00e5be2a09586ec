// Writing an initrd's entries out below a directory (`inspect --extract`).
//
// Every path is resolved with openat2(RESOLVE_IN_ROOT) relative to the
// destination, so neither a "../" name nor a symlink the image itself
// planted (say "lib -> /usr/lib" followed by "lib/x") can write outside it;
// symlinks inside the image still resolve the way the kernel would.
#pragma once

#include "inspect/initrd_reader.h"

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace initpack {

class Extractor {
public:
  explicit Extractor(std::string dir) : dir_(std::move(dir)) {}
  ~Extractor();
  Extractor(const Extractor &) = delete;
  Extractor &operator=(const Extractor &) = delete;

  // Creates the destination if needed.
  bool open(std::string *err);
  // One entry with its data, in the order read_initrd delivers them. Later
  // entries replace earlier ones at the same path, as in the kernel.
  // Ownership is restored only when running as root; device nodes that
  // cannot be created for lack of privilege are skipped with a warning.
  bool add(const InitrdEntry &e, std::string_view data, std::string *err);
  // Applies directory modes and times (deferred so read-only directories
  // can still be filled).
  bool finish(std::string *err);

  const std::vector<std::string> &warnings() const { return warnings_; }

private:
  int open_dir(const std::string &path, bool create, std::string *err);
  bool make_room(int parent, const std::string &base, bool keep_dir,
                 std::string *err);
  bool write_file(int parent, const std::string &base, const InitrdEntry &e,
                  std::string_view data, std::string *err);
  void set_owner_time(int parent, const std::string &base,
                      const InitrdEntry &e);

  struct DirAttrs {
    std::string path;
    uint32_t mode, uid, gid;
    uint64_t mtime;
  };
  std::string dir_;
  int root_ = -1;
  bool as_root_ = false;
  std::vector<DirAttrs> dirs_;
  std::set<std::string> files_; // regular files written, for hardlinks
  std::vector<std::string> warnings_;
};

} // namespace initpack
