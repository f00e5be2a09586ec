// The resolved configuration: every setting initpack understands, after the
// config files, drop-ins, profiles and the command line are merged. The
// table in config/settings.cc declares each field once (INI key, flag,
// type, default, help); nothing else should invent settings.
#pragma once

#include "config/encoding.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace initpack {

// A profile applied to the image (see config/profiles.h): its directory
// holds profile.conf and, optionally, tree/ (added like ExtraTrees=).
struct AppliedProfile {
  std::string name;
  std::string dir;
  std::string tree; // dir + "/tree" when that exists, else empty
};

// A configuration file considered by load_config, in the order read.
struct ConfigFile {
  std::string path;
  bool matched = true; // false: its [Match] sections were not satisfied
};

struct Config {
  // [Distribution] — where packages come from. Empty mirror/release means
  // "as the host's apt sources say".
  std::string distribution = "debian";
  std::string release;                   // Release=bookworm
  std::vector<std::string> suites;       // Suites=bookworm bookworm-updates …
  std::string mirror;                    // Mirror=http://…/debian
  std::string security_mirror;           // SecurityMirror=
  std::vector<std::string> repositories; // Repositories=main non-free-firmware
  std::string architecture = "amd64";
  std::vector<std::string> keyrings; // Keyring= (files for gpgv)
  bool check_valid_until = true;
  bool allow_older_release = false; // AllowOlderRelease=
  std::string apt_root = "/";       // AptRoot= (the host's apt sources)

  // [Content]
  std::vector<std::string> profiles; // [Config] Profiles=lvm luks
  std::vector<std::string> packages;
  std::vector<std::string> remove_packages;
  bool with_recommends = false;
  std::vector<std::string> extra_trees;  // ExtraTrees=/src[:/dst]
  std::vector<std::string> remove_files; // RemoveFiles=/usr/share/doc
  std::vector<std::string> enable_units; // units enabled in the initrd
  std::vector<std::string> kernel_modules_include; // regex / "default" / "host"
  std::vector<std::string> kernel_modules_exclude;
  // KernelModules=: mkosi's ordered globs (kernel/module_globs.h), with
  // the words "default" and "host"; applied after the two above.
  std::vector<std::string> kernel_modules;
  // KernelModulesLoad=: included like KernelModulesInclude= names, and
  // loaded at boot (etc/modules-load.d/initpack.conf), as dracut's
  // force_drivers.
  std::vector<std::string> kernel_modules_load;
  std::vector<std::string> firmware_packages;
  bool hostonly = false; // KernelModulesIncludeHost=
  // Where hostonly mode reads the machine's devices and mounts; tests point
  // them at a recorded copy (only the files the reader opens are needed).
  std::string sysfs_root = "/sys";
  std::string proc_root = "/proc";
  std::string host_crypttab = "/etc/crypttab"; // HostCrypttab=
  // Off by default, as dracut does: nothing on the way to the root needs
  // it (keymaps, sensors, mice), and it costs 2.3 MB zstd and 0.13 s of
  // boot (measured, TCG -icount).
  bool hwdb = false; // Hwdb=
  // Prune=: drop the programs and libraries nothing in the boot runs
  // (image/prune.h); PruneKeep=: globs of files it must keep anyway.
  bool prune = false;
  std::vector<std::string> prune_keep;
  std::vector<std::string> kernel_command_line;

  // [Kernel]
  std::string kernel_version; // empty: newest in /lib/modules
  std::string kernel_package; // e.g. linux-image-amd64

  // [Output]
  Format format = Format::Cpio;
  std::optional<Compression> compression; // unset: the format's default
  int compression_level = -1;             // -1: the compressor's default
  // Decided from the three above by load_config (config/encoding.h); what
  // the writers use.
  Encoding encoding;
  std::string output = "initrd.img";
  bool microcode = false;
  // Format=uki
  std::string stub;                      // Stub= (empty: systemd-stub's)
  std::string splash;                    // Splash= (a BMP)
  std::string secure_boot_key;           // SecureBootKey= (PEM, pkcs11:)
  std::string secure_boot_key_source;    // SecureBootKeySource= ("": file)
  std::string secure_boot_certificate;   // SecureBootCertificate=
  bool sign_later = false;               // SignLater=
  std::vector<std::string> uki_profiles; // UkiProfiles= (profile files)
  // Format=erofs: a dm-verity tree after the image; with Stage1=, a small
  // first-stage initrd at Output= that mounts the image (Stage2Output=)
  // found at Stage2Location= (see stage1/stage1.h for the syntax).
  bool verity = true;        // Verity=
  bool stage1 = false;       // Stage1=
  std::string stage2_output; // Stage2Output=, "": Output.erofs
  std::string stage2_location = "LABEL=initpack-stage2";
  std::vector<std::string> stage1_modules; // empty: virtio disks (stage 1)
  // Format=sysext/confext: KEY=VALUE lines of extension-release.NAME
  // (ID= and VERSION_ID= default to the host's os-release).
  std::vector<std::string> extension_release; // ExtensionRelease=

  // [Build]
  std::string cache_directory; // empty: XDG cache / /var/cache
  bool offline = false;
  bool strict = false; // Strict=: StrictWarn (util/diag.h) is an error
  int download_connections = 8;
  int download_timeout = 900;      // seconds for one transfer; 0: none
  int download_stall_timeout = 30; // seconds under 1 KiB before giving up
  std::optional<int64_t> source_date_epoch; // [Content] SourceDateEpoch=

  // Filled by load_config, not settings: where everything came from.
  std::string profiles_dir;                     // the profiles directory used
  std::vector<AppliedProfile> applied_profiles; // "default" first; nested
                                                // profiles before their user
  std::vector<ConfigFile> config_files;         // every file considered
  // INI key -> where its value came from ("file:line", "profile NAME
  // (file:line)", "command line (--flag)", "default"); a list names every
  // assignment since its last reset.
  std::map<std::string, std::vector<std::string>> origins;
  // List key -> item -> the origin of the assignment that last added it,
  // so that a stage can tell a shipped profile's deliberate choice from
  // the user's (RemovePackages=).
  std::map<std::string, std::map<std::string, std::string>> item_origins;
};

} // namespace initpack
