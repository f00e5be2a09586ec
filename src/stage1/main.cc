// initpack-stage1's main(): the steps of stage1.h in order. Runs as PID 1
// of the first-stage initrd; never returns.
#include "stage1/stage1.h"
#include "stage1/system.h"

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace initpack::stage1;

namespace {

constexpr const char *kImageMount = "/.stage1/stage2";
constexpr const char *kFsMount = "/.stage1/fs";
constexpr int kFailurePauseSeconds = 30;

double uptime() {
  timespec ts;
  clock_gettime(CLOCK_BOOTTIME, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

void say(const char *fmt, ...) {
  char msg[1024];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  dprintf(2, "initpack-stage1: %s\n", msg);
}

// The one way out on failure: a clear line on the console and in the
// kernel log, then a bounded pause so a person can read it, then off.
[[noreturn]] void die(const std::string &what) {
  say("ERROR: %s", what.c_str());
  int kmsg = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
  if (kmsg >= 0) {
    dprintf(kmsg, "<2>initpack-stage1: ERROR: %s\n", what.c_str());
    close(kmsg);
  }
  say("cannot start the stage-2 initrd; powering off in %d s",
      kFailurePauseSeconds);
  sleep(kFailurePauseSeconds);
  sync();
  reboot(RB_POWER_OFF);
  for (;;)
    pause();
}

void mount_api_filesystems() {
  std::string err;
  for (const char *dir :
       {"/dev", "/proc", "/sys", "/.stage1/stage2", "/.stage1/fs"})
    if (!mkdir_p(dir, 0755, &err))
      die(err);
  struct {
    const char *source, *target, *type;
  } mounts[] = {{"devtmpfs", "/dev", "devtmpfs"},
                {"proc", "/proc", "proc"},
                {"sysfs", "/sys", "sysfs"}};
  for (const auto &m : mounts)
    if (mount(m.source, m.target, m.type, MS_NOSUID | MS_NOEXEC, nullptr) !=
            0 &&
        errno != EBUSY)
      die(std::string("cannot mount ") + m.target + ": " + strerror(errno));
}

Config read_configuration() {
  Config config;
  std::string text, err;
  FILE *f = fopen(kConfigPath, "re");
  if (!f)
    die(std::string(kConfigPath) + ": " + strerror(errno));
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0)
    text.append(buf, n);
  fclose(f);
  if (!parse_config(text, &config, &err))
    die(std::string(kConfigPath) + ": " + err);
  f = fopen("/proc/cmdline", "re");
  text.clear();
  while (f && (n = fread(buf, 1, sizeof buf, f)) > 0)
    text.append(buf, n);
  if (f)
    fclose(f);
  if (!apply_cmdline(text, &config, &err))
    die("kernel command line: " + err);
  return config;
}

// The image as a block device: the device itself, a file on its file
// system, or the file that came inside this initrd, loop-attached.
std::string image_device(const Config &config, const Location &loc) {
  std::string dev, err;
  if (loc.in_initrd) {
    if (!attach_loop(kInitrdImage, &dev, &err))
      die(err);
    return dev;
  }
  if (!find_device(loc.device, config.timeout_seconds, &dev, &err))
    die("stage-2 image " + config.location + ": " + err);
  if (loc.path.empty())
    return dev;
  std::string block;
  if (!read_block(dev, 0, &block, &err))
    die(err);
  Probe p = probe_superblock(block);
  if (p.type.empty())
    die(dev + " (" + loc.device + "): no file system stage 1 knows");
  if (mount(dev.c_str(), kFsMount, p.type.c_str(), MS_RDONLY, nullptr) != 0)
    die("cannot mount " + dev + " (" + p.type + "): " + strerror(errno) +
        (errno == ENODEV ? " (add its module to Stage1Modules=)" : ""));
  std::string file = std::string(kFsMount) + loc.path;
  if (!attach_loop(file, &dev, &err))
    die("stage-2 image " + config.location + ": " + err);
  return dev;
}

// The stage-2 image as stage 1 mounts it: the device, and when a root hash
// is known the dm-verity device over it and what its table needs.
struct Stage2Device {
  std::string raw;     // the image's block device
  std::string mounted; // raw, or the verity device's node
  bool verity = false;
  uint64_t hash_offset = 0;
  VeritySuper sb;
};

constexpr const char *kVerityName = "initpack-stage2";

// dm-verity over the image when a root hash is known. Verification
// failures are I/O errors for now, so stage 1 can report them
// (probe_stage2); arm_panic makes them panics before stage 2 runs.
Stage2Device verified_device(const Config &config, const std::string &dev) {
  Stage2Device d;
  d.raw = d.mounted = dev;
  std::string block, err;
  if (!read_block(dev, 0, &block, &err))
    die(err);
  Probe p = probe_superblock(block);
  if (p.type != "erofs")
    die(dev + " holds no EROFS image (found '" + p.type + "')");
  if (config.roothash.empty()) {
    say("no root hash: mounting %s without verification", dev.c_str());
    return d;
  }
  d.hash_offset = p.erofs_blocks * 4096;
  if (!read_block(dev, d.hash_offset, &block, &err) ||
      !parse_verity_superblock(block, &d.sb, &err))
    die(dev + ": no dm-verity hash tree after the image: " + err);
  if (d.sb.data_blocks != p.erofs_blocks)
    die(dev + ": the hash tree covers " + std::to_string(d.sb.data_blocks) +
        " blocks, the image has " + std::to_string(p.erofs_blocks));
  if (!create_verity_device(kVerityName, dev, d.hash_offset, d.sb,
                            config.roothash, false, &d.mounted, &err))
    die(dev + ": " + err);
  d.verity = true;
  return d;
}

// The one message for an image that fails verification: which image,
// which hash, what could not be read.
[[noreturn]] void die_unverified(const Config &config, const Stage2Device &d,
                                 const std::string &what) {
  die("stage-2 image " + config.location + " (" + d.raw +
      ") fails dm-verity verification against root hash " + config.roothash +
      ": " + what + "; not booting it");
}

// Mounts the image and reads stage 2's /init (systemd) in full: a changed
// superblock, metadata block or systemd page is an I/O error here, which
// stage 1 reports before anything of stage 2 runs.
void mount_stage2(const Config &config, const Stage2Device &d) {
  if (mount(d.mounted.c_str(), kImageMount, "erofs", MS_RDONLY, nullptr) != 0) {
    if (d.verity && errno == EIO)
      die_unverified(config, d, "mounting it: " + std::string(strerror(EIO)));
    die("cannot mount the stage-2 image " + d.mounted + " (" + config.location +
        "): " + strerror(errno));
  }
  std::string init = std::string(kImageMount) + "/init";
  int fd = open(init.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    die("the stage-2 image " + config.location +
        " has no usable /init: " + strerror(errno));
  char buf[65536];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0) {
  }
  int e = errno;
  close(fd);
  if (n < 0 && d.verity && e == EIO)
    die_unverified(config, d, "reading /init: " + std::string(strerror(e)));
  if (n < 0)
    die("reading the stage-2 /init: " + std::string(strerror(e)));
}

// From here a block that fails verification panics the kernel: stage 2
// has no way to stop cleanly on an I/O error in a library it maps.
void arm_panic(const Config &config, const Stage2Device &d) {
  std::string err;
  if (d.verity && !arm_verity_panic(kVerityName, d.raw, d.hash_offset, d.sb,
                                    config.roothash, &err))
    die(d.raw + ": " + err);
}

// The rootfs becomes the stage-2 initrd: /usr from the image, the rest
// copied (see stage1.h for why).
void populate_root(const std::string &image_root) {
  std::string err;
  DIR *dir = opendir(image_root.c_str());
  if (!dir)
    die(image_root + ": " + strerror(errno));
  while (dirent *e = readdir(dir)) {
    std::string name = e->d_name;
    if (name == "." || name == ".." || name == "usr" || name == "dev" ||
        name == "proc" || name == "sys")
      continue;
    if (!copy_path(image_root + "/" + name, "/" + name, &err))
      die("copying the stage-2 initrd: " + err);
  }
  closedir(dir);
  std::string usr = image_root + "/usr";
  if (!mkdir_p("/usr", 0755, &err) ||
      mount(usr.c_str(), "/usr", nullptr, MS_BIND, nullptr) != 0 ||
      mount(nullptr, "/usr", nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY,
            nullptr) != 0)
    die("cannot bind " + usr + " on /usr: " + strerror(errno));
}

void remove_stage1_files(const Config &config) {
  for (const std::string &m : config.modules)
    unlink((std::string(kModulesDir) + "/" + m).c_str());
  rmdir(kModulesDir);
  unlink(kConfigPath);
  unlink(kInitrdImage); // the loop device keeps it while it is in use
}

} // namespace

int main(int argc, char **argv) {
  double start = uptime();
  if (getpid() != 1)
    say("warning: not running as PID 1");
  mount_api_filesystems();
  Config config = read_configuration();
  Location loc;
  std::string err;
  if (!parse_location(config.location, &loc, &err))
    die(err);

  std::string warnings;
  load_modules(kModulesDir, config.modules, &warnings);
  if (!warnings.empty())
    say("some modules did not load:\n%s", warnings.c_str());

  std::string dev = image_device(config, loc);
  Stage2Device stage2 = verified_device(config, dev);
  mount_stage2(config, stage2);
  arm_panic(config, stage2);
  populate_root(kImageMount);
  remove_stage1_files(config);
  say("stage 2 from %s%s ready in %.2f s (uptime %.2f s); starting /init",
      config.location.c_str(),
      config.roothash.empty() ? "" : " under dm-verity", uptime() - start,
      uptime());

  argv[0] = const_cast<char *>("/init");
  execv("/init", argv);
  die(std::string("cannot start the stage-2 /init: ") + strerror(errno));
  (void)argc;
}
