# iSCSI root through NetworkManager (profiles iscsi and networkmanager)
# with a static ip= and rd.neednet=1: nm-initrd-generator turns ip= into a
# manual connection on ens2, NetworkManager sets it, iscsistart logs in
# once nm-online reports the network up. The root checks the address is
# the static one (not DHCP's), the connection NetworkManager had, and
# writes through the session.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/servers.sh"
need qemu-system-x86_64 debugfs
net_ns_start
build_test_initrd "$T/initrd.img" --profile iscsi --profile networkmanager >/dev/null

target=iqn.2024-01.test.initpack:root
initiator=iqn.2024-01.test.initpack:nm-guest
make_test_root "$T/root"
cat >"$T/root/etc/initpack-test.d/20-iscsi.sh" <<'HOOK'
echo "net-hook: $(ip -o -4 addr show dev ens2 scope global)"
for c in /run/NetworkManager/system-connections/*; do
  echo "nm-connection: ${c##*/}: $(grep -E '^(method|address1|interface-name)=' "$c" | tr '\n' ' ')"
done
for s in /sys/class/iscsi_session/session*; do
  echo "iscsi-hook: $(cat $s/targetname) from $(cat $s/initiatorname)"
done
echo "written through iSCSI after NetworkManager" >/guest-marker
sync
HOOK
make_root_image "$T/root.img" >/dev/null
start_iscsi_target "$T/root.img" "$target"

boot_net_root "$T/initrd.img" \
  "netroot=iscsi:10.0.2.2::3260:1:$target rd.iscsi.initiator=$initiator rd.neednet=1 ip=10.0.2.15::10.0.2.2:255.255.255.0::ens2:off rw"
grep -q "root-hook: /dev/sd[a-z] / ext4 rw" "$BOOT_LOG" || fail "the root is not the iSCSI disk"
expect_in "$BOOT_LOG" "iscsi-hook: $target from $initiator"
grep "net-hook: " "$BOOT_LOG" | grep -q "inet 10\.0\.2\.15/24 " || fail "no address 10.0.2.15/24 on ens2"
! grep "net-hook: " "$BOOT_LOG" | grep -q " dynamic" || fail "the address is DHCP's, not the static ip="
grep "nm-connection: ens2\.nmconnection: " "$BOOT_LOG" | grep -q "method=manual" ||
  fail "no manual NetworkManager connection for ens2 from ip="
boot_text >/dev/null
expect_in "$BOOT_TEXT" "Started NetworkManager.service - Network Manager."
debugfs -R "cat /guest-marker" "$T/root.img" >"$T/marker" 2>/dev/null
expect_in "$T/marker" "written through iSCSI after NetworkManager"
