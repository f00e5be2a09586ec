# A real Debian system managed by NetworkManager, its root on NFSv4 (issue
# #19): the real system of tests/lib/realsys.sh with network-manager and
# nfs-common, exported whole by ganesha, booted with an image of
# `--profile nfs --profile networkmanager` and `root=nfs4:… ro ip=dhcp`,
# as Debian's kernel command lines say `ro`: the root's systemd-remount-fs
# makes / read-write from its fstab.
#
# Checked in the real system (test-only units added to the export):
# - multi-user reached, "running", no failed unit, / is the NFS export rw;
# - the root's own boot ran in order: its systemd reached sysinit.target
#   itself (after the switch, not inherited from the initrd) and
#   systemd-remount-fs had made / read-write before NetworkManager started.
#   A network root's mount that wanted network-online.target kept the
#   initrd's network targets, and with them sysinit.target and
#   basic.target, through the isolate to initrd-switch-root.target: the
#   root's services then started at once, NetworkManager before
#   systemd-remount-fs, and in its own mount namespace kept seeing /
#   read-only (it could not save its lease);
# - the root's NetworkManager took the initrd's connection over: the
#   device is connected with the connection nm-initrd-generator wrote to
#   /run/NetworkManager/system-connections (same UUID), with the lease's
#   address, and no address or link of the NIC went away from before
#   NetworkManager started until after it stopped (`ip monitor`, started
#   before it, logs every change to the console);
# - files written to the root after the root's NetworkManager started and
#   after it stopped at shutdown are on the server (read in the export);
# - clean shutdown: the guest powers off ("reboot: Power down") within
#   120 s of the shutdown's start, systemd-shutdown's last sync comes
#   before it, and the kernel never said "not responding". systemd 252's
#   shutdown neither unmounts nor remounts a network root read-only (it
#   skips network file systems): the sync is what flushes it.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/servers.sh"
source "$TESTS_LIB/realsys.sh"
need qemu-system-x86_64
net_ns_start
build_test_initrd "$T/initrd.img" --profile nfs --profile networkmanager >"$T/build.log"

R="$T/export"
realsys_root_plus "$R" network-manager nfs-common iproute2
# The root comes from the server (nfs-common's mount.nfs remounts it from
# this line). No fsck of a network root.
printf '10.0.2.2:/root / nfs4 defaults 0 0\n' >"$R/etc/fstab"
# The kernel's modules, as an installed system has them (python3's
# binfmt.d rule, from nfs-common's dependencies, needs binfmt_misc).
mkdir -p "$R/usr/lib/modules"
cp -a "$KERNEL_ROOT/usr/lib/modules/$KERNEL_VERSION" "$R/usr/lib/modules/"

# Every change of a link or address, with the kernel's clock, on the
# console (info level: not a warning in the journal). Started before
# NetworkManager, so stopped after it at shutdown.
cat >"$R/etc/systemd/system/nmreal-ipmon.service" <<'UNIT'
[Unit]
Description=initpack test: log link and address changes to the console
Before=NetworkManager.service

[Service]
Type=exec
ExecStart=/bin/sh -c 'ip -o monitor link address | while read -r l; do echo "<6>nmreal-ipmon: $l" >/dev/kmsg; done'
# After NetworkManager stopped: the root must still take a write.
ExecStopPost=/bin/sh -c 'echo "written after NetworkManager stopped" >/var/tmp/nmreal-after-nm && sync'

[Install]
WantedBy=multi-user.target
UNIT
cat >"$R/usr/local/sbin/nmreal-check" <<'SCRIPT'
#!/bin/sh
# initpack test: what NetworkManager made of the initrd's connection.
{
for c in /run/NetworkManager/system-connections/*; do
  echo "NMREAL initrd-connection: ${c##*/} uuid=$(sed -n 's/^uuid=//p' "$c")"
