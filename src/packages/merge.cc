#include "packages/merge.h"

#include "util/fs.h"

#include <fmt/format.h>
#include <unordered_map>

namespace initpack {

namespace {

const char *type_word(NodeType t) {
  switch (t) {
  case NodeType::File:
    return "file";
  case NodeType::Dir:
    return "directory";
  case NodeType::Symlink:
    return "symlink";
  case NodeType::CharDev:
    return "character device";
  case NodeType::BlockDev:
    return "block device";
  case NodeType::Fifo:
    return "fifo";
  case NodeType::Socket:
    return "socket";
  }
  return "?";
}

} // namespace

std::vector<std::string> merged_usr_dirs(const std::string &arch) {
  // Architectures whose dynamic linker is /lib64/… (glibc's sysdeps; the
  // same list debootstrap's setup_merged_usr() links lib64 for, less the
  // ones whose lib64 holds only multilib libraries).
  static const std::unordered_set<std::string> lib64_arches = {
      "amd64", "ppc64el", "ppc64", "loong64", "mips64el", "sparc64"};
  std::vector<std::string> dirs = {"bin", "sbin", "lib"};
  if (lib64_arches.count(arch))
    dirs.push_back("lib64");
  return dirs;
}

bool place_in_tree(const Tree &tree, const PackageFile &f, std::string *out,
                   std::string *err) {
  if (f.type == NodeType::Dir)
    return tree.resolve(f.path, true, out, err);
  std::string parent;
  size_t slash = f.path.rfind('/');
  if (slash != std::string::npos) {
    if (!tree.resolve(f.path.substr(0, slash), true, &parent, err))
      return false;
    const Entry *e = tree.find(parent);
    if (e && e->inode->type != NodeType::Dir) {
      *err = "parent '" + parent + "' is a " + type_word(e->inode->type) +
             ", not a directory";
      return false;
    }
  }
  *out = join_path(parent, basename(f.path));
  return true;
}

void TreeMerger::add_merged_usr_links(const std::string &arch) {
  const std::string origin = "initpack:merged-usr";
  for (const std::string &dir : merged_usr_dirs(arch)) {
    tree_.add_dir("usr/" + dir, 0755, origin);
    tree_.add_symlink(dir, "usr/" + dir, origin);
  }
}

void TreeMerger::allow_replaces(const std::string &pkg,
                                const std::vector<std::string> &replaced) {
  for (const std::string &r : replaced)
    replaces_.insert(pkg + "\n" + r);
}

bool TreeMerger::replaces(const std::string &pkg,
                          const std::string &other) const {
  return replaces_.count(pkg + "\n" + other) != 0;
}

std::string TreeMerger::clash(const Entry &old, const PackageFile &f,
                              const Inode *hardlink_target) const {
  const Inode &o = *old.inode;
  if (o.type != f.type)
    return fmt::format("a {} and a {}", type_word(o.type), type_word(f.type));
  if (f.type == NodeType::Dir)
    return ""; // directories are shared
  if (hardlink_target == &o)
    return "";
  if (f.type == NodeType::Symlink)
    return o.symlink_target == f.link
               ? ""
               : fmt::format("different symlink targets ('{}' and '{}')",
                             o.symlink_target, f.link);
  if (f.type == NodeType::File && (!o.content || o.content->sha256 != f.sha256))
    return "different content";
  if (o.rdev_major != f.rdev_major || o.rdev_minor != f.rdev_minor)
    return "different device numbers";
  if (o.mode != f.mode || o.uid != f.uid || o.gid != f.gid)
    return fmt::format("different modes or owners ({:04o} {}:{} and {:04o} "
                       "{}:{})",
                       o.mode, o.uid, o.gid, f.mode, f.uid, f.gid);
  return "";
}

void TreeMerger::add_dir(const std::string &dest, const PackageFile &f,
                         const std::string &origin) {
  Entry &e = tree_.add_dir(dest, f.mode, origin);
  if (declared_dirs_.insert(dest).second) {
    e.inode->mode = f.mode;
    e.inode->uid = f.uid;
    e.inode->gid = f.gid;
    if (e.origin.rfind("initpack:", 0) != 0)
      e.origin = origin;
  }
}

void TreeMerger::add_package(const Manifest &m,
                             std::vector<std::string> *errors) {
  const std::string &pkg = m.package;
  // Package path -> where it went, for hardlinks to earlier members.
  std::unordered_map<std::string, std::string> placed;
  auto problem = [&](const std::string &path, const std::string &why) {
    errors->push_back(fmt::format("{}: {}: {}", pkg, path, why));
  };
  for (const PackageFile &f : m.files) {
    if (f.path.empty())
      continue; // "./", the root directory
    std::string dest, why;
    if (!place_in_tree(tree_, f, &dest, &why)) {
      problem(f.path, why);
      continue;
    }
    const Inode *target = nullptr;
    if (f.hardlink) {
      auto it = placed.find(f.link);
      const Entry *t = it == placed.end() ? nullptr : tree_.find(it->second);
      if (!t) {
        problem(f.path, "hardlink to '" + f.link +
                            "', which the package does not ship before it");
        continue;
      }
      target = t->inode.get();
    }
    placed[f.path] = dest;
    if (const Entry *old = tree_.find(dest); old && old->origin != pkg) {
      std::string c = clash(*old, f, target);
      bool dirs = f.type == NodeType::Dir || old->inode->type == NodeType::Dir;
      if (!c.empty() && !dirs && replaces(old->origin, pkg))
        continue; // the other package's file wins, as dpkg keeps it
      if (!c.empty() && !dirs && replaces(pkg, old->origin)) {
        tree_.remove(dest);
        add_entry(dest, f, pkg, f.hardlink ? placed[f.link] : "", errors);
        continue;
      }
      if (!c.empty()) {
        std::string where = dest == f.path ? dest : f.path + " (" + dest + ")";
        problem(where,
                fmt::format("also shipped by {}, with {}", old->origin, c));
        continue;
      }
      if (f.type != NodeType::Dir)
        continue; // the same thing is already there
    }
    add_entry(dest, f, pkg, f.hardlink ? placed[f.link] : "", errors);
  }
}

// A package's own directory that the same package then replaces by a
// non-directory (possible only in a crafted data.tar) would take everything
// below it along. dpkg refuses to overwrite another package's files; so do
// we, naming the first one found.
std::string TreeMerger::foreign_child(const std::string &dir,
                                      const std::string &pkg) const {
  std::string prefix = dir + "/";
  for (auto it = tree_.entries().lower_bound(prefix);
       it != tree_.entries().end() && it->first.starts_with(prefix); ++it)
    if (it->second.origin != pkg && !it->second.origin.starts_with("initpack:"))
      return it->first + " of " + it->second.origin;
  return "";
}

void TreeMerger::add_entry(const std::string &dest, const PackageFile &f,
                           const std::string &pkg,
                           const std::string &hardlink_target,
                           std::vector<std::string> *errors) {
  std::string why;
  if (const Entry *old = tree_.find(dest);
      f.type != NodeType::Dir && old && old->inode->type == NodeType::Dir) {
    if (std::string other = foreign_child(dest, pkg); !other.empty()) {
      errors->push_back(fmt::format(
          "{}: {}: trying to overwrite a directory holding {} with a {}", pkg,
          f.path, other, f.hardlink ? "hardlink" : type_word(f.type)));
      return;
    }
    tree_.remove(dest); // only the package's own files go
  }
  switch (f.type) {
  case NodeType::Dir:
    add_dir(dest, f, pkg);
    return;
  case NodeType::Symlink: {
    Entry &e = tree_.add_symlink(dest, f.link, pkg);
    e.inode->uid = f.uid;
    e.inode->gid = f.gid;
    return;
  }
  case NodeType::File:
    if (f.hardlink) {
      if (!tree_.add_hardlink(dest, hardlink_target, pkg, &why))
        errors->push_back(pkg + ": " + f.path + ": " + why);
      return;
    }
    break;
  default:
    break;
  }
  auto inode = std::make_shared<Inode>();
  inode->type = f.type;
  inode->mode = f.mode;
  inode->uid = f.uid;
  inode->gid = f.gid;
  inode->rdev_major = f.rdev_major;
  inode->rdev_minor = f.rdev_minor;
  if (f.type == NodeType::File)
    inode->content =
        Content::from_disk(cache_.blob_path(f.sha256), f.size, f.sha256);
  tree_.add_node(dest, std::move(inode), pkg);
}

} // namespace initpack
