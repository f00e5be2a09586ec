// Putting packages' files into the image tree the way dpkg would on a
// merged-/usr Debian system: the top-level bin, sbin, lib (and lib64 where
// the dynamic linker lives there) are symlinks into usr/, created first, and
// every package path is resolved through the tree's symlinks before it is
// added. (dpkg-deb -x and plain tar replace those links with directories;
// see FACTS.md.)
#pragma once

#include "image/tree.h"
#include "packages/cache.h"
#include "packages/manifest.h"

#include <string>
#include <unordered_set>
#include <vector>

namespace initpack {

// Top-level directories that are symlinks to usr/<dir> on a merged-/usr
// Debian system of this architecture: bin, sbin, lib, plus lib64 where the
// architecture's dynamic linker lives under /lib64 (amd64:
// /lib64/ld-linux-x86-64.so.2). debootstrap also links lib32 and libx32 on
// amd64, but only multilib packages put files there, and none belongs in
// an initrd.
std::vector<std::string> merged_usr_dirs(const std::string &arch);

// Where package file `f` lands in `tree`: its parent directory resolved
// through the symlinks already in the tree (a directory entry is resolved
// entirely, so "lib/" means "usr/lib"). Fails, with the reason in *err, when
// the path climbs above the root through a symlink or goes through
// something that is not a directory.
bool place_in_tree(const Tree &tree, const PackageFile &f, std::string *out,
                   std::string *err);

class TreeMerger {
public:
  TreeMerger(Tree &tree, const PackageCache &cache)
      : tree_(tree), cache_(cache) {}

  // Creates usr/<dir> and the <dir> -> usr/<dir> links.
  void add_merged_usr_links(const std::string &arch);

  // `pkg` may overwrite the files of each of `replaced` (its Replaces:).
  // Whichever order the two are added in, the replacing package's file
  // is the one kept, as after dpkg installed both; a directory is never
  // replaced by a non-directory.
  void allow_replaces(const std::string &pkg,
                      const std::vector<std::string> &replaced);

  // Adds one package's files (its blobs are in the cache) with origin = the
  // package's name. Problems go to *errors as "package: path: why" and the
  // rest of the package is still added, so a user sees every problem at
  // once. A path that another package already holds with a different type,
  // content, mode, owner or link target is reported naming both packages,
  // unless one Replaces the other; directories may be shared, and
  // identical files too.
  void add_package(const Manifest &m, std::vector<std::string> *errors);

private:
  // Why `f` cannot go where `old` is, or "" when it can (same thing).
  std::string clash(const Entry &old, const PackageFile &f,
                    const Inode *hardlink_target) const;
  bool replaces(const std::string &pkg, const std::string &other) const;
  void add_dir(const std::string &dest, const PackageFile &f,
               const std::string &origin);
  // "PATH of PACKAGE" for an entry below `dir` that another package put
  // there, or "".
  std::string foreign_child(const std::string &dir,
                            const std::string &pkg) const;
  // Adds `f` at `dest`, which is free or held by the same package.
  void add_entry(const std::string &dest, const PackageFile &f,
                 const std::string &pkg, const std::string &hardlink_target,
                 std::vector<std::string> *errors);

  Tree &tree_;
  const PackageCache &cache_;
  // Directories some package declared: the first declaration sets the mode
  // and owner (a directory created implicitly as a parent is 0755 root).
  std::unordered_set<std::string> declared_dirs_;
  // "pkg\nreplaced" for each Replaces: relation allowed.
  std::unordered_set<std::string> replaces_;
};

} // namespace initpack