done
nmcli -t -f DEVICE,TYPE,STATE,CON-UUID device | sed 's/^/NMREAL device: /'
ip -o -4 addr show scope global | sed 's/^/NMREAL addr: /'
echo "NMREAL nm-begin"
journalctl -b -o short-monotonic --no-pager -t NetworkManager | grep -v '^-- '
echo "NMREAL nm-end"
pid=$(systemctl show -P MainPID NetworkManager.service)
# Monotonic microseconds: the root's systemd started (after the switch),
# reached sysinit.target, remounted /, started NetworkManager.
echo "NMREAL order: userspace=$(systemctl show -P UserspaceTimestampMonotonic)" \
  "sysinit=$(systemctl show -P ActiveEnterTimestampMonotonic sysinit.target)" \
  "remount=$(systemctl show -P ActiveEnterTimestampMonotonic systemd-remount-fs.service)" \
  "nm=$(systemctl show -P ExecMainStartTimestampMonotonic NetworkManager.service)"
echo "NMREAL nm-pid=$pid"
echo "written after NetworkManager $pid started" >/var/tmp/nmreal-write && sync &&
  echo "NMREAL write-ok"
} >/run/nmreal-check.txt 2>&1
cat /run/nmreal-check.txt >/dev/ttyS0
SCRIPT
chmod 755 "$R/usr/local/sbin/nmreal-check"
cat >"$R/etc/systemd/system/nmreal-check.service" <<'UNIT'
[Unit]
Description=initpack test: check NetworkManager's takeover
# The root's own wait (network-online.target may be the initrd's, reached).
Wants=NetworkManager-wait-online.service
After=NetworkManager-wait-online.service NetworkManager.service

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/usr/local/sbin/nmreal-check
# Stopped before NetworkManager: when the shutdown begins.
ExecStop=/bin/sh -c 'echo "<6>nmreal: shutdown begins" >/dev/kmsg'

[Install]
WantedBy=multi-user.target
UNIT
in_root "$R" systemctl enable nmreal-ipmon.service nmreal-check.service 2>/dev/null
rm -f "$R"/var/tmp/nmreal-*
start_nfs_server "$R"

start=$SECONDS
REALSYS_EXPECT="reboot: Power down" realsys_boot "$T/vmlinuz" "$T/initrd.img" \
  "root=nfs4:10.0.2.2:/root ro ip=dhcp" --net user \
  --fail-on "not responding" --fail-on "blocked for more than"
echo "boot to power-off: $((SECONDS - start)) s"
expect_in "$BOOT_TEXT" "REALSYS-DONE"
expect_in "$BOOT_TEXT" "REALSYS state=running"
[ -z "$(realsys_section failed)" ] || { realsys_section failed >&2; fail "failed units"; }
grep -q "REALSYS switch-root=[1-9]" "$BOOT_TEXT" || fail "the journal holds no switch-root from the initrd"
realsys_section mounts >"$T/mounts"
grep -q "^/ 10\.0\.2\.2:/root rw," "$T/mounts" || { cat "$T/mounts" >&2; fail "/ is not the NFS export, read-write"; }
grep "REALSYS analyze:" "$BOOT_TEXT"

# The root's boot in order (booted `ro`): sysinit.target reached by the
# root's systemd, / remounted read-write before NetworkManager started.
order=$(grep -o "NMREAL order: .*" "$BOOT_TEXT" | head -n 1)
echo "$order"
[[ $order =~ userspace=([0-9]+)\ sysinit=([0-9]+)\ remount=([0-9]+)\ nm=([0-9]+) ]] ||
  fail "no timestamps of the root's boot: '$order'"
userspace=${BASH_REMATCH[1]} sysinit=${BASH_REMATCH[2]} remount=${BASH_REMATCH[3]} nm=${BASH_REMATCH[4]}
((sysinit > userspace)) ||
  fail "sysinit.target was reached before the root's systemd started (inherited from the initrd: $order)"
((remount > userspace && remount <= nm)) ||
  fail "systemd-remount-fs did not make / read-write before NetworkManager started ($order)"

