// Choosing modules: the include/exclude rules and the host's devices pick
// seeds; libkmod closes the seeds over dependencies and softdeps.
#pragma once

#include "context.h"
#include "kernel/host_devices.h"

#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace initpack {

struct Context;
class Kmod;

// The module files of one kernel and its built-in modules.
struct ModuleUniverse {
  struct File {
    std::string name;       // "virtio_blk"
    std::string relpath;    // "kernel/drivers/block/virtio_blk.ko"
    std::string match_path; // "drivers/block/virtio_blk.ko"
  };
  std::string modules_dir;
  std::vector<File> files;                         // sorted by relpath
  std::unordered_map<std::string, size_t> by_name; // name -> files index
  std::set<std::string> builtin;   // names, from modules.builtin
  std::vector<File> builtin_files; // the same with paths, for regex rules
};

// Walks `modules_dir` for *.ko, *.ko.xz, *.ko.zst, *.ko.gz and reads
// modules.builtin. Fails only when the directory cannot be read.
bool scan_module_universe(const std::string &modules_dir, ModuleUniverse *out,
                          std::string *err);

struct ModuleSeed {
  std::string name;
  std::string why;
};

// Applies ctx.config.kernel_modules_include / _exclude (and hostonly) to
// the universe. `host` is what scan_host_devices() found; it is used only
// in hostonly mode or for a "host" rule. Reports rules that match nothing
// with Error(ctx) (explicit rules) or Log(ctx) (default-list rules).
std::vector<ModuleSeed>
select_modules(Context &ctx, const ModuleUniverse &u, Kmod &kmod,
               const std::vector<HostModuleRequest> &host);

// Whether the configuration asks for the host's modules at all.
bool wants_host_modules(const Context &ctx);

// The seeds plus everything they need (modules.dep) and want loaded with
// them (softdep pre/post), recursively. Built-in modules are satisfied
// without a file and left out. Sorted by name; `firmware` holds the
// modinfo firmware names, not yet looked up.
std::vector<ModuleChoice>
close_over_dependencies(Context &ctx, const ModuleUniverse &u, Kmod &kmod,
                        const std::vector<ModuleSeed> &seeds);

} // namespace initpack
