// Hostonly storage: what the root file system is stacked on (dm-crypt, LVM,
// md RAID, down to the disks), read from sysfs and procfs like
// kernel/host_devices.h, and which storage profiles (profiles/luks, lvm,
// raid, tpm2, btrfs, xfs) an image needs to mount it. Also the host's
// /etc/crypttab (crypttab(5)), of which a hostonly image keeps the root's
// entries. Files read:
//
//   PROC/self/mountinfo            the device and fs type mounted on /
//   SYSFS/dev/block/MAJ:MIN        -> the root block device (btrfs: 0:N in
//   SYSFS/class/block/NAME            mountinfo, so by the source's name)
//   …/slaves/*                     the devices under a dm or md device
//   …/dm/name, …/dm/uuid           dm-crypt ("CRYPT-LUKS2-…"), LVM ("LVM-…")
//   …/md/level                     md RAID
#pragma once

#include <string>
#include <vector>

namespace initpack {

// One block device of the root's stack.
struct StackLayer {
  std::string name;     // kernel name: dm-0, md127, vda1
  std::string dm_name;  // device-mapper name (the crypttab name for dm-crypt)
  std::string dm_uuid;  // CRYPT-LUKS2-<uuid>-<name>, LVM-<vg><lv uuids>, …
  std::string md_level; // raid1, raid5, …
};

struct RootStorage {
  std::string fstype, source;
  // The mounted device first, then each device's slaves, depth first.
  std::vector<StackLayer> layers;
};

// False (and *err says why) when / or its device cannot be found.
bool read_root_storage(const std::string &sysfs_root,
                       const std::string &proc_root, RootStorage *out,
                       std::string *err);

// One line of crypttab(5): NAME DEVICE [KEYFILE [OPTIONS]].
struct CrypttabEntry {
  std::string name, device, key_file, options;
  std::string line; // as written, for copying into the image
  int line_number = 0;
};

// Parses crypttab text; blank lines and comments are skipped. A line with
// fewer than two fields is an error "PATH:LINE: …".
bool parse_crypttab(const std::string &text, const std::string &path,
                    std::vector<CrypttabEntry> *out, std::string *err);

// The entries whose NAME is a dm-crypt device of the root's stack.
std::vector<CrypttabEntry>
root_crypttab_entries(const RootStorage &root,
                      const std::vector<CrypttabEntry> &crypttab);

struct StorageProfile {
  std::string name; // a directory under profiles/
  std::string why;  // "root on dm-crypt dm-0 (CRYPT-LUKS2-…)"
};

// The profiles the stack needs, each once, in a fixed order (luks, tpm2,
// lvm, raid, btrfs, xfs). tpm2 when a root crypttab entry asks for it.
std::vector<StorageProfile>
storage_profiles(const RootStorage &root,
                 const std::vector<CrypttabEntry> &root_entries);

// All of the above for a machine: reads the stack and the crypttab at
// `crypttab_path` (a missing file is no crypttab). What cannot be read goes
// to *notes; the result is then what could be found.
std::vector<StorageProfile> detect_storage_profiles(
    const std::string &sysfs_root, const std::string &proc_root,
    const std::string &crypttab_path, std::vector<std::string> *notes);

} // namespace initpack
