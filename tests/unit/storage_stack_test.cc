// Hostonly storage detection from a synthetic sysfs/procfs: which profiles
// a root's stack needs, and which crypttab entries belong to it.
#include "kernel/storage_stack.h"
#include "util/fs.h"

#include <gtest/gtest.h>
#include <unistd.h>

using namespace initpack;

namespace {

// A machine whose / is ext4 on LVM on LUKS on md RAID1 over vda and vdb
// (dracut's hardest combination), as sysfs shows it.
class FakeStack {
public:
  FakeStack() : sys_(dir_.path() + "/sys"), proc_(dir_.path() + "/proc") {}

  void disk(const std::string &name) {
    std::string d = sys_ + "/devices/pci0000:00/0000:00:0" +
                    std::to_string(disks_++ + 4) + ".0/virtio1/block/" + name;
    ASSERT_TRUE(mkdir_p(d, &err_)) << err_;
    ASSERT_TRUE(write_file(d + "/dev", "254:0\n", &err_));
  }
  // A virtual block device NAME over SLAVES, with dm or md attributes.
  void virt(const std::string &name, const std::vector<std::string> &slaves) {
    std::string d = sys_ + "/devices/virtual/block/" + name;
    ASSERT_TRUE(mkdir_p(d + "/slaves", &err_)) << err_;
    for (const std::string &s : slaves) {
      std::string target = find_block(s);
      ASSERT_FALSE(target.empty()) << s;
      ASSERT_EQ(symlink(target.c_str(), (d + "/slaves/" + s).c_str()), 0);
    }
  }
  void attr(const std::string &name, const std::string &file,
            const std::string &text) {
    std::string d = sys_ + "/devices/virtual/block/" + name;
    ASSERT_TRUE(mkdir_p(dirname(d + "/" + file), &err_));
    ASSERT_TRUE(write_file(d + "/" + file, text + "\n", &err_));
  }
  // / is mounted from NAME (major:minor MAJMIN) as FSTYPE.
  void root(const std::string &name, const std::string &majmin,
            const std::string &fstype, const std::string &source) {
    ASSERT_TRUE(mkdir_p(sys_ + "/dev/block", &err_) &&
                mkdir_p(sys_ + "/class/block", &err_) &&
                mkdir_p(proc_ + "/self", &err_));
    std::string target = find_block(name);
    ASSERT_EQ(symlink(target.c_str(), (sys_ + "/dev/block/" + majmin).c_str()),
              0);
    ASSERT_EQ(symlink(target.c_str(), (sys_ + "/class/block/" + name).c_str()),
              0);
    ASSERT_TRUE(write_file(proc_ + "/self/mountinfo",
                           "1 0 0:2 / / rw - rootfs rootfs rw\n25 1 " + majmin +
                               " / / rw - " + fstype + " " + source + " rw\n",
                           &err_));
  }

  std::string sys() const { return sys_; }
  std::string proc() const { return proc_; }
  std::string path(const std::string &rel) const {
    return dir_.path() + "/" + rel;
  }

private:
  std::string find_block(const std::string &name) {
    std::string v = sys_ + "/devices/virtual/block/" + name;
    if (is_directory(v))
      return v;
    for (int i = 0; i < disks_; i++) {
      std::string d = sys_ + "/devices/pci0000:00/0000:00:0" +
                      std::to_string(i + 4) + ".0/virtio1/block/" + name;
      if (is_directory(d))
        return d;
    }
    return "";
  }

  TempDir dir_;
  std::string sys_, proc_, err_;
  int disks_ = 0;
};

const char *kLuksUuid = "6f1a2b3c-0003-4c00-8000-000000000003";

void build_lvm_on_luks_on_raid(FakeStack &m) {
  m.disk("vda");
  m.disk("vdb");
  m.virt("md127", {"vda", "vdb"});
  m.attr("md127", "md/level", "raid1");
  m.virt("dm-0", {"md127"});
  m.attr("dm-0", "dm/name", std::string("luks-") + kLuksUuid);
  m.attr("dm-0", "dm/uuid",
         std::string("CRYPT-LUKS2-6f1a2b3c00034c008000000000000003-luks-") +
             kLuksUuid);
  m.virt("dm-1", {"dm-0"});
  m.attr("dm-1", "dm/name", "vg-root");
  m.attr("dm-1", "dm/uuid", "LVM-AbCdEfGhIjKlMnOpQrStUvWxYz012345");
  m.root("dm-1", "253:1", "ext4", "/dev/mapper/vg-root");
}

std::string names(const std::vector<StorageProfile> &ps) {
  std::string s;
  for (const StorageProfile &p : ps)
    s += (s.empty() ? "" : " ") + p.name;
  return s;
}

} // namespace

