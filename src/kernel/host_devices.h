// Hostonly mode: what this machine's devices need, read from sysfs and
// procfs (or a recorded copy of them, so tests and the integrator can
// describe another machine). The reader opens only these, and copes when
// any of them is missing:
//
//   SYSFS/devices/**/modalias         every device's alias, as udev loads it
//   PROC/modules                      modules loaded now (absent on some hosts)
//   PROC/self/mountinfo               the device and fs type mounted on /
//   SYSFS/dev/block/MAJ:MIN           -> the root block device in devices/
//   SYSFS/class/block/NAME            the same by name (btrfs: 0:N in
//   mountinfo) …/driver, …/driver/module         links naming each parent's
//   driver …/slaves/*, …/dm/uuid, …/md/level stacked devices: dm-crypt, LVM, md
//   RAID
#pragma once

#include <string>
#include <vector>

namespace initpack {

struct HostModuleRequest {
  enum class Kind { Alias, Module, Filesystem };
  Kind kind = Kind::Alias;
  std::string key; // a modalias, a module or driver name, an fs type
  std::string why; // --explain: "host device /sys/devices/…"
};

// In a stable order (sorted device paths, then loaded modules, then the
// root file system chain). `notes` receives what could not be read, for
// --verbose.
std::vector<HostModuleRequest>
scan_host_devices(const std::string &sysfs_root, const std::string &proc_root,
                  std::vector<std::string> *notes);

// The mount of "/" in a mountinfo file's text: its "MAJ:MIN", fs type and
// source. Returns false when no line mounts "/".
struct RootMount {
  std::string dev, fstype, source;
};
bool parse_root_mount(const std::string &mountinfo, RootMount *out);
// The root's block device in sysfs_root (a /dev/block/MAJ:MIN or
// /class/block/NAME link); "" when it is not there.
std::string root_device_link(const std::string &sysfs_root,
                             const RootMount &root);

} // namespace initpack
