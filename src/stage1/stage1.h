// initpack-stage1: the whole first-stage initrd of a two-stage boot.
//
// The kernel unpacks a small cpio (this static binary as /init, a few
// kernel modules, /.stage1/stage1.conf) and runs us as PID 1. We load the
// modules, find the stage-2 EROFS image, put dm-verity over it (the root
// hash comes from the config baked into this initrd, else from the kernel
// command line), mount it, and make the rootfs look like the stage-2
// initrd: /usr is a read-only bind of the image's /usr, everything outside
// /usr (a few hundred KB of /etc and empty directories on a merged-/usr
// system) is copied. Then we exec its /init, systemd, which runs the
// normal initrd transaction and switches to the real root.
//
// Why the rootfs stays the root instead of a switch_root into the image:
// systemd 252 (Debian 12) only believes it runs in an initrd when "/" is
// a tmpfs or ramfs (in_initrd()); an EROFS or overlayfs root would make it
// boot the initrd as if it were the real system. Only /usr comes from the
// image, as on Flatcar, and that is where the bytes are.
//
// Failures (no image, a bad hash tree, a missing module) print one clear
// "initpack-stage1: ERROR: …" line and power the machine off after a
// pause. dm-verity first returns I/O errors, so an image whose superblock,
// metadata or systemd binary fails verification gets that line too (it
// names the image and the root hash): stage 1 mounts the image and reads
// stage 2's /init in full before starting it. Then the table is swapped
// for one with panic_on_corruption: a block that fails verification later
// panics the kernel, so a changed image never boots.
//
// This header holds the pieces with no side effects, shared with the unit
// tests; the binary is built static (see CMakeLists.txt) and uses only
// libc and the kernel's interfaces.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace initpack::stage1 {

constexpr const char *kConfigPath = "/.stage1/stage1.conf";
constexpr const char *kModulesDir = "/.stage1/modules";

// /.stage1/stage1.conf, written by `initpack build` (output/two_stage.cc):
//   location=LABEL=initpack-stage2    where the image is (see Location)
//   roothash=<64 hex digits>          dm-verity root hash; absent: none
//   module=virtio_blk.ko              one per line, in load order
//   timeout=30                        seconds to wait for the device
// and the kernel command line's initpack.stage2=LOCATION,
// initpack.roothash=HEX (used only when the config has no root hash, so a
// signed initrd's hash cannot be overridden) and initpack.timeout=SECONDS.
struct Config {
  std::string location;
  std::string roothash;
  std::vector<std::string> modules;
  int timeout_seconds = 30;
};

// Parses the config file's text; false with *err "line N: …" on a bad
// line. Unknown keys are errors: the file is written by the same initpack.
bool parse_config(std::string_view text, Config *out, std::string *err);
std::string format_config(const Config &config);

// Applies the kernel command line (the text of /proc/cmdline).
bool apply_cmdline(std::string_view cmdline, Config *config, std::string *err);

// Where the image is: "initrd" (a file in this initrd, /.stage1/stage2.img),
// a block device (/dev/NAME, LABEL=, PARTLABEL=), optionally followed by
// ":/PATH" for a file on the file system of that device.
struct Location {
  bool in_initrd = false;
  std::string device; // "/dev/vdb", "LABEL=ESP", "PARTLABEL=stage2"
  std::string path;   // "" or "/initpack/stage2.erofs"
};
bool parse_location(std::string_view text, Location *out, std::string *err);

constexpr const char *kInitrdImage = "/.stage1/stage2.img";

// What a device's first 4 KiB say: the file system and its label.
struct Probe {
  std::string type; // "erofs", "ext4", "vfat", or ""
  std::string label;
  uint64_t erofs_blocks = 0; // erofs: the image size in 4 KiB blocks
};
Probe probe_superblock(std::string_view first_4k);

// The verity superblock (veritysetup's format, see output/verity.cc) at
// the start of a hash area: what the dm table needs besides the root hash.
struct VeritySuper {
  uint64_t data_blocks = 0;
  std::string salt_hex;
  std::string algorithm;
  uint32_t data_block_size = 0, hash_block_size = 0;
};
bool parse_verity_superblock(std::string_view block, VeritySuper *out,
                             std::string *err);

bool is_hex_hash(std::string_view s); // 64 lowercase or uppercase hex digits

} // namespace initpack::stage1
