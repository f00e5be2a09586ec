# NFSv4, NBD and iSCSI roots over IPv6, the servers in brackets as dracut
# spells them: root=nfs:[fd00::2]:/root:vers=4, root=nbd:[fd00::2]/root and
# netroot=iscsi:[fd00::2]::3260:1:IQN (no root=: the LUN's by-path link), with
# ip=auto6 (router advertisements only, no IPv4 at all). qemu's user
# network gives the guest fd00::/64 (a unique local prefix, so networkd
# counts the address as routable) and takes its connections to fd00::2 to
# the namespace's ::1, where nfs-ganesha, nbd-server and tgtd listen. One
# image (profiles nfs, nbd and iscsi), one boot per root.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/servers.sh"
need qemu-system-x86_64 debugfs
net_ns_start
build_test_initrd "$T/initrd.img" --profile nfs --profile nbd --profile iscsi >/dev/null

hook='echo "net6-hook: $(ip -o -6 addr show scope global)"
echo "net4-hook: $(ip -o -4 addr show scope global)"'
make_test_root "$T/export"
echo "$hook" >"$T/export/etc/initpack-test.d/20-net.sh"
start_nfs_server "$T/export"
make_test_root "$T/root"
{
  echo "$hook"
  echo 'echo "written through $(grep -oE "root=nbd|netroot=iscsi" /proc/cmdline) over IPv6" >/guest-marker; sync'
  echo 'for c in /sys/class/iscsi_connection/*/persistent_address; do [ -e "$c" ] && echo "iscsi-hook: portal $(cat $c)"; done'
} >"$T/root/etc/initpack-test.d/20-net.sh"
make_root_image "$T/root.img" >/dev/null
start_nbd_server "$T/root.img" root
target=iqn.2024-01.test.initpack:root
cp "$T/root.img" "$T/lun.img"
start_iscsi_target "$T/lun.img" "$target"
for port in 2049 10809 3260; do
  in_ns bash -c "exec 3<>/dev/tcp/::1/$port" 2>/dev/null || fail "nothing listens on [::1]:$port"
done

# The guest has an IPv6 address in fd00::/64 and none in IPv4.
expect_ipv6_only() {
  grep -q "net6-hook: .* inet6 fd00::[0-9a-f:]*/64 scope global" "$BOOT_LOG" || fail "no SLAAC address in fd00::/64"
  grep -q "net4-hook: " "$BOOT_LOG" || fail "no IPv4 report from the root"
  ! grep -q "net4-hook: .*inet " "$BOOT_LOG" || fail "the guest has an IPv4 address: the test would not prove IPv6"
}

boot_expect_root --kernel "$T/vmlinuz" --initrd "$T/initrd.img" \
  --net "user,ipv6-net=fd00::/64" --append "root=nfs:[fd00::2]:/root:vers=4 ro ip=auto6"
expect_initrd_switched_root
grep -q "root-hook: \[fd00::2\]:/root / nfs4 ro,.*vers=4.*addr=fd00::2" "$BOOT_LOG" ||
  fail "the root is not the NFSv4 export over IPv6"
grep -q "root-hook: .*proto=tcp6" "$BOOT_LOG" || fail "the NFS mount is not over TCP on IPv6"
expect_ipv6_only

boot_expect_root --kernel "$T/vmlinuz" --initrd "$T/initrd.img" \
  --net "user,ipv6-net=fd00::/64" --append "root=nbd:[fd00::2]/root:ext4 rw ip=auto6"
expect_initrd_switched_root
expect_in "$BOOT_LOG" "root-hook: /dev/nbd0 / ext4 rw"
expect_ipv6_only
grep -q "nbd-client\[[0-9]*\]: Connected /dev/nbd0" "$BOOT_TEXT" || fail "nbd-client did not connect /dev/nbd0"
debugfs -R "cat /guest-marker" "$T/root.img" >"$T/marker" 2>/dev/null
expect_in "$T/marker" "written through root=nbd over IPv6"

boot_expect_root --kernel "$T/vmlinuz" --initrd "$T/initrd.img" \
  --net "user,ipv6-net=fd00::/64" --append "netroot=iscsi:[fd00::2]::3260:1:$target rw ip=auto6"
expect_initrd_switched_root
expect_in "$BOOT_LOG" "root-hook: /dev/sda / ext4 rw"
expect_in "$BOOT_LOG" "iscsi-hook: portal fd00::2"
expect_ipv6_only
debugfs -R "cat /guest-marker" "$T/lun.img" >"$T/marker" 2>/dev/null
expect_in "$T/marker" "written through netroot=iscsi over IPv6"
