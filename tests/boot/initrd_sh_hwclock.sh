# util-linux's 85-hwclock.rules runs /usr/lib/udev/hwclock-set, a #!/bin/sh
# script, for rtc0. Without /bin/sh every boot logged "(udev-worker):
# rtc0: Process '/usr/lib/udev/hwclock-set /dev/rtc0' failed with exit
# code 1." from the initrd. The image now has /bin/sh (bash), the
# consistency check proves the chain rule -> script -> /bin/sh -> bash at
# build time, and the boot's console shows no such failure.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
need qemu-system-x86_64
debian_fixture

mkdir -p "$T/out"
build_test_initrd "$T/out/initrd.img" --explain >"$T/explain"
grep -E '^  /usr/lib/udev/rules.d/85-hwclock.rules:[0-9]+ \(util-linux-extra\): RUN /usr/lib/udev/hwclock-set$' "$T/explain" ||
  fail "the check did not resolve 85-hwclock.rules' RUN"
expect_in "$T/explain" "  /usr/lib/udev/hwclock-set (util-linux-extra): #! /bin/sh"
"$INITPACK" inspect --cat /usr/lib/udev/hwclock-set "$T/out/initrd.img" | head -1 | grep -qx '#!/bin/sh' ||
  fail "hwclock-set is not a #!/bin/sh script any more"

make_test_root "$T/root"
make_root_image "$T/root.img" >/dev/null
# udev-worker's warning goes to the journal; forward it to the console.
# (The previous image, without /bin/sh, shows the failure this way.)
boot_systemd_initrd "$T/out/initrd.img" "root=/dev/vda systemd.journald.forward_to_console=1"
expect_in "$BOOT_LOG" "root-hook: /dev/vda / ext4 rw"
# The qemu machine has the CMOS RTC the rule matches.
expect_in "$BOOT_LOG" "rtc0"
if grep -n "Process '.*' failed with exit code" "$BOOT_TEXT"; then
  fail "a udev program failed in the initrd"
fi
