#include "kernel/storage_stack.h"

#include "kernel/host_devices.h"
#include "util/fs.h"
#include "util/strings.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

namespace fs = std::filesystem;

namespace initpack {

namespace {

std::string read_attr(const std::string &path) {
  std::string s, err;
  if (!read_file(path, &s, &err))
    return "";
  return std::string(trim(s));
}

// Depth first from the mounted device through slaves/; a device reached
// twice (two LVs on one PV cannot both be /, but be safe) is listed once.
void walk_stack(const std::string &link, int depth, RootStorage *out) {
  std::error_code ec;
  std::string dev = fs::canonical(link, ec).string();
  if (ec || depth > 8)
    return;
  StackLayer layer;
  layer.name = fs::path(dev).filename().string();
  for (const StackLayer &l : out->layers)
    if (l.name == layer.name)
      return;
  layer.dm_name = read_attr(dev + "/dm/name");
  layer.dm_uuid = read_attr(dev + "/dm/uuid");
  layer.md_level = read_attr(dev + "/md/level");
  out->layers.push_back(layer);
  std::vector<std::string> slaves = list_dir(dev + "/slaves");
  std::sort(slaves.begin(), slaves.end());
  for (const std::string &slave : slaves)
    walk_stack(dev + "/slaves/" + slave, depth + 1, out);
}

bool is_dm_crypt(const StackLayer &l) {
  // dm-verity and dm-integrity also use CRYPT- uuids; they are not unlocked.
  return l.dm_uuid.starts_with("CRYPT-") &&
         !l.dm_uuid.starts_with("CRYPT-VERITY-") &&
         !l.dm_uuid.starts_with("CRYPT-INTEGRITY-");
}

std::vector<std::string> split_words(std::string_view line) {
  std::vector<std::string> f;
  std::istringstream in{std::string(line)};
  std::string w;
  while (in >> w)
    f.push_back(w);
  return f;
}

bool has_option(const std::string &options, const std::string &name) {
  std::istringstream in(options);
  std::string opt;
  while (std::getline(in, opt, ','))
    if (opt == name || opt.starts_with(name + "="))
      return true;
  return false;
}

} // namespace

bool read_root_storage(const std::string &sysfs_root,
                       const std::string &proc_root, RootStorage *out,
                       std::string *err) {
  std::string path = proc_root + "/self/mountinfo", text;
  if (!read_file(path, &text, err))
    return false;
  RootMount mount;
  if (!parse_root_mount(text, &mount)) {
    *err = "no mount of / in " + path;
    return false;
  }
  out->fstype = mount.fstype;
  out->source = mount.source;
  std::string link = root_device_link(sysfs_root, mount);
  if (link.empty()) {
    *err = "the device of / (" + mount.source + ", " + mount.dev +
           ") is not in " + sysfs_root;
    return true; // the file system type alone still says something
  }
  walk_stack(link, 0, out);
  return true;
}

bool parse_crypttab(const std::string &text, const std::string &path,
                    std::vector<CrypttabEntry> *out, std::string *err) {
  int n = 0;
  for (std::string_view line : split_lines(text)) {
    n++;
    std::vector<std::string> f = split_words(line);
    if (f.empty() || f[0].starts_with("#"))
      continue;
    if (f.size() < 2 || f.size() > 4) {
      *err = path + ":" + std::to_string(n) +
             ": expected NAME DEVICE [KEYFILE [OPTIONS]], got: " +
             std::string(line);
      return false;
    }
    f.resize(4);
    out->push_back({f[0], f[1], f[2], f[3], std::string(line), n});
  }
  return true;
}

std::vector<CrypttabEntry>
root_crypttab_entries(const RootStorage &root,
                      const std::vector<CrypttabEntry> &crypttab) {
  std::vector<CrypttabEntry> out;
  for (const CrypttabEntry &e : crypttab)
    for (const StackLayer &l : root.layers)
      if (is_dm_crypt(l) && l.dm_name == e.name) {
        out.push_back(e);
        break;
      }
  return out;
}

std::vector<StorageProfile>
storage_profiles(const RootStorage &root,
                 const std::vector<CrypttabEntry> &root_entries) {
  std::vector<StorageProfile> found;
  auto add = [&](const std::string &name, const std::string &why) {
    for (const StorageProfile &p : found)
      if (p.name == name)
        return;
    found.push_back({name, why});
  };
  for (const StackLayer &l : root.layers) {
    if (is_dm_crypt(l))
      add("luks", "root on dm-crypt " + l.name + " (" + l.dm_uuid + ")");
    else if (l.dm_uuid.starts_with("LVM-"))
      add("lvm", "root on LVM volume " + l.dm_name + " (" + l.name + ")");
    if (!l.md_level.empty())
      add("raid", "root on md " + l.md_level + " " + l.name);
  }
  for (const CrypttabEntry &e : root_entries)
    if (has_option(e.options, "tpm2-device"))
      add("tpm2", "crypttab entry " + e.name + " unlocks with a TPM2");
  if (root.fstype == "btrfs" || root.fstype == "xfs")
    add(root.fstype, "root file system is " + root.fstype);
  // A fixed order, whatever the stack's: the profiles' order in the image.
  static const char *order[] = {"luks", "tpm2", "lvm", "raid", "btrfs", "xfs"};
  std::vector<StorageProfile> out;
  for (const char *name : order)
    for (const StorageProfile &p : found)
      if (p.name == name)
        out.push_back(p);
  return out;
}

std::vector<StorageProfile> detect_storage_profiles(
    const std::string &sysfs_root, const std::string &proc_root,
    const std::string &crypttab_path, std::vector<std::string> *notes) {
  RootStorage root;
  std::string err;
  bool ok = read_root_storage(sysfs_root, proc_root, &root, &err);
  if (!err.empty())
    notes->push_back("storage of /: " + err);
  if (!ok)
    return {};
  std::vector<CrypttabEntry> crypttab;
  std::string text;
  if (read_file(crypttab_path, &text, &err) &&
      !parse_crypttab(text, crypttab_path, &crypttab, &err))
    notes->push_back(err);
  return storage_profiles(root, root_crypttab_entries(root, crypttab));
}

} // namespace initpack
