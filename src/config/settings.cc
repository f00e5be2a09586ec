#include "config/settings.h"
#include "util/strings.h"

#include "util/fs.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <limits>

namespace initpack {

using enum SettingType;

// ---- Validators for single values --------------------------------------

static std::string check_url(std::string_view v) {
  for (std::string_view scheme : {"http://", "https://", "file:/"})
    if (v.starts_with(scheme) && v.size() > scheme.size())
      return "";
  return "'" + std::string(v) + "' is not an http://, https:// or file:/ URL";
}

// Stage2Location=: "initrd", or a device spec with an optional ":/PATH".
static std::string check_stage2_location(std::string_view v) {
  if (v == "initrd")
    return "";
  std::string_view dev = v.substr(0, v.find(":/"));
  if (!dev.starts_with("/dev/") && !dev.starts_with("LABEL=") &&
      !dev.starts_with("PARTLABEL="))
    return "'" + std::string(v) +
           "' is not initrd, /dev/NAME, LABEL=NAME or PARTLABEL=NAME "
           "(each optionally followed by :/PATH)";
  if (dev.find_first_of(" \t") != std::string_view::npos)
    return "'" + std::string(v) + "' contains white space";
  return "";
}

// Names that end up in paths (profiles/NAME, /lib/modules/VERSION) must not
// climb out of their directory.
static std::string check_name(std::string_view v) {
  bool ok = !v.empty() && v != "." && v != "..";
  for (char c : v)
    ok = ok && c > ' ' && c != '/' && c != '\\' && c != 0x7f;
  return ok ? "" : "'" + std::string(v) + "' is not a valid name";
}

// SecureBootKeySource=: mkosi's spelling, file or engine:NAME or
// provider:NAME (the last parsed here, refused when signing).
static std::string check_key_source(std::string_view v) {
  if (v == "file")
    return "";
  for (std::string_view kind : {"engine:", "provider:"})
    if (v.starts_with(kind) && v.size() > kind.size() &&
        check_name(v.substr(kind.size())).empty())
      return "";
  return "'" + std::string(v) + "' is not file, engine:NAME or provider:NAME";
}

// ---- The table -----------------------------------------------------------

const std::vector<Setting> &settings() {
  static const std::vector<Setting> table = {
      // [Distribution]
      {.section = "Distribution",
       .key = "Distribution",
       .flags = "-d,--distribution",
       .type = Enum,
       .member = &Config::distribution,
       .metavar = "NAME",
       .help = "The distribution whose packages make up the image.",
       .choices = {"debian"}},
      {.section = "Distribution",
       .key = "Release",
       .flags = "-r,--release",
       .type = String,
       .member = &Config::release,
       .metavar = "CODENAME",
       .help = "The release to take packages from, e.g. bookworm.",
       .default_doc = "as the host's apt sources say",
       .check = check_name},
      {.section = "Distribution",
       .key = "Suites",
       .flags = "--suite",
       .type = List,
       .member = &Config::suites,
       .metavar = "SUITE",
       .help = "Archive suites whose package indexes are read, in order. "
               "Example: --suite bookworm --suite bookworm-updates",
       .merge = Merge::Append,
       .default_doc = "as the host's apt sources say",
       .check = check_name},
      {.section = "Distribution",
       .key = "Mirror",
       .flags = "-m,--mirror",
       .type = String,
       .member = &Config::mirror,
       .metavar = "URL",
       .help = "The archive mirror to download from. "
               "Example: --mirror http://mirror.example/debian",
       .default_doc = "as the host's apt sources say",
       .check = check_url},
      {.section = "Distribution",
       .key = "SecurityMirror",
       .flags = "--security-mirror",
       .type = String,
       .member = &Config::security_mirror,
       .metavar = "URL",
       .help = "The mirror of the security archive. "
               "Example: --security-mirror "
               "http://security.example/debian-security",
       .default_doc = "as the host's apt sources say",
       .check = check_url},
      {.section = "Distribution",
       .key = "Repositories",
       .flags = "--repositories",
       .type = List,
       .member = &Config::repositories,
       .metavar = "COMPONENT",
       .help = "Archive components to use. "
               "Example: --repositories main,non-free-firmware",
       .merge = Merge::Append,
       .default_doc = "as the host's apt sources say",
       .check = check_name},
      {.section = "Distribution",
       .key = "Architecture",
       .flags = "--architecture",
       .type = Enum,
       .member = &Config::architecture,
       .metavar = "ARCH",
       .help = "The Debian architecture to build for. mkosi's names "
               "(x86-64, x86, ppc64-le, …) are accepted too.",
       .choices = {"amd64", "arm64", "armel", "armhf", "i386", "loong64",
                   "mips64el", "ppc64el", "riscv64", "s390x"},
       .aliases = {{"x86-64", "amd64"},
                   {"x86", "i386"},
                   {"arm", "armhf"},
                   {"ppc64-le", "ppc64el"},
                   {"mips64-le", "mips64el"},
                   {"loongarch64", "loong64"}}},
      {.section = "Distribution",
       .key = "Keyring",
       .flags = "--keyring",
       .type = List,
       .member = &Config::keyrings,
       .metavar = "FILE",
       .help = "OpenPGP keyrings that verify the archive's Release file. A "
               "relative path in a file is taken from the file's directory.",
       .merge = Merge::Append,
       .split = ListSplit::Items,
       .default_doc = "the distribution's archive keyring",
       .relative_to_file = true},
      {.section = "Distribution",
       .key = "CheckValidUntil",
       .flags = "--check-valid-until,!--no-check-valid-until",
       .type = Bool,
       .member = &Config::check_valid_until,
       .metavar = "BOOL",
       .help = "Refuse archive indexes whose Valid-Until date has passed. "
               "Turn off for old snapshots."},
      {.section = "Distribution",
       .key = "AllowOlderRelease",
       .flags = "--allow-older-release,!--no-allow-older-release",
       .type = Bool,
       .member = &Config::allow_older_release,
       .metavar = "BOOL",
       .help = "Take an InRelease dated before the one in the cache. Off, "
               "the cached, newer index is kept when a mirror lags or "
               "replays an older signed one (a rollback to vulnerable "
               "packages), with a warning. Turn on to go back to an older "
               "snapshot."},
      {.section = "Distribution",
       .key = "AptRoot",
       .flags = "--apt-root",
       .type = Path,
       .member = &Config::apt_root,
       .metavar = "DIR",
       .help = "The root whose etc/apt/sources.list and sources.list.d "
               "describe the host's archive, as apt reads them. They are "
               "the archive when Mirror=, Release= and Suites= are unset, "
               "and fill in what those leave out (security mirror, "
               "components, keys)."},

      // [Config]
      {.section = "Config",
       .key = "Profiles",
       .flags = "--profile",
       .type = List,
       .member = &Config::profiles,
       .metavar = "NAME",
       .help = "Profiles to apply on top of the default profile. A profile "
               "is profiles/NAME/profile.conf, plus profiles/NAME/tree/ "
               "copied into the image. Example: --profile lvm --profile luks",
       .merge = Merge::Append,
       .check = check_name},

      // [Content]
      {.section = "Content",
       .key = "Packages",
       .flags = "-p,--package",
       .type = List,
       .member = &Config::packages,
       .metavar = "PACKAGE",
       .help = "Packages to install in addition to the profiles' packages. "
               "Example: -p lvm2 -p cryptsetup-bin",
       .merge = Merge::Append},
      {.section = "Content",
       .key = "RemovePackages",
       .flags = "--remove-package",
       .type = List,
       .member = &Config::remove_packages,
       .metavar = "PACKAGE",
       .help = "Packages to remove from the image again after installation. "
               "Where a choice exists they are not installed at all; a "
               "package another one cannot do without is installed and "
               "removed again, with a warning naming where it was asked "
               "(only with --verbose when a profile asked), and what only "
               "removed packages needed goes too.",
       .merge = Merge::Append},
      {.section = "Content",
       .key = "WithRecommends",
       .flags = "--with-recommends,!--without-recommends",
       .type = Bool,
       .member = &Config::with_recommends,
       .metavar = "BOOL",
       .help = "Also install the packages that installed packages "
               "recommend."},
      {.section = "Content",
       .key = "ExtraTrees",
       .flags = "--extra-tree",
       .type = List,
       .member = &Config::extra_trees,
       .metavar = "SRC[:DST]",
       .help = "Directories copied into the image over the packages' files, "
               "at DST (default /). A relative SRC in a file is taken from "
               "the file's directory. Example: --extra-tree ./overlay:/etc",
       .merge = Merge::Append,
       .split = ListSplit::Items,
       .relative_to_file = true},
      {.section = "Content",
       .key = "RemoveFiles",
       .flags = "--remove-file,--remove-files",
       .type = List,
       .member = &Config::remove_files,
       .metavar = "GLOB",
       .help = "Files to delete from the image at the end, as globs over "
               "its paths. Example: --remove-file '/usr/share/doc/*'",
       .merge = Merge::Append,
       .split = ListSplit::Items},
      {.section = "Content",
       .key = "EnableUnits",
       .flags = "--enable-unit",
       .type = List,
       .member = &Config::enable_units,
       .metavar = "UNIT",
       .help = "systemd units to enable in the initrd, in addition to the "
               "profiles' units.",
       .merge = Merge::Append},
      {.section = "Content",
       .key = "KernelModulesInclude",
       .flags = "--module-include,--kernel-modules-include",
       .type = List,
       .member = &Config::kernel_modules_include,
       .metavar = "REGEX",
       .help = "Kernel modules to include: regexes over the module's path "
               "below kernel/ (drivers/block/virtio_blk), module names, or "
               "'default' for the default list. Dependencies and firmware "
               "come along. Example: --module-include 'drivers/md/.*'",
       .merge = Merge::Append},
      {.section = "Content",
       .key = "KernelModulesExclude",
       .flags = "--module-exclude,--kernel-modules-exclude",
       .type = List,
       .member = &Config::kernel_modules_exclude,
       .metavar = "REGEX",
       .help = "Kernel modules to leave out, written like "
               "KernelModulesInclude=; an include wins over an exclude.",
       .merge = Merge::Append},
      {.section = "Content",
       .key = "KernelModules",
       .flags = "--kernel-modules",
       .type = List,
       .member = &Config::kernel_modules,
       .metavar = "GLOB",
       .help = "Kernel modules as mkosi 25 writes them: ordered shell globs "
               "over the path below kernel/ without the suffix (loop, "
               "block/loop, /drivers/block/loop, drivers/crypto/ for a "
               "directory), '-GLOB' to exclude, the words 'default' (the "
               "default list) and 'host' (the host's devices). The last "
               "pattern matching a module decides, whatever selected it "
               "(KernelModulesInclude=, the default list, the host); a "
               "pattern matching no module is a warning. Example: "
               "--kernel-modules 'default,-drivers/gpu/'",
       .merge = Merge::Append},
      {.section = "Content",
       .key = "KernelModulesLoad",
       .flags = "--kernel-modules-load",
       .type = List,
       .member = &Config::kernel_modules_load,
       .metavar = "MODULE",
       .help = "Kernel modules to load at boot whether or not a device asks "
               "for them (dracut's force_drivers): each is included with its "
               "dependencies and named in the image's "
               "/etc/modules-load.d/initpack.conf, which "
               "systemd-modules-load.service reads. Example: "
               "--kernel-modules-load dm_crypt",
       .merge = Merge::Append},
      {.section = "Content",
       .key = "KernelModulesIncludeHost",
       .flags = "--hostonly,!--no-hostonly",
       .type = Bool,
       .member = &Config::hostonly,
       .metavar = "BOOL",
       .help = "Include the kernel modules this machine's devices and root "
               "file system use (hostonly), less the classes the default "
               "profile's KernelModulesExclude= leaves out (virtualisation, "
               "cpufreq, sound, graphics, wireless, sensors…)."},
      {.section = "Content",
       .key = "HostSysfs",
       .flags = "--sysfs-root",
       .type = Path,
       .member = &Config::sysfs_root,
       .metavar = "DIR",
       .help = "Where hostonly mode reads the machine's sysfs: /sys, or a "
               "recording of another machine's (its devices/**/modalias, "
               "driver links, dev/block and class/block)."},
      {.section = "Content",
       .key = "HostProc",
       .flags = "--proc-root",
       .type = Path,
       .member = &Config::proc_root,
       .metavar = "DIR",
       .help = "Where hostonly mode reads modules and self/mountinfo: /proc, "
               "or a recording."},
      {.section = "Content",
       .key = "HostCrypttab",
       .flags = "--crypttab",
       .type = Path,
       .member = &Config::host_crypttab,
       .metavar = "FILE",
       .help = "Hostonly: the machine's crypttab(5). The entries for the "
               "dm-crypt devices under / go into the image's /etc/crypttab; "
               "a missing file means none."},
      {.section = "Content",
       .key = "FirmwarePackages",
       .flags = "--firmware-package",
       .type = List,
       .member = &Config::firmware_packages,
       .metavar = "PACKAGE",
       .help = "Packages whose firmware files the selected modules may use. "
               "Example: --firmware-package firmware-misc-nonfree",
       .merge = Merge::Append},
      {.section = "Content",
       .key = "Hwdb",
       .flags = "--hwdb,!--no-hwdb",
       .type = Bool,
       .member = &Config::hwdb,
       .metavar = "BOOL",
       .help = "Build the udev hardware database (hwdb.bin) into the image: "
               "keymaps, input devices, sensors. Nothing on the way to the "
               "root needs it; it adds about 2.3 MB (zstd)."},
      {.section = "Content",
       .key = "Prune",
       .flags = "--prune,!--no-prune",
       .type = Bool,
       .member = &Config::prune,
       .metavar = "BOOL",
       .help = "Remove the programs and shared libraries that nothing in the "
               "boot can run: not referenced by a unit, udev rule, generator, "
               "script or ELF that the boot runs, not named in one, not "
               "matched by PruneKeep=. --explain lists what is kept and why, "
               "and what was removed."},
      {.section = "Content",
       .key = "PruneKeep",
       .flags = "--prune-keep",
       .type = List,
       .member = &Config::prune_keep,
       .metavar = "GLOB",
       .help = "Programs and libraries Prune= keeps although nothing names "
               "them, as globs over image paths: those run by a computed "
               "name (fsck.TYPE), opened with dlopen(), or wanted in the "
               "emergency shell. Example: --prune-keep '/usr/bin/less'",
       .merge = Merge::Append,
       .split = ListSplit::Items},
      {.section = "Content",
       .key = "KernelCommandLine",
       .flags = "--kernel-command-line",
       .type = List,
       .member = &Config::kernel_command_line,
       .metavar = "ARGS",
       .help = "Kernel command line arguments for the image (used by "
               "Format=uki). Example: --kernel-command-line "
               "'console=ttyS0,115200 rd.debug'",
       .merge = Merge::Append,
       .split = ListSplit::Spaces},
      {.section = "Content",
       .key = "SourceDateEpoch",
       .flags = "--source-date-epoch",
       .type = Int,
       .member = &Config::source_date_epoch,
       .metavar = "SECONDS",
       .help = "Timestamp (seconds since 1970) used for every date in the "
               "image, for reproducible builds.",
       .min = 0,
       .max = std::numeric_limits<int64_t>::max(),
       .default_doc = "$SOURCE_DATE_EPOCH, else unset"},

      // [Kernel]
      {.section = "Kernel",
       .key = "KernelVersion",
       .flags = "-k,--kernel-version",
       .type = String,
       .member = &Config::kernel_version,
       .metavar = "VERSION",
       .help = "The kernel (uname -r) to build for. "
               "Example: -k 6.1.0-26-amd64",
       .default_doc = "the newest in /lib/modules",
       .check = check_name},
      {.section = "Kernel",
       .key = "KernelPackage",
       .flags = "--kernel-package",
       .type = String,
       .member = &Config::kernel_package,
       .metavar = "PACKAGE",
       .help = "Take the kernel and its modules from this archive package "
               "instead of /lib/modules. Example: --kernel-package "
               "linux-image-amd64",
       .check = check_name},

      // [Output]
      {.section = "Output",
       .key = "Format",
       .flags = "-t,--format",
       .type = Enum,
       .member = &Config::format,
       .metavar = "FORMAT",
       .help = "The kind of image to write: a cpio archive, an EROFS "
               "image, a unified kernel image (uki), or a system or "
               "configuration extension image (sysext, confext: only "
               "Packages= and ExtraTrees=, no default profile or kernel).",
       .choices = {"cpio", "erofs", "uki", "sysext", "confext"}},
      {.section = "Output",
       .key = "CompressOutput",
       .flags = "--compression,--compress-output",
       .type = Enum,
       .member = &Config::compression,
       .metavar = "ALGORITHM",
       .help = "How to compress the image; yes means zstd, no means none "
               "(as in mkosi). An EROFS image (erofs, sysext, confext) takes "
               "lz4 or none only: Linux 6.1 reads LZ4 clusters alone.",
       .choices = {"zstd", "xz", "gzip", "lz4", "none"},
       .aliases = {{"yes", "zstd"},
                   {"true", "zstd"},
                   {"on", "zstd"},
                   {"1", "zstd"},
                   {"no", "none"},
                   {"false", "none"},
                   {"off", "none"},
                   {"0", "none"}},
       .default_doc = "zstd for cpio and uki, none for erofs, sysext and "
                      "confext"},
      {.section = "Output",
       .key = "CompressLevel",
       .flags = "--compression-level,--compress-level",
       .type = Int,
       .member = &Config::compression_level,
       .metavar = "LEVEL",
       .help = "Compression level: zstd 1-22, xz 0-9, gzip 1-9, lz4 1-12 "
               "(3 and up is LZ4HC, in cpio and EROFS alike); -1 is the "
               "compressor's default: zstd 3 (18 for a hostonly image), xz "
               "0 (6 for a hostonly image), gzip 6, lz4 9.",
       .min = -1,
       .max = 22},
      {.section = "Output",
       .key = "Output",
       .flags = "-o,--output",
       .type = Path,
       .member = &Config::output,
       .metavar = "FILE",
       .help = "Where to write the image (relative to the working "
               "directory)."},
      {.section = "Output",
       .key = "Microcode",
       .flags = "--microcode,!--no-microcode",
       .type = Bool,
       .member = &Config::microcode,
       .metavar = "BOOL",
       .help = "Put CPU microcode updates in an uncompressed early cpio in "
               "front of the image."},
      {.section = "Output",
       .key = "Verity",
       .flags = "--verity,!--no-verity",
       .type = Bool,
       .member = &Config::verity,
       .metavar = "BOOL",
       .help = "Format=erofs: append a dm-verity hash tree to the image and "
               "write its root hash to IMAGE.roothash; stage 1 refuses an "
               "image that does not match it. Format=sysext/confext: the "
               "tree goes to NAME.verity, the root hash to NAME.roothash."},
      {.section = "Output",
       .key = "ExtensionRelease",
       .flags = "--extension-release",
       .type = List,
       .member = &Config::extension_release,
       .metavar = "KEY=VALUE",
       .help = "Format=sysext/confext: a line of the image's "
               "extension-release file, matched against the os-release of "
               "the system it extends. ID= and VERSION_ID= default to the "
               "host's (VERSION_ID= only while Release= is the host's). "
               "Example: ExtensionRelease=SYSEXT_LEVEL=1",
       .merge = Merge::Append,
       .split = ListSplit::Items},
      {.section = "Output",
       .key = "Stage1",
       .flags = "--stage1,!--no-stage1",
       .type = Bool,
       .member = &Config::stage1,
       .metavar = "BOOL",
       .help = "Format=erofs: write a small first-stage initrd to Output= "
               "that finds the EROFS image at Stage2Location=, verifies it "
               "and starts the systemd initrd inside it; the image itself "
               "goes to Stage2Output=."},
      {.section = "Output",
       .key = "Stage2Output",
       .flags = "--stage2-output",
       .type = Path,
       .member = &Config::stage2_output,
       .metavar = "FILE",
       .help = "With Stage1=: where to write the EROFS image (not written "
               "with Stage2Location=initrd).",
       .default_doc = "Output= with .erofs appended"},
      {.section = "Output",
       .key = "Stage2Location",
       .flags = "--stage2-location",
       .type = String,
       .member = &Config::stage2_location,
       .metavar = "WHERE",
       .help = "With Stage1=: where stage 1 finds the image at boot: "
               "'initrd' (inside the first-stage initrd), a device (/dev/vdb, "
               "LABEL=, PARTLABEL=) holding the image, or DEVICE:PATH for a "
               "file on that device's file system (e.g. an ESP). The kernel "
               "command line's initpack.stage2= overrides it.",
       .check = check_stage2_location},
      {.section = "Output",
       .key = "Stage1Modules",
       .flags = "--stage1-module",
       .type = List,
       .member = &Config::stage1_modules,
       .metavar = "MODULE",
       .help = "With Stage1=: kernel modules stage 1 loads to reach the "
               "image (the storage driver, and the file system for "
               "DEVICE:PATH), besides erofs, dm-verity and loop; their "
               "dependencies come too.",
       .merge = Merge::Append,
       .default_doc = "virtio_pci virtio_blk (the disks of initpack qemu) for "
                      "a device; none for Stage2Location=initrd",
       .check = check_name},

      {.section = "Output",
       .key = "Stub",
       .flags = "--stub",
       .type = Path,
       .member = &Config::stub,
       .metavar = "FILE",
       .help = "The systemd-stub a UKI is built from (package "
               "systemd-boot-efi). Addons, .ucode and multi-profile UKIs "
               "need a newer stub than bookworm's 252.",
       .default_doc = "/usr/lib/systemd/boot/efi/linuxx64.efi.stub",
       .relative_to_file = true},
      {.section = "Output",
       .key = "Splash",
       .flags = "--splash",
       .type = Path,
       .member = &Config::splash,
       .metavar = "FILE",
       .help = "A BMP image the UKI's stub shows while booting.",
       .relative_to_file = true},
      {.section = "Output",
       .key = "UkiProfiles",
       .flags = "--uki-profile",
       .type = List,
       .member = &Config::uki_profiles,
       .metavar = "FILE",
       .help = "Add a profile to the UKI, described by FILE in mkosi's "
               "format: a [UKIProfile] section with Profile= (the .profile "
               "section: ID= and TITLE=) and Cmdline= (appended to the "
               "UKI's command line in this profile). Profile 0 is the base "
               "UKI (ID=main), the files are profiles 1..N; the stub boots "
               "profile 0 unless its load options start with @N. Needs "
               "systemd-stub >= 257 (Stub=).",
       .merge = Merge::Append,
       .split = ListSplit::Items,
       .relative_to_file = true},
      {.section = "Output",
       .key = "SecureBootKey",
       .flags = "--secure-boot-key",
       .type = Path,
       .member = &Config::secure_boot_key,
       .metavar = "KEY",
       .help = "Sign the UKI for SecureBoot with this private key: a PEM "
               "file, or a PKCS#11 URI (pkcs11:…) used through OpenSSL's "
               "pkcs11 engine. Needs SecureBootCertificate=. "
               "Format=sysext/confext: sign the root hash into "
               "NAME.roothash.p7s (PEM key only).",
       .relative_to_file = true},
      {.section = "Output",
       .key = "SecureBootKeySource",
       .flags = "--secure-boot-key-source",
       .type = String,
       .member = &Config::secure_boot_key_source,
       .metavar = "SOURCE",
       .help = "Where SecureBootKey= lives, in mkosi's words: file (a PEM "
               "file), or engine:NAME, an OpenSSL engine such as "
               "engine:pkcs11 (package libengine-pkcs11-openssl) with a "
               "pkcs11: URI as the key. A pkcs11: key implies "
               "engine:pkcs11. provider:NAME is refused: bookworm's "
               "sbsign knows engines only.",
       .default_doc = "file",
       .check = check_key_source},
      {.section = "Output",
       .key = "SecureBootCertificate",
       .flags = "--secure-boot-certificate",
       .type = Path,
       .member = &Config::secure_boot_certificate,
       .metavar = "FILE",
       .help = "The X.509 certificate (PEM) matching SecureBootKey=.",
       .relative_to_file = true},
      {.section = "Output",
       .key = "SignLater",
       .flags = "--sign-later,!--no-sign-later",
       .type = Bool,
       .member = &Config::sign_later,
       .metavar = "BOOL",
       .help = "Write the UKI unsigned together with OUTPUT.sign-request."
               "json (size, SHA-256 and Authenticode digest) for a signing "
               "server; attach its detached signature with `initpack "
               "sign OUTPUT --attach SIG`."},

      // [Build]
      {.section = "Build",
       .key = "CacheDirectory",
       .flags = "--cache-dir,--cache-directory",
       .type = Path,
       .member = &Config::cache_directory,
       .metavar = "DIR",
       .help = "Where downloaded indexes and packages are kept.",
       .default_doc = "/var/cache/initpack as root, else "
                      "$XDG_CACHE_HOME/initpack or ~/.cache/initpack"},
      {.section = "Build",
       .key = "Offline",
       .flags = "--offline,!--online",
       .type = Bool,
       .member = &Config::offline,
       .metavar = "BOOL",
       .help = "Use only what is in the cache; never touch the network."},
      {.section = "Build",
       .key = "Strict",
       .flags = "--strict,!--no-strict",
       .type = Bool,
       .member = &Config::strict,
       .metavar = "BOOL",
       .help = "Make the configuration's warnings errors: a kernel module "
               "name or pattern that matches nothing, a unit to enable "
               "that has nothing to enable, a setting the output format does "
               "not use, a mkosi or dracut setting initpack ignores. For "
               "builds that must be exactly what the configuration says."},
      {.section = "Build",
       .key = "DownloadConnections",
       .flags = "--download-connections",
       .type = Int,
       .member = &Config::download_connections,
       .metavar = "N",
       .help = "How many downloads run at the same time.",
       .min = 1,
       .max = 64},
      {.section = "Build",
       .key = "DownloadTimeout",
       .flags = "--download-timeout",
       .type = Int,
       .member = &Config::download_timeout,
       .metavar = "SECONDS",
       .help = "Give up on a file not downloaded after this many seconds, "
               "so a server that trickles cannot hold a build forever. 0 "
               "means no limit.",
       .min = 0,
       .max = 86400},
      {.section = "Build",
       .key = "DownloadStallTimeout",
       .flags = "--download-stall-timeout",
       .type = Int,
       .member = &Config::download_stall_timeout,
       .metavar = "SECONDS",
       .help = "Cut a download that receives less than 1 KiB in this many "
               "seconds (it is retried, resuming where it stopped).",
       .min = 1,
       .max = 3600},
  };
  return table;
}

const std::vector<std::string> &setting_sections() {
  static const std::vector<std::string> sections = [] {
    std::vector<std::string> v;
    for (const Setting &s : settings())
      if (std::find(v.begin(), v.end(), s.section) == v.end())
        v.push_back(s.section);
    return v;
  }();
  return sections;
}

const Setting *find_setting(std::string_view key) {
  for (const Setting &s : settings())
    if (key == s.key)
      return &s;
  return nullptr;
}

// ---- Parsing values --------------------------------------------------------

static std::vector<std::string> split_list(std::string_view v, ListSplit how) {
  return split_any(v, how == ListSplit::Words    ? ", \t\r\n"
                      : how == ListSplit::Spaces ? " \t\r\n"
                                                 : ",\n");
}

bool parse_boolean(std::string_view s, bool *out) {
  std::string l(s);
  std::transform(l.begin(), l.end(), l.begin(), ::tolower);
  if (l == "yes" || l == "true" || l == "on" || l == "1")
    return *out = true, true;
  if (l == "no" || l == "false" || l == "off" || l == "0")
    return *out = false, true;
  return false;
}

// "SRC[:DST]" or a plain path: a relative SRC is taken from base_dir. A
// PKCS#11 URI (SecureBootKey=pkcs11:…) is no path and stays as it is.
static std::string resolve_path(std::string_view item,
                                const std::string &base_dir) {
  if (base_dir.empty() || item.starts_with('/') || item.starts_with("pkcs11:"))
    return std::string(item);
  return join_path(base_dir, item);
}

static std::string join_choices(const Setting &s) {
  return join(std::vector<std::string>(s.choices.begin(), s.choices.end()),
              ", ");
}

static bool parse_scalar(const Setting &s, std::string_view v,
                         const std::string &base_dir, SettingValue *out,
                         std::string *err) {
  std::string value(v);
  switch (s.type) {
  case Bool:
    if (parse_boolean(v, &out->flag))
      return true;
    *err = "invalid boolean '" + value +
           "' (expected yes/no, true/false, 1/0 or on/off)";
    return false;
  case Int: {
    auto [end, ec] =
        std::from_chars(v.data(), v.data() + v.size(), out->number);
    if (ec == std::errc::invalid_argument || end != v.data() + v.size()) {
      *err = "invalid integer '" + value + "'";
      return false;
    }
    if (ec == std::errc::result_out_of_range || out->number < s.min ||
        out->number > s.max) {
      *err = value + " is out of range (" + std::to_string(s.min) + "-" +
             std::to_string(s.max) + ")";
      return false;
    }
    return true;
  }
  case Enum:
    for (const char *c : s.choices)
      if (v == c)
        return out->text = c, true;
    for (auto [alias, meaning] : s.aliases)
      if (v == alias)
        return out->text = meaning, true;
    *err = "invalid value '" + value + "' (allowed: " + join_choices(s) + ")";
    return false;
  default:
    out->text = s.relative_to_file ? resolve_path(v, base_dir) : value;
    return true;
  }
}

bool parse_setting_value(const Setting &s, std::string_view raw,
                         const std::string &base_dir, SettingValue *out,
                         std::string *err) {
  *out = {};
  std::string_view v = trim(raw);
  if (v.empty()) {
    out->reset = true;
    return true;
  }
  if (s.type == List) {
    for (std::string &item : split_list(v, s.split)) {
      if (s.check)
        if (std::string e = s.check(item); !e.empty())
          return *err = e, false;
      out->items.push_back(s.relative_to_file ? resolve_path(item, base_dir)
                                              : item);
    }
    return true;
  }
  if (v.find('\n') != std::string_view::npos) {
    *err = "takes one value, not a list of lines";
    return false;
  }
  if (s.check)
    if (std::string e = s.check(v); !e.empty())
      return *err = e, false;
  return parse_scalar(s, v, base_dir, out, err);
}

// ---- Applying and showing values
// ----------------------------------------------

template <class... F> struct Overloaded : F... { using F::operator()...; };

void apply_setting(Config &c, const Setting &s, const SettingValue &v) {
  static const Config defaults;
  std::visit(
      Overloaded{
          [&](std::string Config::*m) {
            c.*m = v.reset ? defaults.*m : v.text;
          },
          [&](std::vector<std::string> Config::*m) {
            if (v.reset || s.merge == Merge::Override)
              (c.*m).clear();
            (c.*m).insert((c.*m).end(), v.items.begin(), v.items.end());
          },
          [&](bool Config::*m) { c.*m = v.reset ? defaults.*m : v.flag; },
          [&](int Config::*m) {
            c.*m = v.reset ? defaults.*m : static_cast<int>(v.number);
          },
          [&](std::optional<int64_t> Config::*m) {
            c.*m = v.reset ? defaults.*m : std::optional(v.number);
          },
          // Enum texts are the table's choices, which parse.
          [&](Format Config::*m) {
            if (v.reset || !parse_format(v.text, &(c.*m)))
              c.*m = defaults.*m;
          },
          [&](std::optional<Compression> Config::*m) {
            Compression parsed;
            c.*m = !v.reset && parse_compression(v.text, &parsed)
                       ? std::optional(parsed)
                       : defaults.*m;
          },
      },
      s.member);
}

std::string format_setting(const Config &c, const Setting &s) {
  return std::visit(
      Overloaded{
          [&](std::string Config::*m) { return c.*m; },
          [&](std::vector<std::string> Config::*m) {
            std::string out;
            const char *sep = s.split == ListSplit::Items ? "," : " ";
            for (const std::string &item : c.*m)
              out += (out.empty() ? "" : sep) + item;
            return out;
          },
          [&](bool Config::*m) { return std::string(c.*m ? "yes" : "no"); },
          [&](int Config::*m) { return std::to_string(c.*m); },
          [&](std::optional<int64_t> Config::*m) {
            return c.*m ? std::to_string(*(c.*m)) : std::string();
          },
          [&](Format Config::*m) { return std::string(format_name(c.*m)); },
          // Unset shows the format's default, which is what is used.
          [&](std::optional<Compression> Config::*m) {
            return std::string(compression_name(
                (c.*m).value_or(default_compression(c.format))));
          },
      },
      s.member);
}

nlohmann::json setting_json(const Config &c, const Setting &s) {
  return std::visit(
      Overloaded{
          [&](std::string Config::*m) { return nlohmann::json(c.*m); },
          [&](std::vector<std::string> Config::*m) {
            return nlohmann::json(c.*m);
          },
          [&](bool Config::*m) { return nlohmann::json(c.*m); },
          [&](int Config::*m) { return nlohmann::json(c.*m); },
          [&](std::optional<int64_t> Config::*m) {
            return c.*m ? nlohmann::json(*(c.*m)) : nlohmann::json();
          },
          [&](Format Config::*m) { return nlohmann::json(format_name(c.*m)); },
          [&](std::optional<Compression> Config::*m) {
            return nlohmann::json(compression_name(
                (c.*m).value_or(default_compression(c.format))));
          },
      },
      s.member);
}

} // namespace initpack
