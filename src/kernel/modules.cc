#include "kernel/modules.h"

#include "context.h"
#include "kernel/firmware.h"
#include "kernel/host_devices.h"
#include "kernel/kernel.h"
#include "kernel/kmod.h"
#include "kernel/module_rules.h"
#include "kernel/module_select.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/parallel.h"
#include "util/strings.h"
#include "util/subprocess.h"
#include "util/timer.h"
#include "util/verified_file.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cstdlib>
#include <map>
#include <optional>
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

// The kernel's files beside the modules that depmod reads and the image
// keeps as they are.
const char *const kLinkedInputs[] = {"modules.builtin",
                                     "modules.builtin.modinfo"};

// depmod's outputs depend only on the module files, the image's
// modules.order, the kernel's builtin lists and depmod itself. Their hash
// names the cache entry (CACHE/derived/depmod-KEY), so a warm build runs
// no depmod; the modules are hashed by content, not trusted by name.
std::string depmod_key(Context &ctx, const std::string &src,
                       const std::vector<ModuleChoice> &modules,
                       const std::optional<std::string> &order) {
  std::vector<std::string> paths;
  for (const ModuleChoice &m : modules)
    paths.push_back(m.path);
  std::sort(paths.begin(), paths.end());
  std::vector<std::string> shas(paths.size());
  std::vector<std::string> errs(paths.size());
  parallel_for(paths.size(), [&](size_t i) {
    sha256_file(src + "/" + paths[i], &shas[i], &errs[i]);
  });
  Sha256 h;
  h.update("depmod-v1\n" + ctx.kernel.version + "\n");
  std::string sha, err;
  std::string depmod = find_program("depmod");
  if (!depmod.empty() && sha256_file(depmod, &sha, &err))
    h.update("depmod " + sha + "\n");
  for (size_t i = 0; i < paths.size(); i++) {
    if (!errs[i].empty())
      Fatal(ctx) << "cannot read " << src << "/" << paths[i] << ": " << errs[i];
    h.update(paths[i] + " " + shas[i] + "\n");
  }
  if (order)
    h.update("modules.order\n" + *order);
  for (const char *f : kLinkedInputs)
    if (sha256_file(src + "/" + f, &sha, &err))
      h.update(std::string(f) + " " + sha + "\n");
  return h.hex();
}

// depmod's outputs in one cache file: "NAME SIZE\n" then SIZE bytes, each.
std::string pack_outputs(const std::map<std::string, std::string> &files) {
  std::string out;
  for (const auto &[name, bytes] : files)
    out += name + " " + std::to_string(bytes.size()) + "\n" + bytes;
  return out;
}

bool unpack_outputs(std::string_view data,
                    std::map<std::string, std::string> *files) {
  while (!data.empty()) {
    size_t nl = data.find('\n'), sp = data.find(' ');
    if (nl == std::string_view::npos || sp > nl)
      return false;
    std::string name(data.substr(0, sp));
    size_t size = 0;
    std::string_view digits = data.substr(sp + 1, nl - sp - 1);
    auto [end, ec] =
        std::from_chars(digits.data(), digits.data() + digits.size(), size);
    if (ec != std::errc() || end != digits.data() + digits.size() ||
        size > data.size() - nl - 1)
      return false;
    (*files)[name] = std::string(data.substr(nl + 1, size));
    data.remove_prefix(nl + 1 + size);
  }
  return !files->empty();
}

