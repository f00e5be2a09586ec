// Hostonly reading of a recorded sysfs/procfs: what it asks libkmod for.
#include "fake_kernel.h"
#include "kernel/host_devices.h"

#include <gtest/gtest.h>

using namespace initpack;
using namespace initpack::testing;

namespace {

using Kind = HostModuleRequest::Kind;

bool has(const std::vector<HostModuleRequest> &reqs, Kind kind,
         const std::string &key, const std::string &why_part = "") {
  for (const HostModuleRequest &r : reqs)
    if (r.kind == kind && r.key == key &&
        r.why.find(why_part) != std::string::npos)
      return true;
  return false;
}

std::string dump(const std::vector<HostModuleRequest> &reqs) {
  std::string s;
  for (const HostModuleRequest &r : reqs)
    s += std::to_string(static_cast<int>(r.kind)) + " " + r.key + " <- " +
         r.why + "\n";
  return s;
}

} // namespace

TEST(ParseRootMount, LastMountOnRootWins) {
  RootMount m;
  ASSERT_TRUE(parse_root_mount(
      "1 0 0:2 / / rw - rootfs rootfs rw\n"
      "30 1 8:3 / / rw,relatime shared:1 master:2 - ext4 /dev/sda3 rw\n"
      "31 30 0:5 / /proc rw - proc proc rw\n",
      &m));
  EXPECT_EQ(m.dev, "8:3");
  EXPECT_EQ(m.fstype, "ext4");
  EXPECT_EQ(m.source, "/dev/sda3");
  EXPECT_FALSE(parse_root_mount("31 30 0:5 / /proc rw - proc proc rw\n", &m));
  EXPECT_FALSE(parse_root_mount("garbage\n", &m));
}

TEST(ScanHostDevices, ModaliasesAndTheRootChain) {
  TempDir t;
  ASSERT_EQ(build_fake_machine(t.path()), "");
  std::vector<std::string> notes;
  auto reqs = scan_host_devices(t.path() + "/sys", t.path() + "/proc", &notes);
  EXPECT_TRUE(has(reqs, Kind::Alias,
                  "pci:v00001AF4d00001001sv00001AF4sd00000002bc01sc00i00",
                  "host device /sys/devices/pci0000:00/0000:00:04.0"))
      << dump(reqs);
  EXPECT_TRUE(has(reqs, Kind::Alias, "platform:i8042",
                  "host device /sys/devices/platform/i8042"));
  EXPECT_TRUE(has(reqs, Kind::Filesystem, "fakefs", "file system of /"));
  // The driver chain: the module link where there is one, else the driver.
  EXPECT_TRUE(has(reqs, Kind::Module, "fake_blk",
                  "root device chain /sys/devices/pci0000:00/0000:00:04.0/"
                  "virtio1 (driver fake_blk)"))
      << dump(reqs);
  EXPECT_TRUE(has(reqs, Kind::Module, "virtio-pci", "(driver virtio-pci)"));
  // No /proc/modules on this "machine": noted, not fatal.
  ASSERT_FALSE(notes.empty());
  EXPECT_NE(notes[0].find("/proc/modules"), std::string::npos) << notes[0];
}

TEST(ScanHostDevices, DeviceMapperCryptStackOverAPartition) {
  TempDir t;
  ASSERT_EQ(build_fake_machine(t.path()), "");
  std::string err, sys = t.path() + "/sys";
  std::string dm = sys + "/devices/virtual/block/dm-0";
  ASSERT_TRUE(mkdir_p(dm + "/dm", &err) && mkdir_p(dm + "/slaves", &err));
  ASSERT_TRUE(write_file(dm + "/dm/name", "root\n", &err));
  ASSERT_TRUE(write_file(dm + "/dm/uuid", "CRYPT-LUKS2-0123abcd-root\n", &err));
  ASSERT_EQ(
      symlink("../../../../pci0000:00/0000:00:04.0/virtio1/block/vda/vda1",
              (dm + "/slaves/vda1").c_str()),
      0);
  ASSERT_EQ(symlink("../../devices/virtual/block/dm-0",
                    (sys + "/dev/block/253:0").c_str()),
            0);
  ASSERT_TRUE(write_file(t.path() + "/proc/self/mountinfo",
                         "25 1 253:0 / / rw - ext4 /dev/mapper/root rw\n",
                         &err));
  std::vector<std::string> notes;
  auto reqs = scan_host_devices(sys, t.path() + "/proc", &notes);
  EXPECT_TRUE(has(reqs, Kind::Module, "dm_mod", "root device stack: dm-0"))
      << dump(reqs);
  EXPECT_TRUE(has(reqs, Kind::Module, "dm_crypt", "CRYPT-LUKS2-0123abcd-root"));
  EXPECT_TRUE(has(reqs, Kind::Alias, "crypto-xts", "dm-crypt cipher"));
  EXPECT_TRUE(has(reqs, Kind::Filesystem, "ext4"));
  // Through the slave link down to the disk's driver.
  EXPECT_TRUE(has(reqs, Kind::Module, "fake_blk", "root device chain"))
      << dump(reqs);
}

TEST(ScanHostDevices, MdRaidLevelNamesItsModule) {
  TempDir t;
  std::string err, sys = t.path() + "/sys";
  std::string md = sys + "/devices/virtual/block/md0";
  ASSERT_TRUE(mkdir_p(md + "/md", &err) && mkdir_p(sys + "/dev/block", &err));
  ASSERT_TRUE(write_file(md + "/md/level", "raid5\n", &err));
  ASSERT_EQ(symlink("../../devices/virtual/block/md0",
                    (sys + "/dev/block/9:0").c_str()),
            0);
  ASSERT_TRUE(mkdir_p(t.path() + "/proc/self", &err));
  ASSERT_TRUE(write_file(t.path() + "/proc/self/mountinfo",
                         "25 1 9:0 / / rw - xfs /dev/md0 rw\n", &err));
  std::vector<std::string> notes;
  auto reqs = scan_host_devices(sys, t.path() + "/proc", &notes);
  EXPECT_TRUE(has(reqs, Kind::Module, "raid456", "(md raid5)")) << dump(reqs);
  EXPECT_TRUE(has(reqs, Kind::Filesystem, "xfs"));
}

TEST(ScanHostDevices, EmptyRecordingYieldsNotesNotErrors) {
  TempDir t;
  std::vector<std::string> notes;
  auto reqs = scan_host_devices(t.path() + "/sys", t.path() + "/proc", &notes);
  EXPECT_TRUE(reqs.empty());
  EXPECT_EQ(notes.size(), 3u);
}
