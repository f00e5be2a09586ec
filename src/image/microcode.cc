#include "image/microcode.h"
#include "util/strings.h"

#include "context.h"
#include "util/fs.h"

#include <fmt/format.h>
#include <functional>

namespace initpack {

// Every regular file below `dir` (whose name passes `want`), in path order,
// concatenated: the early loader scans the blob for the matching CPU.
static bool concat_files(const Tree &tree, const std::string &dir,
                         const std::function<bool(const std::string &)> &want,
                         std::string *out, std::string *err) {
  std::string prefix = dir + "/";
  for (auto it = tree.entries().lower_bound(prefix);
       it != tree.entries().end() && it->first.starts_with(prefix); ++it) {
    const Inode &ino = *it->second.inode;
    if (ino.type != NodeType::File || !want(it->first))
      continue;
    std::string data;
    if (!ino.content->read(&data, err))
      return false;
    *out += data;
  }
  return true;
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

Microcode select_microcode(const Tree &tree, const CpuId *cpu,
                           std::string *err) {
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
  if ((!cpu || cpu->vendor == "GenuineIntel") &&
      !concat_files(
          tree, "usr/lib/firmware/intel-ucode",
          [&](const std::string &p) { return !cpu || p.ends_with(intel_file); },
          &intel, err))
    return {};
  // amd64-microcode also ships signatures and README files; the loader
  // wants the microcode_amd*.bin containers only.
  if ((!cpu || cpu->vendor == "AuthenticAMD") &&
      !concat_files(
          tree, "usr/lib/firmware/amd-ucode",
          [&](const std::string &p) {
            if (cpu)
              return p.ends_with(amd_file);
            return p.find("/microcode_amd") != std::string::npos &&
                   p.ends_with(".bin");
          },
          &amd, err))
    return {};
  Microcode out;
  if (!amd.empty())
    out.files.push_back(
        {"kernel/x86/microcode/AuthenticAMD.bin", std::move(amd)});
  if (!intel.empty())
    out.files.push_back(
        {"kernel/x86/microcode/GenuineIntel.bin", std::move(intel)});
  return out;
}

Microcode choose_microcode(Context &ctx, const Tree &packages) {
  std::string err;
  if (!ctx.config.hostonly) {
    Microcode all = select_microcode(packages, nullptr, &err);
    if (!err.empty())
      Fatal(ctx) << "microcode: " << err;
    if (all.files.empty())
      Fatal(ctx) << "Microcode=yes: intel-microcode and amd64-microcode hold "
                    "no microcode files";
    return all;
  }
  // Hostonly: this processor's microcode only.
  std::string cpuinfo;
  CpuId cpu;
  std::string path = ctx.config.proc_root + "/cpuinfo";
  if (!read_file(path, &cpuinfo, &err) || !parse_cpuinfo(cpuinfo, &cpu))
    Fatal(ctx) << "Microcode=yes with hostonly: cannot read the processor "
                  "from "
               << path << (err.empty() ? "" : ": " + err);
  Microcode mine = select_microcode(packages, &cpu, &err);
  if (!err.empty())
    Fatal(ctx) << "microcode: " << err;
  if (mine.files.empty())
    Warn(ctx) << "Microcode=yes: no microcode for this processor ("
              << cpu.vendor
              << fmt::format(" family {:#x} model {:#x}", cpu.family, cpu.model)
              << "); the image has none";
  return mine;
}

} // namespace initpack
