#include "kernel/host_devices.h"

#include "util/fs.h"

#include <algorithm>
#include <filesystem>
#include <sstream>

namespace fs = std::filesystem;

namespace initpack {

namespace {

// What a user recognises: "/sys/devices/…" even when reading a recording.
std::string shown(const std::string &root, const std::string &path,
                  const char *as) {
  if (path.compare(0, root.size(), root) == 0)
    return as + path.substr(root.size());
  return path;
}

std::string read_attr(const std::string &path) {
  std::string s, err;
  if (!read_file(path, &s, &err))
    return "";
  while (!s.empty() && (s.back() == '\n' || s.back() == ' '))
    s.pop_back();
  return s;
}

std::string link_basename(const std::string &link) {
  std::error_code ec;
  fs::path target = fs::read_symlink(link, ec);
  if (ec)
    return "";
  return target.filename().string();
}

// Every modalias under devices/, in path order. Directory symlinks
// (subsystem, driver, …) are not followed: sysfs is full of cycles.
void scan_modaliases(const std::string &sysfs_root,
                     std::vector<HostModuleRequest> *out,
                     std::vector<std::string> *notes) {
  std::string devices = sysfs_root + "/devices";
  std::error_code ec;
  fs::recursive_directory_iterator it(
      devices, fs::directory_options::skip_permission_denied, ec);
  if (ec) {
    notes->push_back("cannot read " + devices + ": " + ec.message());
    return;
  }
  std::vector<std::pair<std::string, std::string>> found;
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) { // the iterator is at its end after an error
      notes->push_back("stopped reading " + devices + ": " + ec.message());
      break;
    }
    if (it->path().filename() != "modalias" || !it->is_regular_file(ec))
      continue;
    std::string alias = read_attr(it->path().string());
    if (!alias.empty())
      found.emplace_back(it->path().parent_path().string(), alias);
  }
  std::sort(found.begin(), found.end());
  for (auto &[dir, alias] : found)
    out->push_back({HostModuleRequest::Kind::Alias, alias,
                    "host device " + shown(sysfs_root, dir, "/sys")});
}

void scan_loaded_modules(const std::string &proc_root,
                         std::vector<HostModuleRequest> *out,
                         std::vector<std::string> *notes) {
  std::string path = proc_root + "/modules", text, err;
  if (!read_file(path, &text, &err)) {
    notes->push_back("no loaded modules listed: " + path + ": " + err);
    return;
  }
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::string name = line.substr(0, line.find(' '));
    if (!name.empty())
      out->push_back({HostModuleRequest::Kind::Module, name,
                      "loaded on the host (/proc/modules)"});
  }
}

// Mount points in mountinfo escape blanks as \040; "/" never needs it.
std::vector<std::string> split_fields(const std::string &line) {
  std::vector<std::string> f;
  std::istringstream in(line);
  std::string w;
  while (in >> w)
    f.push_back(w);
  return f;
}

class RootChainWalker {
public:
  RootChainWalker(const std::string &sysfs_root,
                  std::vector<HostModuleRequest> *out,
                  std::vector<std::string> *notes)
      : root_(sysfs_root), out_(out), notes_(notes) {
    std::error_code ec;
    devices_ = fs::weakly_canonical(root_ + "/devices", ec).string();
  }

  void walk(const std::string &link, int depth);

private:
  void add(HostModuleRequest::Kind kind, const std::string &key,
           const std::string &why) {
    out_->push_back({kind, key, why});
  }
  void stacked(const std::string &dev, const std::string &name);
  void parents(const std::string &dev);

  std::string root_, devices_;
  std::vector<HostModuleRequest> *out_;
  std::vector<std::string> *notes_;
};

void RootChainWalker::walk(const std::string &link, int depth) {
  if (depth > 8) {
    notes_->push_back("root device stack deeper than 8 at " + link);
    return;
  }
  std::error_code ec;
  std::string dev = fs::canonical(link, ec).string();
  if (ec || dev.compare(0, devices_.size() + 1, devices_ + "/") != 0) {
    notes_->push_back("root device " + link + " does not lead into " + root_ +
                      "/devices");
    return;
  }
  stacked(dev, fs::path(dev).filename().string());
  for (const std::string &slave : list_dir(dev + "/slaves"))
    walk(dev + "/slaves/" + slave, depth + 1);
  parents(dev);
}

