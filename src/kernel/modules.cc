#include "kernel/modules.h"

#include "context.h"
#include "kernel/firmware.h"
#include "kernel/host_devices.h"
#include "kernel/kernel.h"
#include "kernel/kmod.h"
#include "kernel/module_rules.h"
#include "kernel/module_select.h"
#include "util/fs.h"

#include <climits>
#include <cstdlib>
#include <map>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace initpack {

namespace {

const char *const kOrigin = "initpack:kernel";

// The image's own modprobe.d files (aliases, softdeps, blacklists that its
// packages ship) go to libkmod; the build host's never do. /etc overrides
// /usr/lib by file name, and a link to /dev/null masks, as in modprobe.d(5).
bool write_image_modprobe_config(Context &ctx, const std::string &dir) {
  std::map<std::string, std::string> files;
  for (const char *confdir : {"usr/lib/modprobe.d", "etc/modprobe.d"}) {
    std::string resolved, err;
    if (!ctx.tree.resolve(confdir, true, &resolved, &err))
      continue;
    const std::string prefix = resolved + "/";
    for (auto it = ctx.tree.entries().lower_bound(prefix);
         it != ctx.tree.entries().end() && it->first.starts_with(prefix);
         ++it) {
      std::string name = it->first.substr(prefix.size());
      if (name.find('/') != std::string::npos || !name.ends_with(".conf"))
        continue;
      std::string target;
      const Entry *e = ctx.tree.resolve(it->first, true, &target, &err)
                           ? ctx.tree.find(target)
                           : nullptr;
      std::string text;
      if (e && e->inode->type == NodeType::File && e->inode->content &&
          e->inode->content->read(&text, &err))
        files[name] = std::move(text);
      else
        files.erase(name); // masked (/dev/null) or unreadable
    }
  }
  for (const auto &[name, text] : files) {
    std::string err;
    if (!write_file(dir + "/" + name, text, &err))
      Fatal(ctx) << "cannot write " << dir << "/" << name << ": " << err;
  }
  return !files.empty();
}

std::string absolute(const std::string &path) {
  char buf[PATH_MAX];
  return realpath(path.c_str(), buf) ? std::string(buf) : path;
}

// modules.order lists every module of the kernel; the image's lists the
// chosen ones, in the kernel's order.
std::string filter_modules_order(const std::string &order,
                                 const std::set<std::string> &names) {
  std::istringstream in(order);
  std::string line, out, name, match;
  while (std::getline(in, line))
    if (module_file_names(line, &name, &match) && names.count(name))
      out += line + "\n";
  return out;
}

// Lays the chosen modules out as lib/modules/KVER in a temporary directory
// (symlinks to the originals: depmod follows them), runs depmod there, and
// adds the modules and the fresh modules.* files to the tree.
void install_modules(Context &ctx, const std::vector<ModuleChoice> &modules) {
  Timer timer(ctx, "depmod");
  const std::string &kver = ctx.kernel.version;
  const std::string src = absolute(ctx.kernel.modules_dir);
  TempDir tmp("initpack-modules");
  if (ctx.keep_temp)
    tmp.keep();
  const std::string base = tmp.path() + "/lib/modules/" + kver;
  std::string err;
  if (!mkdir_p(base, &err))
    Fatal(ctx) << "cannot create " << base << ": " << err;
  std::set<std::string> names;
  for (const ModuleChoice &m : modules) {
    std::string dest = base + "/" + m.path;
    if (!mkdir_p(dirname(dest), &err))
      Fatal(ctx) << "cannot create " << dirname(dest) << ": " << err;
    if (symlink((src + "/" + m.path).c_str(), dest.c_str()) != 0)
      Fatal(ctx) << "cannot link " << dest << ": " << errno_string();
    names.insert(m.name);
  }
  std::string order;
  if (read_file(src + "/modules.order", &order, &err) &&
      !write_file(base + "/modules.order", filter_modules_order(order, names),
                  &err))
    Fatal(ctx) << "cannot write " << base << "/modules.order: " << err;
  for (const char *f : {"modules.builtin", "modules.builtin.modinfo"})
    if (file_exists(src + "/" + f) &&
        symlink((src + "/" + f).c_str(), (base + "/" + f).c_str()) != 0)
      Fatal(ctx) << "cannot link " << base << "/" << f << ": "
                 << errno_string();
  run_depmod(ctx, base, kver);

  const std::string tree_dir = "usr/lib/modules/" + kver;
  ctx.tree.remove(tree_dir);
  ctx.tree.add_dir(tree_dir, 0755, kOrigin);
  for (const ModuleChoice &m : modules) {
    struct stat st;
    std::string path = src + "/" + m.path;
    if (stat(path.c_str(), &st) != 0)
      Fatal(ctx) << "cannot stat " << path << ": " << errno_string();
    ctx.tree.add_file(tree_dir + "/" + m.path,
                      Content::from_disk(path, st.st_size), 0644, kOrigin);
  }
  // depmod's output lives in the temporary directory, which goes away:
  // read it into memory. The linked inputs are taken from the source.
  for (const std::string &name : list_dir(base)) {
    if (!name.starts_with("modules."))
      continue;
    std::string path = base + "/" + name;
    struct stat st;
    if (lstat(path.c_str(), &st) != 0)
      continue;
    if (S_ISLNK(st.st_mode)) {
      std::string orig = src + "/" + name;
      if (stat(orig.c_str(), &st) == 0)
        ctx.tree.add_file(tree_dir + "/" + name,
                          Content::from_disk(orig, st.st_size), 0644, kOrigin);
      continue;
    }
    std::string bytes;
    if (!read_file(path, &bytes, &err))
      Fatal(ctx) << "cannot read " << path << ": " << err;
    ctx.tree.add_file(tree_dir + "/" + name, Content::from_bytes(bytes), 0644,
                      kOrigin);
  }
}

// KernelModulesLoad=: the names systemd-modules-load.service loads at boot,
// in the order given, once each; only those that are modules in the image
// (a built-in one is loaded already, a missing one was reported).
void write_modules_load(Context &ctx, const std::vector<ModuleChoice> &chosen) {
  std::set<std::string> in_image;
  for (const ModuleChoice &m : chosen)
    in_image.insert(m.name);
  std::string text = "# KernelModulesLoad= (initpack)\n";
  std::set<std::string> listed;
  for (const std::string &name : ctx.config.kernel_modules_load) {
    std::string n = normalize_module_name(name);
    if (in_image.count(n) && listed.insert(n).second)
      text += n + "\n";
  }
  if (listed.empty())
    return;
  ctx.tree.add_file("etc/modules-load.d/initpack.conf",
                    Content::from_bytes(text), 0644, kOrigin);
}

} // namespace

