# Debian 13 (trixie) network roots: one initrd built from trixie's packages
# (systemd 257, kernel 6.12) with the nfs and iscsi profiles, booted two
# ways against the servers of tests/lib/servers.sh (the bookworm tests'
# checks, shortened):
#  - NFSv4, read-only, ip=dhcp: the root is the export, a write is refused;
#  - iSCSI (netroot=iscsi:…, no root=): the session names our initiator
#    and the guest's file lands in the LUN's image.
#  - NFSv3, read-write, a static ip=, through NetworkManager (a second
#    image with the networkmanager profile; trixie's nm-initrd-generator
#    lives in /usr/libexec): the address is the static one from a manual
#    connection, networkd never ran, the guest's file lands in the export.
# NBD was booted on trixie too (it passed) and runs on bookworm
# only (boot/net_nbd): the suite's time on 2 cores is the limit, and NBD's
# path (nbd-client from the kernel command line) is the same on both.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/servers.sh"
source "$TESTS_LIB/trixie.sh"
need qemu-system-x86_64 debugfs
net_ns_start
use_trixie
build_test_initrd "$T/initrd.img" --profile nfs --profile iscsi >/dev/null

# NFSv4
start=$SECONDS
make_test_root "$T/export"
cat >"$T/export/etc/initpack-test.d/20-net.sh" <<'HOOK'
if echo x >/guest-marker 2>/dev/null; then echo "write-hook: written"; else echo "write-hook: refused"; fi
echo "net-hook: $(ip -o -4 addr show scope global)"
for c in /run/NetworkManager/system-connections/*; do
  [ -e "$c" ] && echo "nm-connection: ${c##*/}: $(grep -E '^(method|address1)=' "$c" | tr '\n' ' ')"
done
[ -e /run/systemd/netif/state ] && echo "networkd-ran: yes"
HOOK
start_nfs_server "$T/export"
boot_net_root "$T/initrd.img" "root=nfs:10.0.2.2:/root:vers=4 ro ip=dhcp $TRIXIE_DEVICE_WAIT"
expect_trixie_boot
grep -q "root-hook: 10\.0\.2\.2:/root / nfs4 ro,.*vers=4" "$BOOT_LOG" ||
  fail "the root is not the NFSv4 export, read-only"
expect_in "$BOOT_LOG" "write-hook: refused"
[ ! -e "$T/export/guest-marker" ] || fail "a read-only root was written"
echo "nfs4: $((SECONDS - start)) s"

# iSCSI
start=$SECONDS
make_test_root "$T/root"
echo 'echo "written through the network" >/guest-marker; sync' \
  >"$T/root/etc/initpack-test.d/20-net.sh"
target=iqn.2024-01.test.initpack:root
initiator=iqn.2024-01.test.initpack:guest
cat >"$T/root/etc/initpack-test.d/30-iscsi.sh" <<'HOOK'
for s in /sys/class/iscsi_session/session*; do
  echo "iscsi-hook: $(cat $s/targetname) from $(cat $s/initiatorname)"
done
HOOK
make_root_image "$T/iscsi.img" >/dev/null
start_iscsi_target "$T/iscsi.img" "$target"
boot_net_root "$T/initrd.img" \
  "netroot=iscsi:10.0.2.2::3260:1:$target rd.iscsi.initiator=$initiator ip=dhcp rw $TRIXIE_DEVICE_WAIT"
expect_trixie_boot
grep -q "root-hook: /dev/sd[a-z] / ext4 rw" "$BOOT_LOG" || fail "the root is not the iSCSI disk"
expect_in "$BOOT_LOG" "iscsi-hook: $target from $initiator"
debugfs -R "cat /guest-marker" "$T/iscsi.img" >"$T/marker" 2>/dev/null
expect_in "$T/marker" "written through the network"
echo "iscsi: $((SECONDS - start)) s"

# NFSv3 through NetworkManager, static ip=: the NFSv4 boot's export, now
# read-write.
start=$SECONDS
build_test_initrd "$T/initrd-nm.img" --profile nfs --profile networkmanager >/dev/null
"$INITPACK" inspect "$T/initrd-nm.img" >"$T/list"
expect_in "$T/list" "usr/libexec/nm-initrd-generator"
boot_net_root "$T/initrd-nm.img" \
  "root=/dev/nfs nfsroot=10.0.2.2:$T/export,vers=3 rw ip=10.0.2.15::10.0.2.2:255.255.255.0::ens2:off $TRIXIE_DEVICE_WAIT"
expect_trixie_boot
grep -q "root-hook: 10\.0\.2\.2:$T/export / nfs rw,.*vers=3" "$BOOT_LOG" ||
  fail "the root is not the NFSv3 export, read-write"
grep -q "net-hook: .*ens2 *inet 10\.0\.2\.15/24 " "$BOOT_LOG" || fail "no static address on ens2"
expect_not_in "$BOOT_LOG" "10.0.2.15/24 brd 10.0.2.255 scope global dynamic"
grep -q "nm-connection: ens2\.nmconnection: address1=10\.0\.2\.15/24 method=manual" "$BOOT_LOG" ||
  fail "no manual NetworkManager connection from the static ip="
expect_in "$BOOT_TEXT" "Started NetworkManager.service - Network Manager."
! grep -q "networkd-ran: yes\|Started systemd-networkd" "$BOOT_TEXT" || fail "systemd-networkd ran as well"
expect_in "$BOOT_LOG" "write-hook: written"
[ -e "$T/export/guest-marker" ] || fail "the guest's file is not in the export"
echo "nfs3 networkmanager: $((SECONDS - start)) s"
