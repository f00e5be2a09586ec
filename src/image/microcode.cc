#include "image/microcode.h"
#include "util/strings.h"

#include "context.h"
#include "packages/fetch.h"
#include "packages/resolver.h"
#include "packages/unpack.h"
#include "util/fs.h"

#include <fmt/format.h>
#include <functional>

namespace initpack {

// Every regular file below `dir` (whose name passes `want`), in path order,
// concatenated: the early loader scans the blob for the matching CPU.
static std::string
concat_files(const Tree &tree, const std::string &dir,
             const std::function<bool(const std::string &)> &want) {
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

bool parse_cpuinfo(const std::string &text, CpuId *out) {
  bool vendor = false, family = false, model = false;
  // The first processor's block is enough: all cores are the same model.
  for (std::string_view raw : split_lines(text)) {
    std::string line(raw);
    if (line.empty() && vendor)
      break;
    size_t colon = line.find(':');
    if (colon == std::string::npos || colon == 0)
      continue;
    std::string key = line.substr(0, colon);
    key.erase(key.find_last_not_of(" \t") + 1);
    std::string value = colon + 2 <= line.size() ? line.substr(colon + 2) : "";
    try {
      if (key == "vendor_id")
        out->vendor = value, vendor = true;
      else if (key == "cpu family")
        out->family = std::stoi(value), family = true;
      else if (key == "model")
        out->model = std::stoi(value), model = true;
      else if (key == "stepping")
        out->stepping = std::stoi(value);
    } catch (const std::exception &) {
      return false;
    }
  }
  return vendor && family && model;
}

EarlyCpio microcode_cpio(const Tree &tree, const CpuId *cpu) {
  // Hostonly names one file per vendor: Intel's by family-model-stepping,
  // AMD's container by family (one file for all families before 0x15).
  std::string intel_file, amd_file;
  if (cpu) {
    intel_file = fmt::format("/{:02x}-{:02x}-{:02x}", cpu->family, cpu->model,
                             cpu->stepping);
    amd_file = cpu->family >= 0x15
                   ? fmt::format("/microcode_amd_fam{:02x}h.bin", cpu->family)
                   : "/microcode_amd.bin";
  }
  std::string intel, amd;
  if (!cpu || cpu->vendor == "GenuineIntel")
    intel = concat_files(
        tree, "usr/lib/firmware/intel-ucode",
        [&](const std::string &p) { return !cpu || p.ends_with(intel_file); });
  // amd64-microcode also ships signatures and README files; the loader
  // wants the microcode_amd*.bin containers only.
  if (!cpu || cpu->vendor == "AuthenticAMD")
    amd = concat_files(tree, "usr/lib/firmware/amd-ucode",
                       [&](const std::string &p) {
                         if (cpu)
                           return p.ends_with(amd_file);
                         return p.find("/microcode_amd") != std::string::npos &&
                                p.ends_with(".bin");
                       });
  EarlyCpio early;
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
  if (!ctx.config.hostonly) {
    EarlyCpio early = microcode_cpio(tree);
    if (early.files.empty())
      Fatal(ctx) << "Microcode=yes: intel-microcode and amd64-microcode hold "
                    "no microcode files";
    return early;
  }
  // Hostonly: this processor's microcode only.
  std::string cpuinfo, err;
  CpuId cpu;
  std::string path = ctx.config.proc_root + "/cpuinfo";
  if (!read_file(path, &cpuinfo, &err) || !parse_cpuinfo(cpuinfo, &cpu))
    Fatal(ctx) << "Microcode=yes with hostonly: cannot read the processor "
                  "from "
               << path << (err.empty() ? "" : ": " + err);
  EarlyCpio early = microcode_cpio(tree, &cpu);
  if (early.files.empty())
    Warn(ctx) << "Microcode=yes: no microcode for this processor ("
              << cpu.vendor
              << fmt::format(" family {:#x} model {:#x}", cpu.family, cpu.model)
              << "); the image has none";
  return early;
}

} // namespace initpack
