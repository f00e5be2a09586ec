// boot/qemu_args.cc and boot/uefi.cc: `initpack qemu`'s options and the
// qemu command line they make, without running qemu.
#include "boot/qemu.h"
#include "boot/uefi.h"
#include "context.h"
#include "util/fs.h"

#include <algorithm>
#include <gtest/gtest.h>

using namespace initpack;

TEST(QemuOptions, ParsesDriveSpecs) {
  DriveSpec d;
  std::string err;
  ASSERT_TRUE(parse_drive_spec("root.img", &d, &err)) << err;
  EXPECT_EQ(d.file, "root.img");
  EXPECT_EQ(d.interface, "virtio");
  EXPECT_FALSE(d.snapshot);
  ASSERT_TRUE(
      parse_drive_spec("d.qcow2,if=nvme,format=qcow2,snapshot", &d, &err));
  EXPECT_EQ(d.interface, "nvme");
  EXPECT_EQ(d.format, "qcow2");
  EXPECT_TRUE(d.snapshot);

  EXPECT_FALSE(parse_drive_spec("a.img,if=usb", &d, &err));
  EXPECT_EQ(err, "--drive a.img,if=usb: unknown interface 'usb' (virtio, "
                 "scsi, nvme or ide)");
  EXPECT_FALSE(parse_drive_spec("a.img,format=vmdk", &d, &err));
  EXPECT_EQ(err, "--drive a.img,format=vmdk: unknown format 'vmdk' (raw or "
                 "qcow2)");
  EXPECT_FALSE(parse_drive_spec("a.img,cache=none", &d, &err));
  EXPECT_EQ(err, "--drive a.img,cache=none: unknown option 'cache=none' "
                 "(if=, format=, snapshot)");
  EXPECT_FALSE(parse_drive_spec(",if=ide", &d, &err));
  EXPECT_EQ(err, "--drive ,if=ide: no file name");
}

TEST(QemuOptions, ParsesSendSpecsAtFirstEquals) {
  PromptReply p;
  std::string err;
  ASSERT_TRUE(parse_send_spec("Please enter passphrase=a=b", &p, &err));
  EXPECT_EQ(p.prompt, "Please enter passphrase");
  EXPECT_EQ(p.reply, "a=b");
  EXPECT_FALSE(parse_send_spec("no-reply", &p, &err));
  EXPECT_EQ(err, "--send no-reply: expected PROMPT=REPLY");
}

TEST(QemuOptions, ParsesGuestUptime) {
  EXPECT_DOUBLE_EQ(*parse_guest_uptime("INITPACK-ROOT-REACHED uptime=19.25 "
                                       "11.45"),
                   19.25);
  EXPECT_FALSE(parse_guest_uptime("INITPACK-ROOT-REACHED").has_value());
  EXPECT_FALSE(parse_guest_uptime("uptime=abc").has_value());
}

// The argv as one string, to compare whole option groups.
static std::string joined(const std::vector<std::string> &argv) {
  std::string s;
  for (const std::string &a : argv)
    s += (s.empty() ? "" : " ") + a;
  return s;
}

TEST(QemuArgv, DefaultsBootOverSerialWithTcg) {
  QemuOptions o;
  o.kernel = "vmlinuz";
  o.initrd = "initrd.img";
  o.append = "root=/dev/vda rw";
  std::string a = joined(qemu_argv(o));
  EXPECT_EQ(a, "qemu-system-x86_64 -accel tcg -m 1024M -nodefaults "
               "-no-user-config -display none -no-reboot -smp 1 "
               "-chardev stdio,id=console,signal=off -serial chardev:console "
               "-kernel vmlinuz -initrd initrd.img -append " +
                   default_kernel_args() + " root=/dev/vda rw");
}

