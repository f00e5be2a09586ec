#include "image/extras.h"

#include "context.h"
#include "util/fs.h"

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace initpack {

static bool add_one(Tree &tree, const std::string &host_path,
                    const std::string &path, const struct stat &st,
                    const std::string &origin, std::string *err) {
  auto inode = std::make_shared<Inode>();
  inode->mode = st.st_mode & 07777;
  if (S_ISDIR(st.st_mode)) {
    // An existing directory (etc, usr/lib …) keeps its packaged mode.
    if (!tree.contains(path))
      tree.add_dir(path, inode->mode, origin);
    return true;
  }
  if (S_ISLNK(st.st_mode)) {
    std::vector<char> buf(st.st_size + 1);
    ssize_t n = readlink(host_path.c_str(), buf.data(), buf.size());
    if (n < 0) {
      *err = "cannot read link " + host_path + ": " + std::strerror(errno);
      return false;
    }
    tree.add_symlink(path, std::string(buf.data(), n), origin);
    return true;
  }
  if (S_ISREG(st.st_mode)) {
    tree.add_file(path, Content::from_disk(host_path, st.st_size), inode->mode,
                  origin);
    return true;
  }
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISFIFO(st.st_mode)) {
    inode->type = S_ISCHR(st.st_mode)   ? NodeType::CharDev
                  : S_ISBLK(st.st_mode) ? NodeType::BlockDev
                                        : NodeType::Fifo;
    inode->rdev_major = major(st.st_rdev);
    inode->rdev_minor = minor(st.st_rdev);
    tree.add_node(path, inode, origin);
    return true;
  }
  *err = host_path + ": sockets cannot be added to an image";
  return false;
}

bool add_host_tree(Tree &tree, const std::string &src, const std::string &dst,
                   const std::string &origin, std::string *err) {
  struct stat st;
  if (lstat(src.c_str(), &st) < 0) {
    *err = "cannot read " + src + ": " + std::strerror(errno);
    return false;
  }
  std::string path;
  if (!Tree::normalize(dst, &path)) {
    *err = "target " + dst + " climbs above the image root";
    return false;
  }
  if (path.empty() && !S_ISDIR(st.st_mode)) {
    *err = src + " is not a directory: it cannot be the image root";
    return false;
  }
  if (!path.empty())
    if (!add_one(tree, src, path, st, origin, err))
      return false;
  if (!S_ISDIR(st.st_mode))
    return true;
  for (const std::string &name : list_dir(src)) {
    std::string child = join_path(path, name);
    if (!add_host_tree(tree, join_path(src, name), child, origin, err))
      return false;
  }
  return true;
}

// Where a file given as an extra tree goes: "SRC" alone at its own
// (absolute) path, "SRC:DIR" inside DIR when DIR is "/", ends in "/" or is
// a directory of the image, else "SRC:DST" at DST. A file never replaces
// the image root.
static bool file_target(const Tree &tree, const std::string &src, bool has_dst,
                        const std::string &dst, std::string *out,
                        std::string *err) {
  if (!has_dst) {
    if (!src.starts_with('/')) {
      *err =
          src + " is a file: give its place in the image as " + src + ":/PATH";
      return false;
    }
    *out = src;
    return true;
  }
  std::string norm;
  if (!Tree::normalize(dst, &norm)) {
    *err = "target " + dst + " climbs above the image root";
    return false;
  }
  const Entry *e = tree.find(norm);
  bool into_dir = norm.empty() || dst.ends_with('/') ||
                  (e && e->inode->type == NodeType::Dir);
  *out = into_dir ? join_path("/" + norm, basename(src)) : dst;
  return true;
}

void add_extra_trees(Context &ctx) {
  Timer t(ctx, "extra trees");
  for (const std::string &spec : ctx.config.extra_trees) {
    // "SRC" or "SRC:DST", as mkosi's ExtraTrees=.
    size_t colon = spec.find(':');
    std::string src = spec.substr(0, colon);
    std::string dst = colon == std::string::npos ? "/" : spec.substr(colon + 1);
    std::string err;
    if (!is_directory(src) && !file_exists(src))
      Fatal(ctx) << "ExtraTrees=" << spec << ": " << src << " does not exist";
    if (!is_directory(src) &&
        !file_target(ctx.tree, src, colon != std::string::npos, dst, &dst,
                     &err))
      Fatal(ctx) << "ExtraTrees=" << spec << ": " << err;
    if (!add_host_tree(ctx.tree, src, dst, "extra:" + src, &err))
      Fatal(ctx) << "ExtraTrees=" << spec << ": " << err;
  }
}

void remove_files(Context &ctx) {
  Timer t(ctx, "remove files");
  for (const std::string &pattern : ctx.config.remove_files) {
    size_t n = ctx.tree.remove_glob(pattern);
    Log(ctx) << "RemoveFiles=" << pattern << ": " << n << " paths";
  }
}

} // namespace initpack
