// A small C++ face on libkmod, reading one kernel's modules directory (its
// depmod indexes: modules.dep.bin, modules.alias.bin, modules.softdep, …)
// with a modprobe.d configuration of our choosing, never the host's.
#pragma once

#include <memory>
#include <string>
#include <vector>

struct kmod_ctx;

namespace initpack {

struct Diagnostics;

class Kmod {
public:
  // `config_dir` holds modprobe.d files (the image's own), or is "" for
  // none. Fails when the directory has no depmod indexes.
  static std::unique_ptr<Kmod> open(Diagnostics &diag,
                                    const std::string &modules_dir,
                                    const std::string &config_dir,
                                    std::string *err);
  ~Kmod();
  Kmod(const Kmod &) = delete;
  Kmod &operator=(const Kmod &) = delete;

  // Module names an alias or name resolves to, as modprobe resolves them
  // (config aliases, modules.dep, modules.alias, built-in aliases).
  std::vector<std::string> lookup(const std::string &alias_or_name);

  struct Info {
    bool found = false;                    // modules.dep lists it
    std::string path;                      // absolute path of its file
    std::vector<std::string> dependencies; // modules.dep: all it needs
    std::vector<std::string> softdeps_pre, softdeps_post;
    std::vector<std::string> firmware; // modinfo "firmware" values
  };
  // Reads the module's file for its firmware list, so it costs one open.
  Info info(const std::string &name);

private:
  Kmod() = default;
  kmod_ctx *ctx_ = nullptr;
};

} // namespace initpack
