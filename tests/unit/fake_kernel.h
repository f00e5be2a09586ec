// A tiny, hermetic kernel for the kernel-stage tests: relocatable ELF
// objects compiled from a few lines of C each, shaped the way kmod's depmod
// reads real modules (a .modinfo section of key=value strings, exported
// symbols named in __ksymtab_strings, undefined symbols for what a module
// uses), so depmod computes real dependencies, aliases and softdeps.
#pragma once

#include "util/diag.h"
#include "util/fs.h"
#include "util/subprocess.h"

#include <string>
#include <unistd.h>
#include <vector>

namespace initpack::testing {

struct FakeModule {
  std::string
      relpath; // "kernel/drivers/block/fake_blk.ko", ".ko.xz", ".ko.zst"
  std::vector<std::string> modinfo; // "alias=…", "softdep=pre: x", "firmware=…"
  std::vector<std::string> exports;
  std::vector<std::string> imports;
};

// The fixture's modules:
//   fake_blk    alias pci:v00001AF4d00001001*, uses fake_core, softdep pre
//               fake_crc, firmware fake/blk.bin
//   fake_core   exports fake_core_fn, firmware fake/core.bin
//   fake_crc    (.ko.xz) alias crypto-fakecrc
//   fakefs      alias fs-fakefs, uses fake_lib, softdep post fake_post
//   fake_lib    (.ko.zst) exports fake_lib_fn
//   fake_post, fake_unused
//   fake-net    (dash in the file name) alias pci:v00008086d0000100E*,
//               firmware fake/net-*.bin (a pattern)
// Built in: builtinfs, fake_kbd.
inline std::vector<FakeModule> fake_modules() {
  return {
      {"kernel/drivers/block/fake_blk.ko",
       {"alias=pci:v00001AF4d00001001sv*sd*bc*sc*i*", "softdep=pre: fake_crc",
        "firmware=fake/blk.bin"},
       {"fake_blk_fn"},
       {"fake_core_fn"}},
      {"kernel/drivers/fake/fake_core.ko",
       {"firmware=fake/core.bin"},
       {"fake_core_fn"},
       {}},
      {"kernel/lib/fake_crc.ko.xz", {"alias=crypto-fakecrc"}, {}, {}},
      {"kernel/fs/fakefs/fakefs.ko",
       {"alias=fs-fakefs", "softdep=post: fake_post"},
       {},
       {"fake_lib_fn"}},
      {"kernel/lib/fake_lib.ko.zst", {}, {"fake_lib_fn"}, {}},
      {"kernel/lib/fake_post.ko", {}, {}, {}},
      {"kernel/drivers/misc/fake_unused.ko", {}, {}, {}},
      {"kernel/drivers/net/fake-net.ko",
       {"alias=pci:v00008086d0000100Esv*sd*bc*sc*i*",
        "firmware=fake/net-*.bin"},
       {},
       {}},
  };
}

inline const char *kFakeVersion = "9.9.9-fake";

inline std::string c_source(const FakeModule &m) {
  std::string s = "__attribute__((section(\".modinfo\"), used, aligned(1)))\n"
                  "static const char modinfo[] = \"license=GPL\\0\"";
  for (const std::string &kv : m.modinfo)
    s += " \"" + kv + "\\0\"";
  s += ";\n";
  if (!m.exports.empty()) {
    s += "__attribute__((section(\"__ksymtab_strings\"), used, aligned(1)))\n"
         "static const char ksymtab_strings[] = \"\"";
    for (const std::string &e : m.exports)
      s += " \"" + e + "\\0\"";
    s += ";\n";
  }
  for (const std::string &e : m.exports)
    s += "void " + e + "(void) {}\n";
  for (const std::string &i : m.imports)
    s += "extern void " + i + "(void);\n";
  s += "void fake_entry(void) {";
  for (const std::string &i : m.imports)
    s += " " + i + "();";
  s += " }\n";
  return s;
}

// Builds the fixture as ROOT/lib/modules/9.9.9-fake (plus boot/vmlinuz-…)
// and returns "" or what went wrong. With `depmod` false the directory is
// left as a linux-image .deb ships it: no modules.dep.
inline std::string build_fake_kernel(const std::string &root, bool depmod) {
  Diagnostics diag;
  std::string err;
  const std::string dir = root + "/lib/modules/" + kFakeVersion;
  std::string order;
  for (const FakeModule &m : fake_modules()) {
    std::string dest = dir + "/" + m.relpath;
    std::string ko = dest.substr(0, dest.find(".ko") + 3);
    std::string src = ko + ".c";
    if (!mkdir_p(dirname(dest), &err) || !write_file(src, c_source(m), &err))
      return err;
    RunResult r = run_command(diag, {"cc", "-c", "-O1", src, "-o", ko});
    if (!r.ok())
      return "cc " + src + ": " + r.err;
    remove_all(src, &err);
    if (dest.ends_with(".xz") || dest.ends_with(".zst")) {
      // Both replace KO by KO.xz / KO.zst.
      std::string tool = dest.ends_with(".xz") ? "xz" : "zstd";
      r = dest.ends_with(".xz") ? run_command(diag, {"xz", "-q", ko})
                                : run_command(diag, {"zstd", "-q", "--rm", ko});
      if (!r.ok())
        return tool + " " + ko + ": " + r.err;
    }
    order += m.relpath.substr(0, m.relpath.find(".ko") + 3) + "\n";
  }
  if (!write_file(dir + "/modules.order", order, &err) ||
      !write_file(dir + "/modules.builtin",
                  "kernel/fs/builtinfs/builtinfs.ko\n"
                  "kernel/drivers/input/fake_kbd.ko\n",
                  &err) ||
      !write_file(dir + "/modules.builtin.modinfo",
                  std::string_view("builtinfs.license=GPL\0"
                                   "fake_kbd.license=GPL\0",
                                   43),
                  &err) ||
      !mkdir_p(root + "/boot", &err) || !mkdir_p(root + "/depmod.d", &err) ||
      !write_file(root + "/boot/vmlinuz-" + std::string(kFakeVersion),
                  "not a kernel", &err))
    return err;
  if (depmod) {
    RunResult r = run_command(diag, {find_program("depmod"), "-b", root, "-C",
                                     root + "/depmod.d", kFakeVersion});
    if (!r.ok())
      return "depmod: " + r.err;
  }
  return "";
}

// Whether the tools the fixture needs are here (else tests skip).
inline bool have_fake_kernel_tools() {
  for (const char *t : {"cc", "depmod", "xz", "zstd"})
    if (find_program(t).empty())
      return false;
  return true;
}

// A recorded machine as hostonly mode reads it: ROOT/sys and ROOT/proc.
// A virtio disk at 0000:00:04.0 (fake_blk's alias, driver links up the
// chain) holds / (fakefs on vda1); a NIC at 0000:00:05.0 has fake-net's
// alias; an i8042 controller has no module. No /proc/modules, as on a
// build host without module support.
inline std::string build_fake_machine(const std::string &root) {
  std::string err;
  const std::string sys = root + "/sys", pci = sys + "/devices/pci0000:00";
  const std::string disk = pci + "/0000:00:04.0";
  auto file = [&](const std::string &path, const std::string &text) {
    return mkdir_p(dirname(path), &err) && write_file(path, text + "\n", &err);
  };
  auto link = [&](const std::string &target, const std::string &path) {
    if (!mkdir_p(dirname(path), &err))
      return false;
    if (::symlink(target.c_str(), path.c_str()) != 0)
      err = path + ": " + errno_string();
    return err.empty();
  };
  bool ok = file(disk + "/modalias",
                 "pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00") &&
            link("../../../bus/pci/drivers/virtio-pci", disk + "/driver") &&
            file(disk + "/virtio1/modalias", "virtio:d00000002v00001AF4") &&
            link("../../../../bus/virtio/drivers/fake_blk",
                 disk + "/virtio1/driver") &&
            link("../../../../module/fake_blk",
                 sys + "/bus/virtio/drivers/fake_blk/module") &&
            file(disk + "/virtio1/block/vda/dev", "254:0") &&
            file(disk + "/virtio1/block/vda/vda1/partition", "1") &&
            link("../../devices/pci0000:00/0000:00:04.0/virtio1/block/vda/vda1",
                 sys + "/dev/block/254:1") &&
            file(pci + "/0000:00:05.0/modalias",
                 "pci:v00008086d0000100Esv00008086sd00001000bc02sc00i00") &&
            file(sys + "/devices/platform/i8042/modalias", "platform:i8042") &&
            file(root + "/proc/self/mountinfo",
                 "1 0 0:2 / / rw - rootfs rootfs rw\n"
                 "21 1 254:1 / / rw,relatime shared:1 - fakefs /dev/vda1 rw\n"
                 "22 21 0:5 / /proc rw - proc proc rw");
  return ok ? "" : err;
}

} // namespace initpack::testing
