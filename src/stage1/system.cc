// Stage 1's kernel interfaces (system.h). Raw ioctls rather than
// libdevmapper and libblkid: stage 1 is one static binary run once per
// boot, and the two things it asks of device-mapper (create a device, load
// one verity table) and of block devices (a label from the first 4 KiB)
// are a few dozen lines; the static libraries would pull in udev and
// selinux code that has nothing to do at this point of a boot.
#include "stage1/system.h"

#include <cerrno>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <linux/dm-ioctl.h>
#include <linux/loop.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

namespace initpack::stage1 {

namespace {

std::string errstr(int e = errno) {
  return strerror(e);
}

bool read_text(const std::string &path, std::string *out) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return false;
  out->clear();
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0)
    out->append(buf, size_t(n));
  close(fd);
  return n == 0;
}

// "KEY=" value of a sysfs uevent file.
std::string uevent_value(const std::string &uevent, const std::string &key) {
  size_t at = 0;
  while (at < uevent.size()) {
    size_t nl = uevent.find('\n', at);
    std::string line = uevent.substr(at, nl - at);
    if (line.starts_with(key + "="))
      return line.substr(key.size() + 1);
    if (nl == std::string::npos)
      break;
    at = nl + 1;
  }
  return "";
}

// One pass over /sys/class/block; "" when nothing matches yet.
std::string scan_devices(const std::string &spec) {
  bool by_label = spec.starts_with("LABEL=");
  std::string want = spec.substr(spec.find('=') + 1);
  DIR *dir = opendir("/sys/class/block");
  if (!dir)
    return "";
  std::string found;
  while (dirent *e = readdir(dir)) {
    std::string name = e->d_name;
    if (name[0] == '.' || name.starts_with("loop") || name.starts_with("ram"))
      continue;
    std::string uevent;
    if (!read_text("/sys/class/block/" + name + "/uevent", &uevent))
      continue;
    std::string devname = uevent_value(uevent, "DEVNAME");
    if (devname.empty())
      continue;
    std::string path = "/dev/" + devname;
    if (!by_label) {
      if (uevent_value(uevent, "PARTNAME") == want)
        found = path;
    } else {
      std::string block, err;
      if (read_block(path, 0, &block, &err) &&
          probe_superblock(block).label == want)
        found = path;
    }
    if (!found.empty())
      break;
  }
  closedir(dir);
  return found;
}

double now() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

} // namespace

void load_modules(const std::string &dir, const std::vector<std::string> &files,
                  std::string *warnings) {
  for (const std::string &f : files) {
    std::string path = dir + "/" + f;
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      *warnings += path + ": " + errstr() + "\n";
      continue;
    }
    if (syscall(SYS_finit_module, fd, "", 0) != 0 && errno != EEXIST &&
        errno != ENODEV)
      *warnings += f + ": " + errstr() + "\n";
    close(fd);
  }
}

bool read_block(const std::string &path, uint64_t offset, std::string *out,
                std::string *err) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *err = path + ": " + errstr();
    return false;
  }
  out->assign(4096, '\0');
  ssize_t n = pread(fd, out->data(), out->size(), off_t(offset));
  int e = errno;
  close(fd);
  if (n != ssize_t(out->size())) {
    *err = path + ": cannot read 4096 bytes at " + std::to_string(offset) +
           ": " + (n < 0 ? errstr(e) : std::string("short read"));
    return false;
  }
  return true;
}

bool find_device(const std::string &spec, int timeout_seconds,
                 std::string *dev_path, std::string *err) {
  double deadline = now() + timeout_seconds;
  do {
    if (spec.starts_with("/dev/")) {
      struct stat st;
      if (stat(spec.c_str(), &st) == 0 && S_ISBLK(st.st_mode)) {
        *dev_path = spec;
        return true;
      }
    } else if (std::string path = scan_devices(spec); !path.empty()) {
      *dev_path = path;
      return true;
    }
    usleep(20000);
  } while (now() < deadline);
  *err = "no block device " + spec + " appeared within " +
         std::to_string(timeout_seconds) + " s";
  return false;
}

bool attach_loop(const std::string &file, std::string *dev_path,
                 std::string *err) {
  int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
  if (ctl < 0) {
    *err = "/dev/loop-control: " + errstr() + " (is the loop module loaded?)";
    return false;
  }
  int n = ioctl(ctl, LOOP_CTL_GET_FREE);
  close(ctl);
  if (n < 0) {
    *err = "no free loop device: " + errstr();
    return false;
  }
  *dev_path = "/dev/loop" + std::to_string(n);
  int backing = open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (backing < 0) {
    *err = file + ": " + errstr();
    return false;
  }
  int loop = open(dev_path->c_str(), O_RDONLY | O_CLOEXEC);
  if (loop < 0) {
    *err = *dev_path + ": " + errstr();
    close(backing);
    return false;
  }
  loop_config config{};
  config.fd = uint32_t(backing);
  config.block_size = 4096;
  config.info.lo_flags =
      LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR | LO_FLAGS_DIRECT_IO;
  bool ok = ioctl(loop, LOOP_CONFIGURE, &config) == 0;
  if (!ok)
    *err = *dev_path + ": LOOP_CONFIGURE for " + file + ": " + errstr();
  // Autoclear detaches the loop device when its last opener closes it, so
  // our descriptor stays open (close-on-exec) until the verity table or
  // the mount holds the device; after that, their release detaches it.
  close(backing);
  if (!ok)
    close(loop);
  return ok;
}