# NetworkManager in the root: its own process (not the initrd's, which
# ended at the switch), holding the initrd's connection on the NIC.
# The console may put a login prompt or a status line before a report
# line: no pattern is anchored at the line's start.
grep "NMREAL" "$BOOT_TEXT"
nm_pid=$(sed -n 's/.*NMREAL nm-pid=\([0-9]*\).*/\1/p' "$BOOT_TEXT")
[ -n "$nm_pid" ] && [ "$nm_pid" != 0 ] || fail "NetworkManager was not running in the root"
uuid=$(sed -n 's/.*NMREAL initrd-connection: default_connection\.nmconnection uuid=\([0-9a-f-]*\).*/\1/p' "$BOOT_TEXT")
[ -n "$uuid" ] || fail "no connection from nm-initrd-generator in /run/NetworkManager/system-connections"
grep -q "NMREAL device: ens2:ethernet:connected:$uuid" "$BOOT_TEXT" ||
  fail "the root's NetworkManager does not hold the initrd's connection $uuid on ens2"
sed -n '/NMREAL nm-begin/,/NMREAL nm-end/p' "$BOOT_TEXT" >"$T/nm.log"
grep -q "NetworkManager\[$nm_pid\]: .* starting connection .*($uuid)" "$T/nm.log" ||
  fail "the root's NetworkManager did not take the connection $uuid"
# It could write its state (with / read-only in its namespace it could
# not save the lease nor /etc/resolv.conf). Debian's dispatcher script
# 01-ifupdown fails without ifupdown: not ours.
if grep "NetworkManager\[$nm_pid\]: <warn>" "$T/nm.log" | grep -Ei "read-only|lease|resolv"; then
  fail "the root's NetworkManager could not write its state"
fi
[ -s "$R/var/lib/NetworkManager/internal-$uuid-ens2.lease" ] ||
  fail "the root's NetworkManager saved no lease for the initrd's connection on the server"
# The address: the initrd's lease, still on the NIC.
lease=$(grep -v "NetworkManager\[$nm_pid\]" "$T/nm.log" | sed -n 's/.*dhcp4 (ens2): state changed new lease, address=\([0-9.]*\).*/\1/p' | head -n 1)
[ "$lease" = 10.0.2.15 ] || fail "the initrd's NetworkManager got no DHCP lease 10.0.2.15 (got '$lease')"
grep -q "NMREAL addr: 2: ens2 *inet $lease/24 " "$BOOT_TEXT" || fail "ens2 no longer has the initrd's address $lease"
# Nothing took the address or the link away, from before the root's
# NetworkManager started until after it stopped at shutdown.
grep "nmreal-ipmon:" "$BOOT_TEXT" || true
! grep -E "nmreal-ipmon: (Deleted .*ens2|.*ens2.* state DOWN)" "$BOOT_TEXT" ||
  fail "the NIC's address or link went away while the root was on NFS"
# Writes to the root after NetworkManager started and after it stopped,
# read here in the export.
grep -qx "written after NetworkManager $nm_pid started" "$R/var/tmp/nmreal-write" ||
  fail "the write after NetworkManager started is not on the server"
grep -qx "written after NetworkManager stopped" "$R/var/tmp/nmreal-after-nm" ||
  fail "the write after NetworkManager stopped is not on the server"

# The shutdown: bounded, systemd-shutdown's last sync before the power-off,
# the server never missed.
# A systemd status line may share the console line with the message.
stamp() { sed -n "s/.*\[ *\([0-9.]*\)\] $1.*/\1/p" "$BOOT_TEXT" | tail -n 1; }
begin=$(stamp "nmreal: shutdown begins")
synced=$(stamp "systemd-shutdown\[1\]: Syncing filesystems and block devices")
off=$(stamp "reboot: Power down")
[ -n "$begin" ] && [ -n "$synced" ] && [ -n "$off" ] || fail "the console lacks the shutdown's steps"
echo "shutdown: from ${begin}s to power-off at ${off}s (guest clock)"
awk -v b="$begin" -v s="$synced" -v o="$off" 'BEGIN { exit !(b < s && s < o && o - b < 120) }' ||
  fail "the shutdown took more than 120 s or its steps are out of order ($begin, $synced, $off)"
expect_not_in "$BOOT_TEXT" "not responding"
