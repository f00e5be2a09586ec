# NFSv4 root over IPv6, the server in brackets as dracut spells it:
# root=nfs:[fd00::2]:/root:vers=4 with ip=auto6 (router advertisements
# only, no IPv4 at all). qemu's user network gives the guest fd00::/64 (a
# unique local prefix, so networkd counts the address as routable) and
# takes its connections to fd00::2 to the namespace's ::1, where
# nfs-ganesha listens. The root must be the export, over IPv6.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/servers.sh"
need qemu-system-x86_64
net_ns_start
build_test_initrd "$T/initrd.img" --profile nfs >/dev/null

make_test_root "$T/export"
cat >"$T/export/etc/initpack-test.d/20-net.sh" <<'HOOK'
echo "net6-hook: $(ip -o -6 addr show scope global)"
echo "net4-hook: $(ip -o -4 addr show scope global)"
HOOK
start_nfs_server "$T/export"
in_ns bash -c 'exec 3<>/dev/tcp/::1/2049' 2>/dev/null || fail "nfs-ganesha does not listen on ::1"

boot_expect_root --kernel "$T/vmlinuz" --initrd "$T/initrd.img" \
  --net "user,ipv6-net=fd00::/64" --append "root=nfs:[fd00::2]:/root:vers=4 ro ip=auto6"
expect_initrd_switched_root
grep -q "root-hook: \[fd00::2\]:/root / nfs4 ro,.*vers=4.*addr=fd00::2" "$BOOT_LOG" ||
  fail "the root is not the NFSv4 export over IPv6"
grep -q "net6-hook: .* inet6 fd00::[0-9a-f:]*/64 scope global" "$BOOT_LOG" || fail "no SLAAC address in fd00::/64"
grep -q "net4-hook: " "$BOOT_LOG" || fail "no IPv4 report from the root"
! grep -q "net4-hook: .*inet " "$BOOT_LOG" || fail "the guest has an IPv4 address: the test would not prove IPv6"
grep -q "root-hook: .*proto=tcp6" "$BOOT_LOG" || fail "the NFS mount is not over TCP on IPv6"
