// The kernel-module pass: chooses the modules an initrd needs, closes the
// choice over dependencies and softdeps with libkmod, finds their firmware,
// regenerates modules.* with depmod for the subset, and adds it all to
// ctx.tree under usr/lib/modules/KVER/.
//
// What is chosen follows mkosi's KernelModulesInclude= /
// KernelModulesExclude= / KernelModulesIncludeHost= (see module_rules.h for
// the rule syntax and the exact precedence).
#pragma once

#include <string>
#include <vector>

namespace initpack {

struct Context;
struct ModuleChoice;

// Chooses the modules for the image and adds them, their firmware and
// regenerated modules.* (depmod on the subset) to ctx.tree under
// usr/lib/modules/KVER/ (merged /usr: the tree has lib -> usr/lib).
// Fills ctx.modules, sorted by name.
void add_kernel_modules(Context &ctx);

// The same, with the host's firmware directory named (tests); hostonly mode
// copies firmware from there when no firmware package provides it.
void add_kernel_modules(Context &ctx, const std::string &host_firmware_dir);

// "name  path  why" lines for --explain, one module a line.
std::string explain_modules(const std::vector<ModuleChoice> &modules);

} // namespace initpack