TEST(QemuArgv, DrivesNetIcountTpmAndExtra) {
  QemuOptions o;
  o.kernel = "k";
  o.initrd = "i";
  o.icount = true;
  o.smp = 1;
  o.drives = {{"root.img", "virtio", "", true}, {"a.qcow2", "scsi", "", false},
              {"b.img", "scsi", "raw", false},  {"c.img", "nvme", "", false},
              {"d.img", "ide", "", false},      {"e.img", "ide", "", false},
              {"f.img", "ide", "", false}};
  o.net = "user,hostfwd=tcp:127.0.0.1:2222-:22";
  o.tpm = true;
  o.extra_args = {"-cpu", "max"};
  std::string a = joined(qemu_argv(o, "/tmp/s.sock"));
  EXPECT_NE(a.find("-smp 1 -icount shift=0,sleep=off"), std::string::npos);
  EXPECT_NE(a.find("-drive file=root.img,if=none,id=drive0,format=raw,"
                   "snapshot=on -device virtio-blk-pci,drive=drive0,"
                   "serial=initpack0"),
            std::string::npos);
  // One SCSI controller for both SCSI disks; qcow2 guessed from the name.
  EXPECT_NE(a.find("-drive file=a.qcow2,if=none,id=drive1,format=qcow2 "
                   "-device virtio-scsi-pci,id=scsi -device scsi-hd,"
                   "bus=scsi.0,drive=drive1,serial=initpack1 -drive "
                   "file=b.img,if=none,id=drive2,format=raw -device scsi-hd"),
            std::string::npos);
  EXPECT_NE(a.find("-device nvme,drive=drive3,serial=initpack3"),
            std::string::npos);
  EXPECT_NE(a.find("ide-hd,bus=ide.0,unit=0,drive=drive4"), std::string::npos);
  EXPECT_NE(a.find("ide-hd,bus=ide.0,unit=1,drive=drive5"), std::string::npos);
  EXPECT_NE(a.find("ide-hd,bus=ide.1,unit=0,drive=drive6"), std::string::npos);
  EXPECT_NE(a.find("-netdev user,id=net0,hostfwd=tcp:127.0.0.1:2222-:22 "
                   "-device virtio-net-pci,netdev=net0,romfile="),
            std::string::npos);
  EXPECT_NE(a.find("-chardev socket,id=tpmchr,path=/tmp/s.sock -tpmdev "
                   "emulator,id=tpm0,chardev=tpmchr -device "
                   "tpm-tis,tpmdev=tpm0"),
            std::string::npos);
  EXPECT_TRUE(a.ends_with(" -cpu max"));
  std::vector<std::string> argv = qemu_argv(o, "/tmp/s.sock");
  EXPECT_EQ(std::count(argv.begin(), argv.end(), "virtio-scsi-pci,id=scsi"), 1);
}

TEST(QemuOptions, ParsesCredentialSpecs) {
  CredentialSpec c;
  std::string err;
  ASSERT_TRUE(parse_credential_spec("initpack.marker=a,b=c", &c, &err)) << err;
  EXPECT_EQ(c.name, "initpack.marker");
  EXPECT_EQ(c.value, "a,b=c");
  EXPECT_FALSE(parse_credential_spec("novalue", &c, &err));
  EXPECT_EQ(err, "--credential novalue: expected NAME=VALUE");
  EXPECT_FALSE(parse_credential_spec("a:b=1", &c, &err));
  EXPECT_EQ(err, "--credential a:b=1: invalid name: contains ':'");
  EXPECT_FALSE(parse_credential_spec("a,b=1", &c, &err));
}

TEST(QemuArgv, CredentialsGoToSmbiosType11) {
  QemuOptions o;
  o.kernel = "k";
  o.initrd = "i";
  o.credentials = {{"one", "a,b=c"}, {"two", ""}};
  std::string a = joined(qemu_argv(o));
  // "a,b=c" in Base64 is "YSxiPWM=": no comma for qemu to split at.
  EXPECT_NE(a.find("-smbios type=11,value=io.systemd.credential.binary:one="
                   "YSxiPWM= -smbios type=11,value=io.systemd.credential."
                   "binary:two="),
            std::string::npos);
}

TEST(QemuArgv, InteractiveSharesTerminalWithMonitor) {
  QemuOptions o;
  o.kernel = "k";
  o.initrd = "i";
  o.interactive = true;
  std::string a = joined(qemu_argv(o));
  EXPECT_NE(a.find("-chardev stdio,id=console,mux=on,signal=off -serial "
                   "chardev:console -mon chardev=console"),
            std::string::npos);
}

