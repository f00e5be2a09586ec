# NFSv4 root, read-only, in dracut's spelling root=nfs:SERVER:/PATH:OPTIONS
# (vers=4 makes it NFSv4) with ip=dhcp, the NIC
# renamed by ifname=. nfs-ganesha exports a directory tree from the host
# side of qemu's user network; a write through the read-only root must be
# refused and leave the export unchanged.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/servers.sh"
need qemu-system-x86_64
net_ns_start
build_test_initrd "$T/initrd.img" --profile nfs >/dev/null

make_test_root "$T/export"
cat >"$T/export/etc/initpack-test.d/20-net.sh" <<'HOOK'
echo "net-hook: $(ip -o -4 addr show scope global)"
if echo x >/guest-marker 2>/dev/null; then echo "write-hook: written"; else echo "write-hook: refused"; fi
HOOK
start_nfs_server "$T/export"

boot_net_root "$T/initrd.img" \
  "root=nfs:10.0.2.2:/root:vers=4 ro ip=dhcp ifname=bootnet:52:54:00:12:34:56"
grep -q "root-hook: 10\.0\.2\.2:/root / nfs4 ro,.*vers=4" "$BOOT_LOG" ||
  fail "the root is not the NFSv4 export, read-only"
grep -q "net-hook: .*bootnet *inet 10\.0\.2\.15/24 .* dynamic" "$BOOT_LOG" ||
  fail "no DHCP address on the NIC named bootnet"
expect_in "$BOOT_LOG" "write-hook: refused"
[ ! -e "$T/export/guest-marker" ] || fail "a read-only root was written"