// Lays the chosen modules out as lib/modules/KVER in a temporary directory
// (symlinks to the originals: depmod follows them), runs depmod there, and
// returns the files it wrote (and the image's modules.order), by name.
std::map<std::string, std::string>
run_depmod_on(Context &ctx, const std::string &src,
              const std::vector<ModuleChoice> &modules,
              const std::optional<std::string> &order) {
  const std::string &kver = ctx.kernel.version;
  TempDir tmp("initpack-modules");
  if (ctx.keep_temp)
    tmp.keep();
  const std::string base = tmp.path() + "/lib/modules/" + kver;
  std::string err;
  for (const ModuleChoice &m : modules) {
    std::string dest = base + "/" + m.path;
    if (!mkdir_p(dirname(dest), &err))
      Fatal(ctx) << "cannot create " << dirname(dest) << ": " << err;
    if (symlink((src + "/" + m.path).c_str(), dest.c_str()) != 0)
      Fatal(ctx) << "cannot link " << dest << ": " << errno_string();
  }
  if (!mkdir_p(base, &err) ||
      (order && !write_file(base + "/modules.order", *order, &err)))
    Fatal(ctx) << "cannot write " << base << "/modules.order: " << err;
  for (const char *f : kLinkedInputs)
    if (file_exists(src + "/" + f) &&
        symlink((src + "/" + f).c_str(), (base + "/" + f).c_str()) != 0)
      Fatal(ctx) << "cannot link " << base << "/" << f << ": "
                 << errno_string();
  run_depmod(ctx, base, kver);
  // The temporary directory goes away: read depmod's output into memory.
  std::map<std::string, std::string> out;
  for (const std::string &name : list_dir(base)) {
    std::string path = base + "/" + name;
    struct stat st;
    if (!name.starts_with("modules.") || lstat(path.c_str(), &st) != 0 ||
        !S_ISREG(st.st_mode))
      continue;
    if (!read_file(path, &out[name], &err))
      Fatal(ctx) << "cannot read " << path << ": " << err;
  }
  return out;
}

// Adds the chosen modules and their modules.* files to the tree: depmod's
// output from the cache when the same inputs were seen before, else from
// a depmod run.
void install_modules(Context &ctx, const std::vector<ModuleChoice> &modules) {
  Timer timer(ctx, "depmod");
  const std::string &kver = ctx.kernel.version;
  const std::string src = absolute(ctx.kernel.modules_dir);
  std::set<std::string> names;
  for (const ModuleChoice &m : modules)
    names.insert(m.name);
  std::string text, err;
  std::optional<std::string> order;
  if (read_file(src + "/modules.order", &text, &err))
    order = filter_modules_order(text, names);

  std::string cached = cache_root(ctx) + "/derived/depmod-" +
                       depmod_key(ctx, src, modules, order);
  CachedOutput out = cached_or_made(cached, [&] {
    return pack_outputs(run_depmod_on(ctx, src, modules, order));
  });
  if (!out.damaged.empty())
    Warn(ctx) << cached << ": " << out.damaged << "; running depmod again";
  if (out.from_cache)
    Log(ctx) << "depmod: cached " << cached;
  else if (out.store_error.empty())
    Log(ctx) << "depmod: output cached as " << cached;
  else
    Warn(ctx) << "cannot cache depmod's output: " << out.store_error;
  // Written by pack_outputs and verified: the entry cannot be malformed
  // unless both its files were rewritten alike.
  std::map<std::string, std::string> outputs;
  if (!unpack_outputs(out.data, &outputs))
    Fatal(ctx) << cached << ": not depmod's output as initpack stores it; "
               << "remove it and its .sha256";

  const std::string tree_dir = "usr/lib/modules/" + kver;
  ctx.tree.remove(tree_dir);
  ctx.tree.add_dir(tree_dir, 0755, kOrigin);
  auto add_from_disk = [&](const std::string &from, const std::string &to) {
    struct stat st;
    if (stat(from.c_str(), &st) != 0)
      Fatal(ctx) << "cannot stat " << from << ": " << errno_string();
    ctx.tree.add_file(to, Content::from_disk(from, st.st_size), 0644, kOrigin);
  };
  for (const ModuleChoice &m : modules)
    add_from_disk(src + "/" + m.path, tree_dir + "/" + m.path);
  for (const char *f : kLinkedInputs)
    if (file_exists(src + "/" + f))
      add_from_disk(src + "/" + f, tree_dir + "/" + f);
  for (auto &[name, bytes] : outputs)
    ctx.tree.add_file(tree_dir + "/" + name, Content::from_bytes(bytes), 0644,
                      kOrigin);
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
