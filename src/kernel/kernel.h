// Finding the kernel an image is built for: one installed on this machine
// (/lib/modules/KVER) or one unpacked from a linux-image package.
#pragma once

#include <string>
#include <vector>

namespace initpack {

struct Context;

// Fills ctx.kernel from ctx.config.kernel_version, or the newest version
// under `modules_root` when that is empty ("newest" by version comparison,
// not mtime). Fatal with a clear message when nothing is found.
void find_installed_kernel(Context &ctx,
                           const std::string &modules_root = "/lib/modules");

// Prepares a kernel unpacked from a package: `unpacked_root` holds
// lib/modules/KVER or usr/lib/modules/KVER and boot/vmlinuz-KVER. Fills
// ctx.kernel, and runs depmod there once when modules.dep.bin is missing
// (Debian's linux-image .deb ships no modules.dep; its postinst runs depmod).
void use_unpacked_kernel(Context &ctx, const std::string &unpacked_root);

// Kernel versions (directory names) under `modules_root` that hold a
// kernel, newest first.
std::vector<std::string> list_kernel_versions(const std::string &modules_root);

// <0, 0, >0 like strcmp, comparing runs of digits as numbers, so that
// 6.10.0-1-amd64 is newer than 6.9.12-amd64 and -26- newer than -9-.
int compare_kernel_versions(const std::string &a, const std::string &b);

// Runs depmod for the tree whose modules are in `modules_dir` (…/lib/modules
// /KVER) with no host configuration, so the result depends on the modules
// alone. Fatal on failure.
void run_depmod(Context &ctx, const std::string &modules_dir,
                const std::string &version);

} // namespace initpack
