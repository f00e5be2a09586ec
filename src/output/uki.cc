// Assembling UKIs and addons (see uki.h), and the Format=uki output pass.
#include "output/uki.h"

#include "context.h"
#include "output/initrd.h"
#include "output/sign.h"
#include "output/uki_profile.h"
#include "util/fs.h"
#include "util/timer.h"

#include <cstdlib>

namespace initpack {

int stub_version(const PeImage &stub) {
  static constexpr std::string_view kMagic = "LoaderInfo: systemd-stub ";
  for (const PeSection &s : stub.sections) {
    size_t at = s.data.find(kMagic);
    if (at != std::string::npos)
      return atoi(s.data.substr(at + kMagic.size(), 8).c_str());
  }
  return 0;
}

// SBAT data is CSV lines; the first names the SBAT format. Lines of `extra`
// that `base` already has are dropped, so merging twice changes nothing.
static std::string merge_sbat(std::string_view base, std::string_view extra) {
  std::string out(base.substr(0, base.find_last_not_of('\0') + 1));
  if (!out.empty() && !out.ends_with('\n'))
    out += '\n';
  size_t pos = 0;
  while (pos < extra.size()) {
    size_t end = extra.find('\n', pos);
    std::string_view line = extra.substr(pos, end - pos);
    pos = end == std::string_view::npos ? extra.size() : end + 1;
    line = line.substr(0, line.find('\0'));
    if (!line.empty() &&
        out.find(std::string(line) + "\n") == std::string::npos)
      out += std::string(line) + "\n";
  }
  return out;
}

bool assemble_uki(PeImage &stub, const UkiParts &p, std::string *err) {
  PeImage kernel;
  if (!parse_pe(p.linux_image, &kernel, err)) {
    *err = "the kernel is not a PE image (" + *err +
           "); a UKI needs a kernel built with the EFI stub";
    return false;
  }
  if (!p.ucode.empty() && stub_version(stub) < 256) {
    *err = "this systemd-stub has no .ucode section (systemd >= 256)";
    return false;
  }
  // The kernel's own SBAT entries join the stub's, so either can be
  // revoked; the section keeps its place, as the stub's code expects.
  if (const PeSection *ks = find_section(kernel, ".sbat")) {
    PeSection *ss = find_section(stub, ".sbat");
    if (!ss) {
      *err = "the stub has no .sbat section";
      return false;
    }
    std::string merged =
        merge_sbat(section_contents(*ss), section_contents(*ks));
    if (!replace_section(stub, ".sbat", merged, err))
      return false;
  }
  // ukify's order: metadata first, the initrd, the kernel last.
  const std::pair<const char *, const std::string *> parts[] = {
      {".osrel", &p.osrel},      {".cmdline", &p.cmdline},
      {".uname", &p.uname},      {".splash", &p.splash},
      {".ucode", &p.ucode},      {".initrd", &p.initrd},
      {".linux", &p.linux_image}};
  for (auto [name, data] : parts)
    if (!data->empty() && !add_section(stub, name, *data, err))
      return false;
  return layout_pe(stub, err);
}

bool assemble_addon(PeImage &addon, const std::string &cmdline,
                    const std::string &initrd, const std::string &ucode,
                    std::string *err) {
  if (cmdline.empty() && initrd.empty() && ucode.empty()) {
    *err = "an addon needs a command line, an initrd or microcode";
    return false;
  }
  if (find_section(addon, ".linux")) {
    *err = "this is a UKI stub, not systemd's addon stub (addonx64.efi.stub)";
    return false;
  }
  // The addon stub carries no SBAT of its own; shim refuses binaries
  // without one, so each addon gets a line naming it as initpack-built.
  std::string sbat =
      "sbat,1,SBAT Version,sbat,1,https://github.com/rhboot/shim/blob/main/"
      "SBAT.md\n"
      "initpack-addon,1,initpack,initpack-addon,1,"
      "https://uapi-group.org/specifications/specs/unified_kernel_image/\n";
  if (!find_section(addon, ".sbat") && !add_section(addon, ".sbat", sbat, err))
    return false;
  const std::pair<const char *, const std::string *> parts[] = {
      {".cmdline", &cmdline}, {".ucode", &ucode}, {".initrd", &initrd}};
  for (auto [name, data] : parts)
    if (!data->empty() && !add_section(addon, name, *data, err))
      return false;
  return layout_pe(addon, err);
}

// ---- The Format=uki pass --------------------------------------------------

static std::string read_or_die(Context &ctx, const std::string &path,
                               const std::string &what) {
  std::string data, err;
  if (!read_file(path, &data, &err))
    Fatal(ctx) << what << ": cannot read " << path << ": " << err;
  return data;
}

// The image's os-release, through its /etc/os-release symlink.
static std::string image_os_release(Context &ctx) {
  std::string path, err, data;
  for (const char *p : {"etc/os-release", "usr/lib/os-release"}) {
    if (!ctx.tree.resolve(p, true, &path, &err))
      continue;
    const Entry *e = ctx.tree.find(path);
    if (e && e->inode->type == NodeType::File && e->inode->content &&
        e->inode->content->read(&data, &err))
      return data;
  }
  Warn(ctx) << "Format=uki: the image has no os-release; the UKI gets no "
               ".osrel section";
  return "";
}

static std::string command_line(const Context &ctx) {
  std::string out;
  for (const std::string &arg : ctx.config.kernel_command_line)
    out += (out.empty() ? "" : " ") + arg;
  return out;
}

// UkiProfiles=: every file read and checked, all mistakes reported at once.
static std::vector<UkiProfile> read_uki_profiles(Context &ctx) {
  std::vector<UkiProfile> out;
  for (const std::string &path : ctx.config.uki_profiles) {
    std::string text = read_or_die(ctx, path, "UkiProfiles=");
    UkiProfile p;
    std::string err;
    if (parse_uki_profile(text, path, &p, &err))
      out.push_back(std::move(p));
    else
      Error(ctx) << "UkiProfiles=: " << err;
  }
  checkpoint(ctx);
  return out;
}

void write_uki(Context &ctx, const EarlyCpio *early) {
  Timer timer(ctx, "write uki");
  const Config &c = ctx.config;
  std::string stub_path = c.stub.empty() ? kDefaultStub : c.stub;
  std::string stub_bytes = read_or_die(ctx, stub_path, "Stub=");
  PeImage stub;
  std::string err;
  if (!parse_pe(stub_bytes, &stub, &err))
    Fatal(ctx) << "Stub=" << stub_path << ": " << err;
  int version = stub_version(stub);
  if (ctx.kernel.image_path.empty())
    Fatal(ctx) << "Format=uki: no kernel image (vmlinuz) for "
               << ctx.kernel.version
               << "; use KernelPackage= or install the kernel under /boot";

  UkiParts parts;
  parts.linux_image = read_or_die(ctx, ctx.kernel.image_path, "kernel");
  // Microcode in its own section where the stub knows .ucode, else in front
  // of the initrd as for a plain boot.
  bool own_ucode = early && !early->files.empty() && version >= 256;
  parts.initrd = initrd_bytes(ctx, ctx.tree, own_ucode ? nullptr : early);
  if (own_ucode)
    parts.ucode = early_cpio_bytes(ctx, *early);
  parts.cmdline = command_line(ctx);
  parts.osrel = image_os_release(ctx);
  parts.uname = ctx.kernel.version;
  if (!c.splash.empty()) {
    parts.splash = read_or_die(ctx, c.splash, "Splash=");
    if (!parts.splash.starts_with("BM"))
      Fatal(ctx) << "Splash=" << c.splash << ": not a BMP image";
  }
  if (!assemble_uki(stub, parts, &err))
    Fatal(ctx) << "Format=uki: " << err << " (Stub=" << stub_path << ")";
  std::vector<UkiProfile> profiles = read_uki_profiles(ctx);
  if (!add_uki_profiles(stub, profiles, parts.cmdline, &err))
    Fatal(ctx) << "UkiProfiles=: " << err << " (Stub=" << stub_path << ")";
  Log(ctx) << "UKI from systemd-stub " << version << ": "
           << stub.sections.size() << " sections, " << stub.opt.size_of_image
           << " bytes in memory";
  write_pe_file(ctx, stub, c.output);
}

} // namespace initpack