// Device-mapper and md targets load their modules on demand; the table
// that names them is not in sysfs, but the uuid prefix and md level are.
void RootChainWalker::stacked(const std::string &dev, const std::string &name) {
  using K = HostModuleRequest::Kind;
  std::string why = "root device stack: " + name;
  if (file_exists(dev + "/dm/name")) {
    std::string uuid = read_attr(dev + "/dm/uuid");
    add(K::Module, "dm_mod", why + " (device-mapper)");
    if (uuid.starts_with("CRYPT-VERITY-"))
      add(K::Module, "dm_verity", why + " (dm uuid " + uuid + ")");
    else if (uuid.starts_with("CRYPT-INTEGRITY-"))
      add(K::Module, "dm_integrity", why + " (dm uuid " + uuid + ")");
    else if (uuid.starts_with("CRYPT-")) {
      add(K::Module, "dm_crypt", why + " (dm uuid " + uuid + ")");
      // The cipher is in the dm table, which sysfs does not show; these
      // cover LUKS2's default aes-xts-plain64 and the older aes-cbc-essiv.
      for (const char *alg : {"crypto-xts", "crypto-aes", "crypto-cbc",
                              "crypto-essiv", "crypto-sha256"})
        add(K::Alias, alg, why + " (dm-crypt cipher)");
    }
  }
  std::string level = read_attr(dev + "/md/level");
  if (!level.empty()) {
    std::string mod = level;
    if (level == "raid4" || level == "raid5" || level == "raid6")
      mod = "raid456";
    add(K::Module, mod, why + " (md " + level + ")");
  }
}

// From the block device up to its controller: each parent's driver.
void RootChainWalker::parents(const std::string &dev) {
  using K = HostModuleRequest::Kind;
  for (fs::path d = dev; d.string().size() > devices_.size();
       d = d.parent_path()) {
    std::string dir = d.string();
    std::string why =
        "root device chain " + shown(devices_, dir, "/sys/devices");
    std::string module = link_basename(dir + "/driver/module");
    std::string driver = link_basename(dir + "/driver");
    if (!module.empty())
      add(K::Module, module, why + " (driver " + driver + ")");
    else if (!driver.empty())
      add(K::Module, driver, why + " (driver " + driver + ")");
    std::string alias = read_attr(dir + "/modalias");
    if (!alias.empty())
      add(K::Alias, alias, why);
  }
}

void scan_root_chain(const std::string &sysfs_root,
                     const std::string &proc_root,
                     std::vector<HostModuleRequest> *out,
                     std::vector<std::string> *notes) {
  std::string path = proc_root + "/self/mountinfo", text, err;
  if (!read_file(path, &text, &err)) {
    notes->push_back("root file system unknown: " + path + ": " + err);
    return;
  }
  RootMount root;
  if (!parse_root_mount(text, &root)) {
    notes->push_back("root file system unknown: no mount of / in " + path);
    return;
  }
  out->push_back(
      {HostModuleRequest::Kind::Filesystem, root.fstype,
       "file system of / (" + root.fstype + " on " + root.source + ")"});
  std::string link = root_device_link(sysfs_root, root);
  if (link.empty()) {
    notes->push_back("root device of " + root.source + " (" + root.dev +
                     ") not found in " + sysfs_root);
    return;
  }
  RootChainWalker(sysfs_root, out, notes).walk(link, 0);
}

} // namespace

std::string root_device_link(const std::string &sysfs_root,
                             const RootMount &root) {
  std::string link;
  if (!root.dev.starts_with("0:"))
    link = sysfs_root + "/dev/block/" + root.dev;
  else if (root.source.starts_with("/dev/"))
    // btrfs and other multi-device file systems report an anonymous 0:N.
    link = sysfs_root + "/class/block/" + basename(root.source);
  if (link.empty() || !fs::exists(fs::symlink_status(link)))
    return "";
  return link;
}

bool parse_root_mount(const std::string &mountinfo, RootMount *out) {
  std::istringstream in(mountinfo);
  std::string line;
  bool found = false;
  // Later mounts on / hide earlier ones: the last line wins.
  while (std::getline(in, line)) {
    std::vector<std::string> f = split_fields(line);
    if (f.size() < 7 || f[4] != "/")
      continue;
    auto sep = std::find(f.begin() + 6, f.end(), "-");
    if (sep == f.end() || f.end() - sep < 3)
      continue;
    out->dev = f[2];
    out->fstype = *(sep + 1);
    out->source = *(sep + 2);
    found = true;
  }
  return found;
}

std::vector<HostModuleRequest>
scan_host_devices(const std::string &sysfs_root, const std::string &proc_root,
                  std::vector<std::string> *notes) {
  std::vector<HostModuleRequest> out;
  scan_modaliases(sysfs_root, &out, notes);
  scan_loaded_modules(proc_root, &out, notes);
  scan_root_chain(sysfs_root, proc_root, &out, notes);
  return out;
}

} // namespace initpack
