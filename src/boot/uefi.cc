// UEFI boots for `initpack qemu` (see uefi.h).
#include "boot/uefi.h"

#include "boot/qemu.h"
#include "context.h"
#include "util/fs.h"
#include "util/subprocess.h"

#include <filesystem>

namespace initpack {

namespace fs = std::filesystem;

bool wants_uefi(const QemuOptions &o) {
  return o.uefi || !o.firmware.empty() || !o.firmware_vars.empty() ||
         !o.uki.empty() || !o.esp.empty() || o.secure_boot;
}

void check_uefi_options(Context &ctx, const QemuOptions &o) {
  std::string code = o.firmware.empty()
                         ? (o.secure_boot ? kOvmfSecureBootCode : kOvmfCode)
                         : o.firmware;
  if (!file_exists(code))
    Error(ctx) << "qemu: firmware " << code
               << ": no such file (apt-get install ovmf, or --firmware)";
  if (o.firmware_vars.empty() && !file_exists(kOvmfVars))
    Error(ctx) << "qemu: " << kOvmfVars << ": no such file (package ovmf)";
  if (!o.firmware_vars.empty() && !file_exists(o.firmware_vars))
    Error(ctx) << "qemu: --firmware-vars " << o.firmware_vars
               << ": no such file";
  if (!o.uki.empty() && !file_exists(o.uki))
    Error(ctx) << "qemu: --uki " << o.uki << ": no such file";
  if (!o.uki.empty() && !o.esp.empty())
    Error(ctx) << "qemu: --uki and --esp exclude each other";
  if (!o.esp.empty() && !file_exists(o.esp))
    Error(ctx) << "qemu: --esp " << o.esp << ": no such file or directory";
  if (o.uki.empty() && o.esp.empty() && o.kernel.empty())
    Error(ctx) << "qemu: a UEFI boot needs --uki, --esp or --kernel";
  for (const char *tool : {"mkfs.fat", "mcopy"})
    if ((!o.uki.empty() || is_directory(o.esp)) && find_program(tool).empty())
      Error(ctx) << "qemu: building the ESP needs " << tool
                 << " (packages dosfstools, mtools)";
}

static uint64_t tree_bytes(const std::string &dir) {
  uint64_t total = 0;
  for (const auto &e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file())
      total += e.file_size() + 4096; // a cluster's worth of slack each
  return total;
}

void make_esp_image(Context &ctx, const std::string &dir,
                    const std::string &image) {
  // FAT needs room for its tables and clusters: a tenth on top, and at
  // least 33 MiB, where mkfs.fat picks FAT32 as firmware expects of an ESP.
  uint64_t kib =
      std::max<uint64_t>(tree_bytes(dir) * 11 / 10 / 1024 + 1024, 33 * 1024);
  std::vector<std::string> mkfs = {
      "mkfs.fat", "-C",          "-F",  "32",
      "-n",       "INITPACKESP", image, std::to_string(kib)};
  RunResult r = run_command(ctx.diag, mkfs);
  if (!r.ok())
    Fatal(ctx) << "qemu: " << shell_quote(mkfs) << ": " << r.err << r.out;
  std::vector<std::string> names = list_dir(dir);
  if (names.empty())
    return;
  std::vector<std::string> copy = {"mcopy", "-s", "-Q", "-i", image};
  for (const std::string &name : names)
    copy.push_back(join_path(dir, name));
  copy.push_back("::/");
  // mtools refuses images whose geometry it finds odd unless told not to.
  RunOptions ro;
  ro.env.emplace("MTOOLS_SKIP_CHECK", std::string(1, '1'));
  r = run_command(ctx.diag, copy, ro);
  if (!r.ok())
    Fatal(ctx) << "qemu: " << shell_quote(copy) << ": " << r.err << r.out;
}

// An ESP whose removable-media boot path runs the UKI; its .extra.d/
// (sysexts, credentials, addons) comes along beside it, where the stub
// looks.
static std::string esp_dir_for_uki(Context &ctx, const QemuOptions &o,
                                   const TempDir &tmp) {
  std::string root = join_path(tmp.path(), "esp");
  std::string boot = join_path(root, "EFI/BOOT");
  std::error_code ec;
  fs::create_directories(boot, ec);
  fs::copy_file(o.uki, join_path(boot, "BOOTX64.EFI"), ec);
  if (!ec && is_directory(o.uki + ".extra.d"))
    fs::copy(o.uki + ".extra.d", join_path(boot, "BOOTX64.EFI.extra.d"),
             fs::copy_options::recursive, ec);
  if (ec)
    Fatal(ctx) << "qemu: --uki " << o.uki << ": " << ec.message();
  return root;
}

UefiFiles prepare_uefi(Context &ctx, const QemuOptions &o, const TempDir &tmp) {
  UefiFiles f;
  f.code = o.firmware.empty()
               ? (o.secure_boot ? kOvmfSecureBootCode : kOvmfCode)
               : o.firmware;
  f.vars = o.firmware_vars;
  if (f.vars.empty()) {
    // Each boot starts from the template; --firmware-vars keeps changes.
    f.vars = join_path(tmp.path(), "OVMF_VARS.fd");
    std::error_code ec;
    fs::copy_file(kOvmfVars, f.vars, ec);
    if (ec)
      Fatal(ctx) << "qemu: cannot copy " << kOvmfVars << ": " << ec.message();
  }
  std::string esp_dir = !o.uki.empty()        ? esp_dir_for_uki(ctx, o, tmp)
                        : is_directory(o.esp) ? o.esp
                                              : "";
  if (!esp_dir.empty()) {
    f.esp = join_path(tmp.path(), "esp.img");
    make_esp_image(ctx, esp_dir, f.esp);
  } else {
    f.esp = o.esp; // an image already
  }
  return f;
}

std::vector<std::string> uefi_args(const QemuOptions &o, const UefiFiles &f) {
  std::vector<std::string> argv;
  if (o.secure_boot) {
    // OVMF's SecureBoot build keeps its variables in SMM-protected flash:
    // q35 with SMM, and the flash marked secure.
    argv.insert(argv.end(), {"-machine", "q35,smm=on", "-global",
                             "driver=cfi.pflash01,property=secure,value=on"});
  }
  argv.insert(argv.end(),
              {"-drive",
               "if=pflash,format=raw,unit=0,readonly=on,file=" + f.code,
               "-drive", "if=pflash,format=raw,unit=1,file=" + f.vars});
  if (!f.esp.empty()) {
    // The last disk, so the test's disks keep their names (/dev/vda …);
    // bootindex makes the firmware try it first.
    argv.insert(argv.end(),
                {"-drive",
                 "file=" + f.esp + ",if=none,id=esp,format=raw,snapshot=on",
                 "-device", "virtio-blk-pci,drive=esp,bootindex=0"});
  }
  return argv;
}

} // namespace initpack
