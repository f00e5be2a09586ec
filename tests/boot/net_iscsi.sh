# iSCSI root: netroot=iscsi:SERVER::PORT:LUN:TARGET with rd.iscsi.initiator=
# and ip=dhcp, no root= (the LUN's by-path link is mounted), read-write.
# tgtd serves an ext4 image as LUN 1 from the host side of qemu's user
# network; the guest reports its session's initiator name and writes a
# file that must land in the image on the host.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/servers.sh"
need qemu-system-x86_64 debugfs
net_ns_start
build_test_initrd "$T/initrd.img" --profile iscsi >/dev/null

target=iqn.2024-01.test.initpack:root
initiator=iqn.2024-01.test.initpack:guest
make_test_root "$T/root"
cat >"$T/root/etc/initpack-test.d/20-iscsi.sh" <<'HOOK'
for s in /sys/class/iscsi_session/session*; do
  echo "iscsi-hook: $(cat $s/targetname) from $(cat $s/initiatorname)"
done
echo "written through iSCSI" >/guest-marker
sync
HOOK
make_root_image "$T/root.img" >/dev/null
start_iscsi_target "$T/root.img" "$target"

boot_net_root "$T/initrd.img" \
  "netroot=iscsi:10.0.2.2::3260:1:$target rd.iscsi.initiator=$initiator ip=dhcp rw"
grep -q "root-hook: /dev/sd[a-z] / ext4 rw" "$BOOT_LOG" || fail "the root is not the iSCSI disk"
expect_in "$BOOT_LOG" "iscsi-hook: $target from $initiator"
debugfs -R "cat /guest-marker" "$T/root.img" >"$T/marker" 2>/dev/null
expect_in "$T/marker" "written through iSCSI"