namespace {

// One dm ioctl with room for a table or a status reply after the header.
struct DmRequest {
  alignas(8) char buf[16384] = {};
  dm_ioctl *header() { return reinterpret_cast<dm_ioctl *>(buf); }

  explicit DmRequest(const std::string &name) {
    dm_ioctl *h = header();
    h->version[0] = DM_VERSION_MAJOR;
    h->data_size = sizeof buf;
    h->data_start = sizeof(dm_ioctl);
    strncpy(h->name, name.c_str(), sizeof h->name - 1);
  }
};

bool dm_call(int ctl, unsigned long cmd, DmRequest &req, const char *what,
             std::string *err) {
  if (ioctl(ctl, cmd, req.buf) == 0)
    return true;
  *err = std::string("device-mapper ") + what + ": " + errstr();
  return false;
}

} // namespace

namespace {

// <version> <data dev> <hash dev> <data/hash block size> <data blocks>
// <hash start block> <algorithm> <root> <salt> <#opts> <opts>
std::string verity_params(const std::string &devno, uint64_t hash_offset,
                          const VeritySuper &sb, const std::string &roothash,
                          bool panic) {
  return "1 " + devno + " " + devno + " 4096 4096 " +
         std::to_string(sb.data_blocks) + " " +
         std::to_string(hash_offset / 4096 + 1) + " sha256 " + roothash + " " +
         sb.salt_hex + (panic ? " 1 panic_on_corruption" : " 0");
}

// Loads a one-target verity table into `name`'s inactive slot and resumes
// the device, which swaps it in (suspending first if the device is live).
bool load_verity_table(int ctl, const std::string &name,
                       const std::string &params, uint64_t data_blocks,
                       std::string *err) {
  DmRequest load(name);
  dm_ioctl *h = load.header();
  h->flags = DM_READONLY_FLAG;
  h->target_count = 1;
  auto *spec = reinterpret_cast<dm_target_spec *>(load.buf + sizeof(dm_ioctl));
  spec->sector_start = 0;
  spec->length = data_blocks * 8; // 512-byte sectors
  strcpy(spec->target_type, "verity");
  char *p = reinterpret_cast<char *>(spec + 1);
  memcpy(p, params.c_str(), params.size() + 1);
  size_t end = sizeof(dm_ioctl) + sizeof(dm_target_spec) + params.size() + 1;
  end = (end + 7) / 8 * 8;
  spec->next = uint32_t(end - sizeof(dm_ioctl));
  h->data_size = uint32_t(end);
  DmRequest resume(name);
  return dm_call(ctl, DM_TABLE_LOAD, load, "verity table", err) &&
         dm_call(ctl, DM_DEV_SUSPEND, resume, "resume", err);
}

bool device_number(const std::string &dev, std::string *devno,
                   std::string *err) {
  struct stat st;
  if (stat(dev.c_str(), &st) != 0) {
    *err = dev + ": " + errstr();
    return false;
  }
  *devno = std::to_string(major(st.st_rdev)) + ":" +
           std::to_string(minor(st.st_rdev));
  return true;
}

int open_dm_control(std::string *err) {
  int ctl = open("/dev/mapper/control", O_RDWR | O_CLOEXEC);
  if (ctl < 0)
    *err = "/dev/mapper/control: " + errstr() + " (is dm-mod loaded?)";
  return ctl;
}

} // namespace

// Loads and resumes `name`'s verity table over `dev`, creating the dm
// device first when `create` is set (its number lands in *dm_dev).
static bool set_verity_table(const std::string &name, const std::string &dev,
                             uint64_t hash_offset, const VeritySuper &sb,
                             const std::string &roothash, bool panic,
                             bool create, uint64_t *dm_dev, std::string *err) {
  std::string devno;
  if (!device_number(dev, &devno, err))
    return false;
  int ctl = open_dm_control(err);
  if (ctl < 0)
    return false;
  DmRequest request(name);
  bool ok =
      (!create || dm_call(ctl, DM_DEV_CREATE, request, "create", err)) &&
      load_verity_table(ctl, name,
                        verity_params(devno, hash_offset, sb, roothash, panic),
                        sb.data_blocks, err);
  if (dm_dev)
    *dm_dev = request.header()->dev;
  close(ctl);
  return ok;
}