TEST(StorageStack, LvmOnLuksOnRaid1) {
  FakeStack m;
  build_lvm_on_luks_on_raid(m);
  RootStorage root;
  std::string err;
  ASSERT_TRUE(read_root_storage(m.sys(), m.proc(), &root, &err)) << err;
  EXPECT_EQ(err, "");
  std::vector<std::string> layers;
  for (const StackLayer &l : root.layers)
    layers.push_back(l.name);
  EXPECT_EQ(layers,
            (std::vector<std::string>{"dm-1", "dm-0", "md127", "vda", "vdb"}));
  std::vector<StorageProfile> ps = storage_profiles(root, {});
  EXPECT_EQ(names(ps), "luks lvm raid");
  EXPECT_NE(ps[0].why.find("dm-crypt dm-0 (CRYPT-LUKS2-"), std::string::npos)
      << ps[0].why;
  EXPECT_EQ(ps[1].why, "root on LVM volume vg-root (dm-1)");
  EXPECT_EQ(ps[2].why, "root on md raid1 md127");
}

TEST(StorageStack, CrypttabKeepsTheRootsEntriesAndAsksForTpm2) {
  FakeStack m;
  build_lvm_on_luks_on_raid(m);
  std::string err;
  ASSERT_TRUE(write_file(m.path("crypttab"),
                         "# comment\n\n"
                         "swap /dev/vdc /dev/urandom swap\n"
                         "luks-" +
                             std::string(kLuksUuid) + " UUID=" + kLuksUuid +
                             " none tries=1,tpm2-device=auto\n"
                             "home UUID=1234 /etc/keys/home.key\n",
                         &err));
  std::vector<std::string> notes;
  std::vector<StorageProfile> ps =
      detect_storage_profiles(m.sys(), m.proc(), m.path("crypttab"), &notes);
  EXPECT_EQ(names(ps), "luks tpm2 lvm raid");
  EXPECT_TRUE(notes.empty()) << notes[0];

  std::string text;
  ASSERT_TRUE(read_file(m.path("crypttab"), &text, &err));
  std::vector<CrypttabEntry> all;
  ASSERT_TRUE(parse_crypttab(text, "crypttab", &all, &err)) << err;
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[2].key_file, "/etc/keys/home.key");
  EXPECT_EQ(all[2].options, "");
  RootStorage root;
  ASSERT_TRUE(read_root_storage(m.sys(), m.proc(), &root, &err));
  std::vector<CrypttabEntry> mine = root_crypttab_entries(root, all);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].line_number, 4);
  EXPECT_EQ(mine[0].options, "tries=1,tpm2-device=auto");
}

TEST(StorageStack, CrypttabErrorsNameFileAndLine) {
  std::vector<CrypttabEntry> out;
  std::string err;
  EXPECT_FALSE(
      parse_crypttab("ok /dev/vda\nlonely\n", "/etc/crypttab", &out, &err));
  EXPECT_EQ(err, "/etc/crypttab:2: expected NAME DEVICE [KEYFILE [OPTIONS]], "
                 "got: lonely");
}

TEST(StorageStack, PlainDiskNeedsNoProfile) {
  FakeStack m;
  m.disk("vda");
  m.root("vda", "254:0", "ext4", "/dev/vda");
  std::vector<std::string> notes;
  EXPECT_EQ(names(detect_storage_profiles(m.sys(), m.proc(),
                                          m.path("no-crypttab"), &notes)),
            "");
  EXPECT_TRUE(notes.empty());
}

TEST(StorageStack, BtrfsRootFoundByNameAndXfsByType) {
  FakeStack m;
  m.disk("vda");
  m.root("vda", "0:31", "btrfs", "/dev/vda");
  RootStorage root;
  std::string err;
  ASSERT_TRUE(read_root_storage(m.sys(), m.proc(), &root, &err));
  ASSERT_EQ(root.layers.size(), 1u) << err;
  EXPECT_EQ(root.layers[0].name, "vda");
  EXPECT_EQ(names(storage_profiles(root, {})), "btrfs");
  root.fstype = "xfs";
  EXPECT_EQ(names(storage_profiles(root, {})), "xfs");
}

TEST(StorageStack, DmVerityIsNotLuks) {
  FakeStack m;
  m.disk("vda");
  m.virt("dm-0", {"vda"});
  m.attr("dm-0", "dm/name", "usr");
  m.attr("dm-0", "dm/uuid", "CRYPT-VERITY-0123-usr");
  m.root("dm-0", "253:0", "erofs", "/dev/mapper/usr");
  std::vector<std::string> notes;
  EXPECT_EQ(
      names(detect_storage_profiles(m.sys(), m.proc(), "/nonexistent", &notes)),
      "");
}

TEST(StorageStack, UnreadableMachineGivesNotes) {
  TempDir t;
  std::vector<std::string> notes;
  EXPECT_TRUE(detect_storage_profiles(t.path() + "/sys", t.path() + "/proc",
                                      "/nonexistent", &notes)
                  .empty());
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("mountinfo"), std::string::npos) << notes[0];
}
