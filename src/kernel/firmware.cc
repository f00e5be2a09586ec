#include "kernel/firmware.h"

#include "context.h"
#include "util/fs.h"

#include <climits>
#include <cstdlib>
#include <fnmatch.h>
#include <set>
#include <sys/stat.h>

namespace initpack {

namespace {

const std::string kFirmwareDir = "usr/lib/firmware";
// The kernel's loader tries the plain name, then compressed variants.
const char *const kSuffixes[] = {"", ".zst", ".xz"};

// Walks `path` in the tree through any symlinks, adding every entry on the
// way to *keep; true when it ends at a regular file.
bool keep_path(const Tree &tree, std::string path,
               std::set<std::string> *keep) {
  for (int hops = 0; hops < 16; hops++) {
    std::string resolved, err;
    if (!tree.resolve(path, false, &resolved, &err))
      return false;
    const Entry *e = tree.find(resolved);
    if (!e)
      return false;
    if (e->inode->type == NodeType::File) {
      keep->insert(resolved);
      return true;
    }
    if (e->inode->type != NodeType::Symlink)
      return false;
    keep->insert(resolved);
    const std::string &target = e->inode->symlink_target;
    path = target.starts_with("/") ? target.substr(1)
                                   : dirname(resolved) + "/" + target;
  }
  return false;
}

bool find_in_tree(const Tree &tree, const std::string &name,
                  std::set<std::string> *keep) {
  if (name.find_first_of("*?[") == std::string::npos) {
    for (const char *suffix : kSuffixes)
      if (keep_path(tree, kFirmwareDir + "/" + name + suffix, keep))
        return true;
    return false;
  }
  // A few modules name a pattern (a firmware family); keep every match.
  const std::string prefix = kFirmwareDir + "/";
  bool found = false;
  for (auto it = tree.entries().lower_bound(prefix);
       it != tree.entries().end() && it->first.starts_with(prefix); ++it) {
    std::string rel = it->first.substr(prefix.size());
    for (const char *suffix : kSuffixes)
      if (fnmatch((name + suffix).c_str(), rel.c_str(), 0) == 0 &&
          keep_path(tree, it->first, keep))
        found = true;
  }
  return found;
}

// The kernel's firmware search path (drivers/base/firmware_loader/main.c).
bool copy_from_host(Context &ctx, const std::string &host_dir,
                    const std::string &name, std::set<std::string> *keep) {
  const std::string &kver = ctx.kernel.version;
  for (std::string dir : {host_dir + "/updates/" + kver, host_dir + "/updates",
                          host_dir + "/" + kver, host_dir}) {
    for (const char *suffix : kSuffixes) {
      std::string path = dir + "/" + name + suffix;
      char real[PATH_MAX];
      struct stat st;
      if (!realpath(path.c_str(), real) || stat(real, &st) != 0 ||
          !S_ISREG(st.st_mode))
        continue;
      std::string dest = kFirmwareDir + "/" + name + suffix;
      ctx.tree.add_file(dest, Content::from_disk(real, st.st_size), 0644,
                        "host:" + host_dir);
      keep->insert(dest);
      return true;
    }
  }
  return false;
}

// Drops what the firmware packages brought that no chosen module names.
void prune_firmware_packages(Context &ctx, const std::set<std::string> &keep) {
  const std::set<std::string> packages(ctx.config.firmware_packages.begin(),
                                       ctx.config.firmware_packages.end());
  if (packages.empty())
    return;
  const std::string prefix = kFirmwareDir + "/";
  std::vector<std::string> drop, dirs;
  for (auto it = ctx.tree.entries().lower_bound(prefix);
       it != ctx.tree.entries().end() && it->first.starts_with(prefix); ++it) {
    const auto &[path, e] = *it;
    if (!packages.count(e.origin) || keep.count(path))
      continue;
    if (e.inode->type == NodeType::Dir) {
      dirs.push_back(path);
      continue;
    }
    std::string target, err;
    // A link to a directory may be how a kept file is reached: leave it.
    if (e.inode->type == NodeType::Symlink &&
        ctx.tree.resolve(path, true, &target, &err)) {
      const Entry *t = ctx.tree.find(target);
      if (t && t->inode->type == NodeType::Dir)
        continue;
    }
    drop.push_back(path);
  }
  for (const std::string &p : drop)
    ctx.tree.remove(p);
  // Deepest first, so a parent is empty once its children are gone.
  size_t empty_dirs = 0;
  for (auto d = dirs.rbegin(); d != dirs.rend(); ++d) {
    // "d-x" sorts between "d" and "d/x": look children up by "d/".
    auto next = ctx.tree.entries().lower_bound(*d + "/");
    if (next == ctx.tree.entries().end() || !next->first.starts_with(*d + "/"))
      empty_dirs += ctx.tree.remove(*d);
  }
  Log(ctx) << "firmware: dropped " << drop.size() << " files and " << empty_dirs
           << " directories of " << ctx.config.firmware_packages.size()
           << " firmware packages that no chosen module needs";
}

} // namespace

void add_module_firmware(Context &ctx, std::vector<ModuleChoice> &modules,
                         const std::string &host_firmware_dir) {
  std::set<std::string> keep;
  std::vector<std::string> missing;
  for (ModuleChoice &m : modules) {
    std::vector<std::string> found;
    for (const std::string &name : m.firmware) {
      if (find_in_tree(ctx.tree, name, &keep) ||
          (ctx.config.hostonly &&
           copy_from_host(ctx, host_firmware_dir, name, &keep)))
        found.push_back(name);
      else
        missing.push_back(m.name + ": " + name);
    }
    m.firmware = std::move(found);
  }
  prune_firmware_packages(ctx, keep);
  if (missing.empty())
    return;
  // Generic images name much firmware for hardware that may never be
  // there; the kernel boots without it, so this is a warning.
  const size_t shown = ctx.diag.verbose ? missing.size() : 8;
  Warn w(ctx);
  w << missing.size() << " firmware files named by the chosen modules are "
    << "not in the image (add a firmware package to FirmwarePackages= if a "
    << "device needs one):";
  for (size_t i = 0; i < missing.size() && i < shown; i++)
    w << "\n  " << missing[i];
  if (missing.size() > shown)
    w << "\n  … and " << missing.size() - shown
      << " more (--verbose lists all)";
}

} // namespace initpack
