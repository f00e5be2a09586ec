#include "image/microcode.h"

#include "context.h"
#include "packages/fetch.h"
#include "packages/resolver.h"
#include "packages/unpack.h"

namespace initpack {

// Every regular file below `dir` (whose name passes `want`), in path order,
// concatenated: the early loader scans the blob for the matching CPU.
static std::string concat_files(const Tree &tree, const std::string &dir,
                                bool (*want)(const std::string &)) {
  std::string out, err;
  std::string prefix = dir + "/";
  for (auto it = tree.entries().lower_bound(prefix);
       it != tree.entries().end() && it->first.starts_with(prefix); ++it) {
    const Inode &ino = *it->second.inode;
    if (ino.type != NodeType::File || !want(it->first))
      continue;
    std::string data;
    if (!ino.content->read(&data, &err))
      throw FatalError("microcode: " + err);
    out += data;
  }
  return out;
}

EarlyCpio microcode_cpio(const Tree &tree) {
  EarlyCpio early;
  std::string intel = concat_files(tree, "usr/lib/firmware/intel-ucode",
                                   [](const std::string &) { return true; });
  // amd64-microcode also ships signatures and README files; the loader
  // wants the microcode_amd*.bin containers only.
  std::string amd = concat_files(
      tree, "usr/lib/firmware/amd-ucode", [](const std::string &p) {
        return p.find("/microcode_amd") != std::string::npos &&
               p.ends_with(".bin");
      });
  if (!amd.empty())
    early.files.push_back(
        {"kernel/x86/microcode/AuthenticAMD.bin", std::move(amd), 0100644});
  if (!intel.empty())
    early.files.push_back(
        {"kernel/x86/microcode/GenuineIntel.bin", std::move(intel), 0100644});
  return early;
}

EarlyCpio prepare_microcode(Context &ctx) {
  Timer t(ctx, "microcode");
  const std::vector<std::string> names = {"intel-microcode", "amd64-microcode"};
  std::vector<PackageRef> all = resolve_packages(ctx, names);
  // Only the microcode packages themselves; their dependencies (iucode-tool)
  // are tools for installed systems.
  std::vector<PackageRef> pkgs;
  for (const PackageRef &p : all)
    for (const std::string &n : names)
      if (p.name == n)
        pkgs.push_back(p);
  fetch_packages(ctx, pkgs);
  Tree tree;
  unpack_packages(ctx, pkgs, tree);
  EarlyCpio early = microcode_cpio(tree);
  if (early.files.empty())
    Fatal(ctx) << "Microcode=yes: intel-microcode and amd64-microcode hold no "
                  "microcode files";
  return early;
}

} // namespace initpack
