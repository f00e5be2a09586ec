#include "kernel/kernel.h"

#include "context.h"
#include "util/fs.h"
#include "util/strings.h"
#include "util/subprocess.h"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdlib>
#include <filesystem>

namespace initpack {

int compare_kernel_versions(const std::string &a, const std::string &b) {
  // strverscmp treats leading zeros as fractions; kernel releases have none
  // that matter, but comparing digit runs by value is simpler to reason
  // about, so do that.
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (isdigit((unsigned char)a[i]) && isdigit((unsigned char)b[j])) {
      size_t i2 = i, j2 = j;
      while (i2 < a.size() && a[i2] == '0')
        i2++;
      while (j2 < b.size() && b[j2] == '0')
        j2++;
      size_t ie = i2, je = j2;
      while (ie < a.size() && isdigit((unsigned char)a[ie]))
        ie++;
      while (je < b.size() && isdigit((unsigned char)b[je]))
        je++;
      if (ie - i2 != je - j2)
        return ie - i2 < je - j2 ? -1 : 1;
      if (int c = a.compare(i2, ie - i2, b, j2, je - j2); c != 0)
        return c < 0 ? -1 : 1;
      i = ie, j = je;
      continue;
    }
    if (a[i] != b[j])
      return (unsigned char)a[i] < (unsigned char)b[j] ? -1 : 1;
    i++, j++;
  }
  if (i < a.size())
    return 1;
  return j < b.size() ? -1 : 0;
}

namespace {

// A directory under /lib/modules is a kernel only if it still has modules;
// removing a kernel package can leave an empty directory or stray files.
bool holds_kernel(const std::string &dir) {
  return is_directory(dir + "/kernel") || file_exists(dir + "/modules.builtin");
}

// "/x/lib/modules" -> "/x", "/x/usr/lib/modules" -> "/x": where boot/ is.
std::string system_root_of(const std::string &modules_root) {
  std::string r = modules_root;
  while (r.size() > 1 && r.back() == '/')
    r.pop_back();
  for (const char *suffix : {"/usr/lib/modules", "/lib/modules"}) {
    std::string s = suffix;
    if (r.size() >= s.size() &&
        r.compare(r.size() - s.size(), s.size(), s) == 0)
      return r.substr(0, r.size() - s.size());
  }
  return dirname(dirname(r));
}

std::string find_kernel_image(const std::string &root,
                              const std::string &modules_dir,
                              const std::string &version) {
  for (std::string cand :
       {modules_dir + "/vmlinuz", root + "/boot/vmlinuz-" + version}) {
    if (file_exists(cand))
      return cand;
  }
  return "";
}

std::string join_versions(const std::vector<std::string> &v) {
  return v.empty() ? "none" : join(v, ", ");
}

// libkmod reports module paths as the directory it was given plus the
// modules.dep entry; an absolute, clean directory keeps them comparable.
std::string clean_absolute(const std::string &path) {
  std::string p = std::filesystem::absolute(path).lexically_normal().string();
  while (p.size() > 1 && p.back() == '/')
    p.pop_back();
  return p;
}

std::string real_path(const std::string &path) {
  char buf[PATH_MAX];
  return realpath(path.c_str(), buf) ? std::string(buf) : path;
}

} // namespace

std::vector<std::string> list_kernel_versions(const std::string &modules_root) {
  std::vector<std::string> versions;
  for (const std::string &name : list_dir(modules_root))
    if (holds_kernel(modules_root + "/" + name))
      versions.push_back(name);
  std::sort(versions.begin(), versions.end(),
            [](const std::string &a, const std::string &b) {
              return compare_kernel_versions(a, b) > 0;
            });
  return versions;
}