void add_kernel_modules(Context &ctx) {
  add_kernel_modules(ctx, "/lib/firmware");
}

void add_kernel_modules(Context &ctx, const std::string &host_firmware_dir) {
  Timer timer(ctx, "kernel modules");
  if (ctx.kernel.modules_dir.empty())
    Fatal(ctx) << "no kernel chosen before the kernel module pass";
  ModuleUniverse universe;
  std::string err;
  {
    Timer t(ctx, "scan modules");
    if (!scan_module_universe(ctx.kernel.modules_dir, &universe, &err))
      Fatal(ctx) << err;
  }

  TempDir conf("initpack-modprobe.d");
  std::string conf_dir =
      write_image_modprobe_config(ctx, conf.path()) ? conf.path() : "";
  std::unique_ptr<Kmod> kmod =
      Kmod::open(ctx.diag, ctx.kernel.modules_dir, conf_dir, &err);
  if (!kmod)
    Fatal(ctx) << err;

  std::vector<HostModuleRequest> host;
  if (wants_host_modules(ctx)) {
    Timer t(ctx, "host devices");
    std::vector<std::string> notes;
    host =
        scan_host_devices(ctx.config.sysfs_root, ctx.config.proc_root, &notes);
    for (const std::string &n : notes)
      Log(ctx) << "hostonly: " << n;
  }

  std::vector<ModuleSeed> seeds;
  std::vector<ModuleChoice> chosen;
  {
    Timer t(ctx, "select and close");
    seeds = select_modules(ctx, universe, *kmod, host);
    chosen = close_over_dependencies(ctx, universe, *kmod, seeds);
  }
  if (chosen.empty())
    Warn(ctx) << "no kernel modules chosen for " << ctx.kernel.version
              << ": the image relies on built-in drivers alone";
  add_module_firmware(ctx, chosen, host_firmware_dir);
  install_modules(ctx, chosen);
  write_modules_load(ctx, chosen);
  Log(ctx) << "kernel modules: " << chosen.size() << " of "
           << universe.files.size() << " (" << seeds.size() << " chosen, the "
           << "rest needed by them)";
  ctx.modules = std::move(chosen);
}

std::string explain_modules(const std::vector<ModuleChoice> &modules) {
  std::ostringstream out;
  for (const ModuleChoice &m : modules) {
    out << m.name;
    for (size_t i = m.name.size(); i < 24; i++)
      out << ' ';
    out << ' ' << m.why;
    if (!m.firmware.empty()) {
      out << " [firmware:";
      for (const std::string &f : m.firmware)
        out << ' ' << f;
      out << ']';
    }
    out << '\n';
  }
  return out.str();
}

} // namespace initpack
