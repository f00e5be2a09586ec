# Hostonly for a machine other than the build host (this sandbox has no
# /proc/modules and none of the guest's devices): boot the generic image,
# record the guest's sysfs and procfs from its real root, build a hostonly
# image from that recording, and boot it. It must be much smaller than the
# generic image, hold the root's driver chain, and reach the root.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
need qemu-system-x86_64 tar python3
debian_fixture

make_test_root "$T/root"
cp "$TESTS_LIB/record-host.sh" "$T/root/etc/initpack-test.d/50-record-host.sh"
make_root_image "$T/root.img" >/dev/null
truncate -s 32M "$T/record.img"
boot_systemd_initrd "$DEBIAN_INITRD" root=/dev/vda --drive "$T/record.img"
expect_in "$BOOT_LOG" "host-record:"
mkdir -p "$T/rec"
tar -xf "$T/record.img" -C "$T/rec"
[ -s "$T/rec/proc/self/mountinfo" ] || fail "no mountinfo recorded"

mkdir -p "$T/host"
build_test_initrd "$T/host/initrd.img" --hostonly \
  --sysfs-root "$T/rec/sys" --proc-root "$T/rec/proc" --explain >"$T/explain"
# The root device's chain and file system, for the reasons hostonly gives.
grep -E "^ *virtio_blk .*(root device chain|host device)" "$T/explain" ||
  fail "virtio_blk is not in the hostonly image as a host device"
grep -E "^ *ext4 " "$T/explain" || fail "ext4 is not in the hostonly image"
if grep -qE "^ *nvme " "$T/explain"; then fail "nvme, which the guest lacks, is in the hostonly image"; fi
# The guest's devices that never help reach the root are left out by the
# default profile's KernelModulesExclude=: qemu's floppy controller, PC
# speaker and PS/2 mouse, the CPU's frequency scaling.
for m in floppy pcspkr psmouse acpi_cpufreq kvm; do
  if grep -qE "^ *$m " "$T/explain"; then fail "$m is in the hostonly image"; fi
done

generic=$("$INITPACK" inspect --json "$DEBIAN_INITRD" | python3 -c \
  'import json,sys; print(sum(1 for e in json.load(sys.stdin)["entries"] if e["path"].endswith(".ko")))')
host=$("$INITPACK" inspect --json "$T/host/initrd.img" | python3 -c \
  'import json,sys; print(sum(1 for e in json.load(sys.stdin)["entries"] if e["path"].endswith(".ko")))')
echo "modules: generic $generic, hostonly $host"
[ "$host" -lt "$generic" ] || fail "hostonly has $host modules, generic $generic"
[ "$(stat -c %s "$T/host/initrd.img")" -lt "$(stat -c %s "$DEBIAN_INITRD")" ] ||
  fail "the hostonly image is not smaller than the generic one"

boot_systemd_initrd "$T/host/initrd.img" root=/dev/vda
expect_in "$BOOT_LOG" "root-hook: /dev/vda / ext4"
