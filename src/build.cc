// The driver of `initpack build`: a list of passes over one Context, each a
// free function from its stage (mold-style). Reading this file top to
// bottom tells what an initpack image is made of.
#include "build.h"

#include "context.h"
#include "image/consistency.h"
#include "image/crypttab.h"
#include "image/extras.h"
#include "image/initrd_setup.h"
#include "image/microcode.h"
#include "image/prune.h"
#include "image/record_manifest.h"
#include "image/sysusers.h"
#include "image/units.h"
#include "kernel/kernel.h"
#include "kernel/modules.h"
#include "output/initrd.h"
#include "output/output.h"
#include "packages/fetch.h"
#include "packages/pool.h"
#include "packages/resolver.h"
#include "packages/unpack.h"
#include "util/fs.h"

#include <fmt/format.h>
#include <iostream>
#include <sys/stat.h>

namespace initpack {

// The kernel: installed under /lib/modules, or taken from a linux-image
// package of the archive (so a machine with no kernel can build and boot).
static void prepare_kernel(Context &ctx) {
  Timer t(ctx, "kernel");
  if (ctx.config.kernel_package.empty()) {
    find_installed_kernel(ctx);
    return;
  }
  std::vector<PackageRef> set =
      resolve_packages(ctx, {ctx.config.kernel_package});
  // linux-image-amd64 is a metapackage; the kernel is in its dependency
  // linux-image-<version>. The rest of the set (initramfs-tools …) is for
  // installed systems.
  std::vector<PackageRef> images;
  for (const PackageRef &p : set)
    if (p.name.starts_with("linux-image-") ||
        p.name == ctx.config.kernel_package)
      images.push_back(p);
  fetch_packages(ctx, images);
  for (const PackageRef &p : images) {
    std::string dir = unpack_to_directory(ctx, p);
    if (!list_kernel_versions(dir + "/usr/lib/modules").empty()) {
      use_unpacked_kernel(ctx, dir);
      ctx.kernel.package = p; // for the image manifest
      return;
    }
  }
  Fatal(ctx) << "KernelPackage=" << ctx.config.kernel_package
             << ": no package of its set ships /usr/lib/modules/VERSION";
}

// CPU microcode for the early cpio: intel-microcode and amd64-microcode,
// unpacked into a tree of their own (they are not part of the image). Only
// those two packages: their dependencies (iucode-tool) are tools for
// installed systems.
static EarlyCpio prepare_microcode(Context &ctx) {
  Timer t(ctx, "microcode");
  std::vector<PackageRef> pkgs;
  for (const PackageRef &p : resolve_packages(ctx, kMicrocodePackages))
    for (const std::string &n : kMicrocodePackages)
      if (p.name == n)
        pkgs.push_back(p);
  fetch_packages(ctx, pkgs);
  Tree tree;
  unpack_packages(ctx, pkgs, tree);
  return early_cpio(choose_microcode(ctx, tree));
}

// vmlinuz beside the initrd when the kernel came from a package, so that
// `initpack qemu` (and a boot loader entry) finds the matching kernel.
// Returns its path, or "" when none was written.
static std::string write_kernel_image(Context &ctx) {
  if (ctx.config.kernel_package.empty() || ctx.kernel.image_path.empty())
    return "";
  std::string dest = join_path(dirname(ctx.config.output), "vmlinuz");
  std::string data, err;
  if (!read_file(ctx.kernel.image_path, &data, &err) ||
      !write_file(dest, data, &err))
    Fatal(ctx) << "cannot write " << dest << ": " << err;
  return dest;
}

static void print_explanations(Context &ctx) {
  std::cout << "Packages:\n";
  for (const PackageRef &p : ctx.packages)
    std::cout << fmt::format("  {:<32} {:<24} {}\n", p.name, p.version, p.why);
  std::cout << "Kernel modules (" << ctx.kernel.version << "):\n"
            << explain_modules(ctx.modules);
}

static BuildResult result(Context &ctx,
                          std::chrono::steady_clock::time_point start) {
  BuildResult r;
  r.output = ctx.config.output;
  struct stat st;
  if (stat(r.output.c_str(), &st) == 0)
    r.bytes = st.st_size;
  r.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  return r;
}

// An extension image (Format=sysext/confext): the packages' and the extra
// trees' files only, for a system that already has its base; no kernel, no
// users or units (the system it extends has those).
static BuildResult
build_extension(Context &ctx, std::chrono::steady_clock::time_point start) {
  if (!ctx.config.packages.empty()) {
    ctx.packages = resolve_packages(ctx, ctx.config.packages);
    fetch_packages(ctx, ctx.packages);
    unpack_packages(ctx, ctx.packages);
  }
  add_extra_trees(ctx);
  remove_files(ctx);
  checkpoint(ctx); // Strict=yes
  write_image(ctx, nullptr);
  return result(ctx, start);
}

// Everything in the image, from the packages to its manifest.
static void build_tree(Context &ctx) {
  // Which kernel the image is for.
  prepare_kernel(ctx);

  // The package set: the profiles' and the config's Packages=, plus the
  // firmware packages the modules may need.
  std::vector<std::string> wanted = ctx.config.packages;
  wanted.insert(wanted.end(), ctx.config.firmware_packages.begin(),
                ctx.config.firmware_packages.end());
  ctx.packages = resolve_packages(ctx, wanted);

  // Download and unpack them into the tree.
  fetch_packages(ctx, ctx.packages);
  unpack_packages(ctx, ctx.packages);

  // Local files: profiles' trees and ExtraTrees=.
  add_extra_trees(ctx);
  // Hostonly: the host's crypttab entries for the root.
  add_host_crypttab(ctx);

  // What maintainer scripts would have done, declaratively.
  create_users(ctx);
  apply_static_tmpfiles(ctx);
  enable_units(ctx);
  setup_initrd_basics(ctx);

  // Kernel modules, their firmware and modules.*.
  add_kernel_modules(ctx);

  // Compiled databases, then pruning (RemoveFiles= drops hwdb sources;
  // Prune= what nothing runs), then the library cache of what is left.
  if (ctx.config.hwdb)
    build_hwdb(ctx);
  remove_files(ctx);
  prune_image(ctx);
  run_ldconfig(ctx);

  // Everything the image runs must be in it: interpreters, libraries,
  // units' and udev rules' programs.
  check_image_consistency(ctx);

  // What it was built from: packages, kernel, initpack, configuration.
  add_image_manifest(ctx);
}

// What build_tree made, before building it again (confirm_indexes has
// dropped the pool of the old indexes).
static void forget_pass_results(Context &ctx) {
  ctx.packages.clear();
  ctx.kernel = KernelInfo();
  ctx.modules.clear();
  ctx.tree = Tree();
  ctx.diag.error_count = 0; // the errors were the first attempt's
}

BuildResult build_image(Context &ctx) {
  auto start = std::chrono::steady_clock::now();
  // What a killed earlier run left in $TMPDIR.
  remove_stale_temp_dirs();
  check_image_format(ctx);
  if (is_extension_format(ctx.config.format))
    return build_extension(ctx, start);

  // The tree is built from the indexes in the cache while their InRelease
  // files revalidate. If the archive changed meanwhile (a mirror update),
  // the tree is built again from the new indexes, also when the first
  // attempt failed (it may have wanted a package the mirror has dropped).
  // Warnings of the first attempt then show twice.
  start_index_revalidation(ctx);
  std::string failure;
  try {
    build_tree(ctx);
  } catch (const FatalError &e) {
    failure = e.what();
  }
  if (!confirm_indexes(ctx)) {
    Log(ctx) << "the archive changed during the build; building again from "
                "its new indexes"
             << (failure.empty()
                     ? ""
                     : " (the first attempt failed: " + failure + ")");
    forget_pass_results(ctx);
    build_tree(ctx);
  } else if (!failure.empty()) {
    throw FatalError(failure);
  }

  // Strict=yes: a warning about the configuration stops here, before any
  // output is written.
  checkpoint(ctx);

  // Write the image (after the early microcode cpio, when asked).
  EarlyCpio early;
  if (ctx.config.microcode)
    early = prepare_microcode(ctx);
  write_image(ctx, ctx.config.microcode ? &early : nullptr);
  std::string vmlinuz = write_kernel_image(ctx);

  if (ctx.explain)
    print_explanations(ctx);
  BuildResult r = result(ctx, start);
  r.kernel_image = vmlinuz;
  return r;
}

} // namespace initpack