bool create_verity_device(const std::string &name, const std::string &dev,
                          uint64_t hash_offset, const VeritySuper &sb,
                          const std::string &roothash, bool panic,
                          std::string *node, std::string *err) {
  uint64_t dm_dev = 0;
  if (!set_verity_table(name, dev, hash_offset, sb, roothash, panic,
                        /*create=*/true, &dm_dev, err))
    return false;
  *node = "/.stage1/" + name;
  unlink(node->c_str());
  if (mknod(node->c_str(), S_IFBLK | 0400, dev_t(dm_dev)) != 0) {
    *err = *node + ": " + errstr();
    return false;
  }
  return true;
}

bool arm_verity_panic(const std::string &name, const std::string &dev,
                      uint64_t hash_offset, const VeritySuper &sb,
                      const std::string &roothash, std::string *err) {
  return set_verity_table(name, dev, hash_offset, sb, roothash,
                          /*panic=*/true, /*create=*/false, nullptr, err);
}

bool mkdir_p(const std::string &path, mode_t mode, std::string *err) {
  for (size_t i = 1; i <= path.size(); i++) {
    if (i < path.size() && path[i] != '/')
      continue;
    std::string part = path.substr(0, i);
    if (mkdir(part.c_str(), mode) != 0 && errno != EEXIST) {
      *err = part + ": " + errstr();
      return false;
    }
  }
  return true;
}

namespace {

bool copy_file(const std::string &src, const std::string &dst,
               const struct stat &st, std::string *err) {
  int in = open(src.c_str(), O_RDONLY | O_CLOEXEC);
  if (in < 0) {
    *err = src + ": " + errstr();
    return false;
  }
  unlink(dst.c_str());
  int out = open(dst.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (out < 0) {
    *err = dst + ": " + errstr();
    close(in);
    return false;
  }
  bool ok = true;
  char buf[65536];
  ssize_t n;
  while (ok && (n = read(in, buf, sizeof buf)) != 0) {
    ok = n > 0 && write(out, buf, size_t(n)) == n;
    if (!ok)
      *err = src + ": " + errstr();
  }
  close(in);
  close(out);
  return ok;
}

// Owner, mode (not for symlinks) and mtime of a copied entry.
bool copy_attributes(const std::string &dst, const struct stat &st,
                     std::string *err) {
  bool ok =
      lchown(dst.c_str(), st.st_uid, st.st_gid) == 0 &&
      (S_ISLNK(st.st_mode) || chmod(dst.c_str(), st.st_mode & 07777) == 0);
  timespec times[2] = {st.st_mtim, st.st_mtim};
  ok = ok && utimensat(AT_FDCWD, dst.c_str(), times, AT_SYMLINK_NOFOLLOW) == 0;
  if (!ok)
    *err = dst + ": " + errstr();
  return ok;
}

} // namespace

bool copy_path(const std::string &src, const std::string &dst,
               std::string *err) {
  struct stat st;
  if (lstat(src.c_str(), &st) != 0) {
    *err = src + ": " + errstr();
    return false;
  }
  if (S_ISDIR(st.st_mode)) {
    if (mkdir(dst.c_str(), 0700) != 0 && errno != EEXIST) {
      *err = dst + ": " + errstr();
      return false;
    }
    return copy_tree(src, dst, err) && copy_attributes(dst, st, err);
  }
  unlink(dst.c_str());
  bool ok = true;
  if (S_ISREG(st.st_mode)) {
    ok = copy_file(src, dst, st, err);
  } else if (S_ISLNK(st.st_mode)) {
    char target[4096];
    ssize_t n = readlink(src.c_str(), target, sizeof target - 1);
    ok = n > 0;
    if (ok) {
      target[n] = '\0';
      ok = symlink(target, dst.c_str()) == 0;
    }
    if (!ok)
      *err = dst + ": " + errstr();
  } else if (mknod(dst.c_str(), st.st_mode, st.st_rdev) != 0) {
    *err = dst + ": " + errstr();
    ok = false;
  }
  return ok && copy_attributes(dst, st, err);
}

bool copy_tree(const std::string &src, const std::string &dst,
               std::string *err) {
  DIR *dir = opendir(src.c_str());
  if (!dir) {
    *err = src + ": " + errstr();
    return false;
  }
  bool ok = true;
  while (dirent *e = readdir(dir)) {
    std::string name = e->d_name;
    if (name == "." || name == "..")
      continue;
    if (!copy_path(src + "/" + name, dst + "/" + name, err)) {
      ok = false;
      break;
    }
  }
  closedir(dir);
  return ok;
}

} // namespace initpack::stage1
