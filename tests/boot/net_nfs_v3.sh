# NFSv3 root, read-write, in the kernel's spelling: root=/dev/nfs
# nfsroot=SERVER:/PATH,vers=3 with a static ip=. nfs-ganesha exports a
# directory tree from the host side of qemu's user network; the file the
# guest writes must appear in that directory on the host.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/servers.sh"
need qemu-system-x86_64
net_ns_start
build_test_initrd "$T/initrd.img" --profile nfs >/dev/null

make_test_root "$T/export"
cat >"$T/export/etc/initpack-test.d/20-net.sh" <<'HOOK'
echo "net-hook: $(ip -o -4 addr show scope global)"
echo "written through NFSv3" >/guest-marker && sync
HOOK
start_nfs_server "$T/export"

boot_net_root "$T/initrd.img" \
  "root=/dev/nfs nfsroot=10.0.2.2:$T/export,vers=3 rw ip=10.0.2.15::10.0.2.2:255.255.255.0::ens2:off"
grep -q "root-hook: 10\.0\.2\.2:$T/export / nfs rw,.*vers=3" "$BOOT_LOG" ||
  fail "the root is not the NFSv3 export, read-write"
grep -q "net-hook: .*ens2 *inet 10\.0\.2\.15/24 " "$BOOT_LOG" || fail "no static address on ens2"
expect_not_in "$BOOT_LOG" "10.0.2.15/24 brd 10.0.2.255 scope global dynamic"
expect_in "$T/export/guest-marker" "written through NFSv3"