void find_installed_kernel(Context &ctx, const std::string &modules_root_arg) {
  const std::string modules_root = clean_absolute(modules_root_arg);
  std::vector<std::string> versions = list_kernel_versions(modules_root);
  std::string version = ctx.config.kernel_version;
  if (version.empty()) {
    if (versions.empty())
      Fatal(ctx) << "no kernel found in " << modules_root
                 << ": install one (apt-get install linux-image-amd64), or "
                    "build with --kernel-package linux-image-amd64 to take the "
                    "kernel from the archive";
    version = versions.front();
  } else if (std::find(versions.begin(), versions.end(), version) ==
             versions.end()) {
    Fatal(ctx) << "kernel " << version
               << " (KernelVersion=) is not installed in " << modules_root
               << " (found: " << join_versions(versions)
               << "): install linux-image-" << version
               << ", or use --kernel-package to take it from the archive";
  }
  ctx.kernel.version = version;
  ctx.kernel.modules_dir = modules_root + "/" + version;
  ctx.kernel.image_path = find_kernel_image(system_root_of(modules_root),
                                            ctx.kernel.modules_dir, version);
  Log(ctx) << "kernel " << version << ": modules in " << ctx.kernel.modules_dir
           << ", image "
           << (ctx.kernel.image_path.empty() ? "not found"
                                             : ctx.kernel.image_path);
}

void use_unpacked_kernel(Context &ctx, const std::string &unpacked_root_arg) {
  const std::string unpacked_root = clean_absolute(unpacked_root_arg);
  // Trixie's packages put modules in usr/lib/modules, bookworm's in
  // lib/modules; with lib -> usr/lib both name the same directory.
  std::string modules_root;
  std::vector<std::string> versions;
  for (const char *sub : {"/usr/lib/modules", "/lib/modules"}) {
    versions = list_kernel_versions(unpacked_root + sub);
    if (!versions.empty()) {
      modules_root = unpacked_root + sub;
      break;
    }
  }
  if (versions.empty())
    Fatal(ctx) << "the unpacked kernel package in " << unpacked_root
               << " has no lib/modules/VERSION directory: is --kernel-package "
                  "a linux-image package?";
  std::string version = ctx.config.kernel_version;
  if (version.empty()) {
    version = versions.front();
    if (versions.size() > 1)
      Warn(ctx) << unpacked_root << " holds several kernels ("
                << join_versions(versions) << "); using the newest, "
                << version;
  } else if (std::find(versions.begin(), versions.end(), version) ==
             versions.end()) {
    Fatal(ctx) << "kernel " << version << " (KernelVersion=) is not in the "
               << "kernel package unpacked in " << unpacked_root << " (it has "
               << join_versions(versions) << ")";
  }
  std::string modules_dir = modules_root + "/" + version;
  std::string image = find_kernel_image(unpacked_root, modules_dir, version);
  if (image.empty())
    Fatal(ctx) << "the kernel package unpacked in " << unpacked_root
               << " has no boot/vmlinuz-" << version;
  if (!file_exists(modules_dir + "/modules.dep.bin"))
    run_depmod(ctx, modules_dir, version);
  ctx.kernel.version = version;
  ctx.kernel.modules_dir = modules_dir;
  ctx.kernel.image_path = image;
}

void run_depmod(Context &ctx, const std::string &modules_dir,
                const std::string &version) {
  std::string depmod = find_program("depmod");
  if (depmod.empty())
    Fatal(ctx) << "depmod not found: install kmod";
  // depmod -b BASE reads BASE/lib/modules/VERSION. Resolving links first
  // turns a lib -> usr/lib path into the real one, whose suffix we strip.
  std::string dir = real_path(modules_dir);
  std::string suffix = "/lib/modules/" + version;
  if (dir.size() < suffix.size() ||
      dir.compare(dir.size() - suffix.size(), suffix.size(), suffix) != 0)
    Fatal(ctx) << "cannot run depmod for " << modules_dir
               << ": it does not end in lib/modules/" << version;
  std::string base = dir.substr(0, dir.size() - suffix.size());
  // An empty configuration directory keeps the host's /etc/depmod.d out:
  // the result must depend on the modules alone.
  TempDir conf("initpack-depmod-conf");
  RunOptions opts;
  opts.timeout_seconds = 300;
  RunResult r = run_command(
      ctx.diag,
      {depmod, "-b", base.empty() ? "/" : base, "-C", conf.path(), version},
      opts);
  if (!r.ok())
    Fatal(ctx) << "depmod for " << modules_dir << " failed"
               << (r.timed_out ? " (timed out)" : "") << ": " << r.err;
}

} // namespace initpack
