#include "kernel/kmod.h"

#include "util/diag.h"
#include "util/fs.h"

#include <cstdarg>
#include <cstdio>
#include <libkmod.h>

namespace initpack {

namespace {

// libkmod's messages go to --verbose output, not straight to stderr.
void log_to_diag(void *data, int priority, const char *file, int line,
                 const char *fn, const char *format, va_list args) {
  auto *diag = static_cast<Diagnostics *>(data);
  if (!diag->verbose)
    return;
  char buf[1024];
  vsnprintf(buf, sizeof buf, format, args);
  std::lock_guard lock(diag->mu);
  fprintf(stderr, "libkmod: %s", buf);
}

// Frees a kmod_list of modules when the scope ends.
struct ModuleList {
  kmod_list *list = nullptr;
  ~ModuleList() { kmod_module_unref_list(list); }
  std::vector<std::string> names() const {
    std::vector<std::string> r;
    kmod_list *l;
    kmod_list_foreach(l, list) {
      kmod_module *m = kmod_module_get_module(l);
      r.push_back(kmod_module_get_name(m));
      kmod_module_unref(m);
    }
    return r;
  }
};

} // namespace

std::unique_ptr<Kmod> Kmod::open(Diagnostics &diag,
                                 const std::string &modules_dir,
                                 const std::string &config_dir,
                                 std::string *err) {
  if (!file_exists(modules_dir + "/modules.dep.bin")) {
    *err = modules_dir + " has no modules.dep.bin: run depmod for it";
    return nullptr;
  }
  // An empty path list (not NULL, which means /etc/modprobe.d and friends)
  // keeps the host's configuration out; modules.softdep is read anyway.
  const char *paths[] = {config_dir.empty() ? nullptr : config_dir.c_str(),
                         nullptr};
  std::unique_ptr<Kmod> k(new Kmod);
  k->ctx_ = kmod_new(modules_dir.c_str(), paths);
  if (!k->ctx_) {
    *err = "libkmod cannot read " + modules_dir;
    return nullptr;
  }
  kmod_set_log_fn(k->ctx_, log_to_diag, &diag);
  if (int rc = kmod_load_resources(k->ctx_); rc < 0) {
    *err = "libkmod cannot load the indexes in " + modules_dir + ": " +
           errno_string(-rc);
    return nullptr;
  }
  return k;
}

Kmod::~Kmod() {
  if (ctx_)
    kmod_unref(ctx_);
}

std::vector<std::string> Kmod::lookup(const std::string &key) {
  ModuleList found;
  if (kmod_module_new_from_lookup(ctx_, key.c_str(), &found.list) < 0)
    return {};
  return found.names();
}

Kmod::Info Kmod::info(const std::string &name) {
  Info info;
  kmod_module *mod = nullptr;
  if (kmod_module_new_from_name(ctx_, name.c_str(), &mod) < 0)
    return info;
  const char *path = kmod_module_get_path(mod);
  if (!path) {
    kmod_module_unref(mod);
    return info;
  }
  info.found = true;
  info.path = path;
  ModuleList deps{kmod_module_get_dependencies(mod)};
  info.dependencies = deps.names();
  ModuleList pre, post;
  if (kmod_module_get_softdeps(mod, &pre.list, &post.list) == 0) {
    info.softdeps_pre = pre.names();
    info.softdeps_post = post.names();
  }
  kmod_list *modinfo = nullptr;
  if (kmod_module_get_info(mod, &modinfo) >= 0) {
    kmod_list *l;
    kmod_list_foreach(l, modinfo) {
      if (std::string(kmod_module_info_get_key(l)) == "firmware")
        info.firmware.push_back(kmod_module_info_get_value(l));
    }
    kmod_module_info_free_list(modinfo);
  }
  kmod_module_unref(mod);
  return info;
}

} // namespace initpack