TEST(QemuOptions, ResolveReportsEveryProblemAtOnce) {
  Context ctx;
  ctx.diag.quiet = true;
  QemuOptions o;
  o.kernel = "/nonexistent/vmlinuz";
  o.initrd = "/nonexistent/initrd.img";
  o.drives = {{"/nonexistent/root.img", "virtio", "", false}};
  o.net = "tap";
  o.icount = true;
  o.smp = 2;
  testing::internal::CaptureStderr();
  EXPECT_THROW(resolve_qemu_options(ctx, o), FatalError);
  std::string err = testing::internal::GetCapturedStderr();
  EXPECT_EQ(ctx.diag.error_count, 5);
  EXPECT_NE(err.find("--kernel /nonexistent/vmlinuz: no such file"),
            std::string::npos);
  EXPECT_NE(err.find("--drive /nonexistent/root.img: no such file"),
            std::string::npos);
  EXPECT_NE(err.find("--net tap: expected user"), std::string::npos);
  EXPECT_NE(err.find("--icount needs --smp 1"), std::string::npos);
}

TEST(QemuOptions, DefaultKernelIsTheVmlinuzBesideTheInitrd) {
  TempDir dir;
  std::string err;
  ASSERT_TRUE(write_file(dir.path() + "/initrd.img", "x", &err));
  ASSERT_TRUE(write_file(dir.path() + "/vmlinuz", "x", &err));
  Context ctx;
  QemuOptions o;
  o.initrd = dir.path() + "/initrd.img";
  resolve_qemu_options(ctx, o);
  EXPECT_EQ(o.kernel, dir.path() + "/vmlinuz");
}

// A UEFI boot of a UKI: OVMF in pflash (code read-only), the ESP as a
// boot disk, no -kernel (the UKI carries kernel and command line);
// SecureBoot needs q35 with SMM and secure flash.
TEST(QemuArgv, UefiBootOfUkiWithSecureBoot) {
  QemuOptions o;
  o.uki = "linux.efi";
  o.secure_boot = true;
  UefiFiles f{"code.fd", "vars.fd", "esp.img"};
  std::string a = joined(qemu_argv(o, "", &f));
  EXPECT_EQ(a.find("-kernel"), std::string::npos);
  EXPECT_NE(a.find("-machine q35,smm=on -global "
                   "driver=cfi.pflash01,property=secure,value=on"),
            std::string::npos);
  EXPECT_NE(a.find("-drive if=pflash,format=raw,unit=0,readonly=on,"
                   "file=code.fd -drive if=pflash,format=raw,unit=1,"
                   "file=vars.fd"),
            std::string::npos);
  EXPECT_NE(a.find("-drive file=esp.img,if=none,id=esp,format=raw,"
                   "snapshot=on -device virtio-blk-pci,drive=esp,bootindex=0"),
            std::string::npos);
  EXPECT_TRUE(wants_uefi(o));
  EXPECT_FALSE(wants_uefi(QemuOptions{}));
}

TEST(QemuArgv, SocketNetworkJoinsGuestsWithTheirOwnMac) {
  std::string err;
  auto a =
      net_args("socket,listen=127.0.0.1:10420,mac=52:54:00:00:03:01", &err);
  ASSERT_TRUE(a) << err;
  EXPECT_EQ(*a,
            (std::vector<std::string>{
                "-netdev", "socket,id=net0,listen=127.0.0.1:10420", "-device",
                "virtio-net-pci,netdev=net0,romfile=,mac=52:54:00:00:03:01"}));
  a = net_args("user,hostfwd=tcp:127.0.0.1:2222-:22", &err);
  ASSERT_TRUE(a) << err;
  EXPECT_EQ((*a)[1], "user,id=net0,hostfwd=tcp:127.0.0.1:2222-:22");
  EXPECT_EQ((*a)[3], "virtio-net-pci,netdev=net0,romfile=");
}

TEST(QemuArgv, SocketNetworkNeedsOneEndpoint) {
  std::string err;
  EXPECT_FALSE(net_args("socket", &err));
  EXPECT_NE(err.find("one listen=ADDR:PORT or connect=ADDR:PORT"),
            std::string::npos);
  EXPECT_FALSE(net_args("socket,listen=:1,connect=127.0.0.1:1", &err));
  EXPECT_FALSE(net_args("user,listen=127.0.0.1:1", &err));
  EXPECT_NE(err.find("for a socket network"), std::string::npos);
  EXPECT_FALSE(net_args("tap,ifname=tap0", &err));
  EXPECT_NE(err.find("expected user"), std::string::npos);
}
