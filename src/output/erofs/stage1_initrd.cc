// The first-stage initrd's contents (image.h): initpack-stage1 as /init,
// the kernel modules it must load itself, in an order that satisfies
// their dependencies, and /.stage1/stage1.conf.
#include "output/erofs/image.h"

#include "codec/decompress.h"
#include "context.h"
#include "kernel/kmod.h"
#include "kernel/module_select.h"
#include "stage1/stage1.h"
#include "util/fs.h"
#include "util/install_dirs.h"

#include <cstdlib>
#include <cstring>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace initpack {

namespace {

// Every module stage 1 loads, dependencies (and softdep "pre" modules)
// before their users, built-in ones left out.
class ModuleOrder {
public:
  ModuleOrder(Context &ctx, Kmod &kmod, const ModuleUniverse &u)
      : ctx_(ctx), kmod_(kmod), u_(u) {}

  void add(const std::string &name, const std::string &why) {
    std::vector<std::string> names = kmod_.lookup(name);
    if (names.empty() && !u_.builtin.count(name))
      Error(ctx_) << why << ": no kernel module " << name << " in "
                  << u_.modules_dir;
    for (const std::string &n : names)
      visit(n);
  }
  const std::vector<std::string> &paths() const { return paths_; }

private:
  void visit(const std::string &name) {
    if (!seen_.insert(name).second || u_.builtin.count(name))
      return;
    Kmod::Info info = kmod_.info(name);
    if (!info.found) {
      Error(ctx_) << "kernel module " << name << " is not in "
                  << u_.modules_dir;
      return;
    }
    for (const std::string &d : info.softdeps_pre)
      visit(d);
    for (const std::string &d : info.dependencies)
      visit(d);
    paths_.push_back(info.path);
    for (const std::string &d : info.softdeps_post)
      visit(d);
  }

  Context &ctx_;
  Kmod &kmod_;
  const ModuleUniverse &u_;
  std::set<std::string> seen_;
  std::vector<std::string> paths_;
};

std::vector<std::string> stage1_module_paths(Context &ctx) {
  std::string err;
  ModuleUniverse u;
  if (!scan_module_universe(ctx.kernel.modules_dir, &u, &err))
    Fatal(ctx) << err;
  std::unique_ptr<Kmod> kmod =
      Kmod::open(ctx.diag, ctx.kernel.modules_dir, "", &err);
  if (!kmod)
    Fatal(ctx) << err;
  ModuleOrder order(ctx, *kmod, u);
  // The storage driver comes first, so its disks are being probed while
  // the rest loads. Without Stage1Modules=: what initpack qemu's disks
  // need, and nothing when the image comes inside the initrd.
  const std::string &loc = ctx.config.stage2_location;
  std::vector<std::string> storage = ctx.config.stage1_modules;
  if (storage.empty() && loc != "initrd")
    storage = {"virtio_pci", "virtio_blk"};
  for (const std::string &m : storage)
    order.add(m, "Stage1Modules=");
  order.add("erofs", "stage 1");
  if (ctx.config.verity)
    order.add("dm-verity", "stage 1 (Verity=)");
  if (loc == "initrd" || loc.find(":/") != std::string::npos)
    order.add("loop", "stage 1 (Stage2Location=" + loc + ")");
  checkpoint(ctx);
  return order.paths();
}

// The module file as the kernel's finit_module() in 6.1 takes it:
// uncompressed (compressed files need 6.4's MODULE_INIT_COMPRESSED_FILE).
std::shared_ptr<const Content>
module_content(Context &ctx, const std::string &path, std::string *name) {
  std::string file = basename(path);
  for (const char *ext : {".xz", ".zst", ".gz"})
    if (file.ends_with(ext))
      file.resize(file.size() - strlen(ext));
  *name = file;
  struct stat st;
  if (stat(path.c_str(), &st) != 0)
    Fatal(ctx) << "cannot read kernel module " << path << ": "
               << errno_string();
  if (file == basename(path))
    return Content::from_disk(path, uint64_t(st.st_size));
  std::string data, out, err;
  StreamInfo info;
  if (!read_file(path, &data, &err) ||
      !decompress_stream(
          detect_stream(data), data,
          [&](const char *p, size_t n, std::string *) {
            out.append(p, n);
            return true;
          },
          &info, &err))
    Fatal(ctx) << "cannot decompress kernel module " << path << ": " << err;
  return Content::from_bytes(std::move(out));
}

} // namespace

std::string find_stage1_binary(Context &ctx) {
  std::vector<std::string> candidates;
  if (const char *env = getenv("INITPACK_STAGE1"); env && *env)
    candidates.push_back(env);
  // Beside the binary in a build tree; in PREFIX/lib/initpack installed.
  candidates.push_back(join_path(self_dir(), "initpack-stage1"));
  candidates.push_back(installed_path("lib/initpack/initpack-stage1"));
  for (const std::string &c : candidates)
    if (file_exists(c) && access(c.c_str(), X_OK) == 0)
      return c;
  Fatal(ctx) << "Stage1=: initpack-stage1 not found (looked at "
             << candidates.front() << " and " << candidates.back()
             << "; $INITPACK_STAGE1 names another)";
  return "";
}

Tree stage1_tree(Context &ctx, const std::string &roothash,
                 const std::string &embedded_image) {
  Tree t;
  const std::string origin = "initpack:stage1";
  for (const char *dir : {"dev", "proc", "sys", "run", ".stage1"})
    t.add_dir(dir, 0755, origin);
  t.add_dir(".stage1/modules", 0700, origin);

  std::string binary = find_stage1_binary(ctx);
  struct stat st;
  if (stat(binary.c_str(), &st) != 0)
    Fatal(ctx) << binary << ": " << errno_string();
  t.add_file("init", Content::from_disk(binary, uint64_t(st.st_size)), 0755,
             origin);

  stage1::Config conf;
  conf.location = ctx.config.stage2_location;
  conf.roothash = roothash;
  for (const std::string &path : stage1_module_paths(ctx)) {
    std::string name;
    auto content = module_content(ctx, path, &name);
    t.add_file(".stage1/modules/" + name, content, 0600, origin);
    conf.modules.push_back(name);
  }
  t.add_file(".stage1/stage1.conf",
             Content::from_bytes(stage1::format_config(conf)), 0600, origin);

  if (!embedded_image.empty()) {
    if (stat(embedded_image.c_str(), &st) != 0)
      Fatal(ctx) << embedded_image << ": " << errno_string();
    t.add_file(".stage1/stage2.img",
               Content::from_disk(embedded_image, uint64_t(st.st_size)), 0400,
               origin);
  }
  return t;
}

} // namespace initpack
