# NBD root: root=nbd:SERVER/EXPORT (the export-name form), read-write, the
# network from BOOTIF= alone (no ip=). nbd-server serves an ext4 image from
# the host side of qemu's user network; the guest writes a file through
# the root, which must land in the image on the host, and remounts the
# root read-only as systemd-shutdown would.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/servers.sh"
need qemu-system-x86_64 debugfs
net_ns_start
build_test_initrd "$T/initrd.img" --profile nbd >/dev/null

make_test_root "$T/root"
cat >"$T/root/etc/initpack-test.d/20-net.sh" <<'HOOK'
echo "net-hook: $(ip -o -4 addr show scope global)"
for f in /run/systemd/network/*.network; do echo "networkd-file: $f"; done
echo "written through NBD" >/guest-marker
# What systemd-shutdown does with a root it cannot unmount: remount it
# read-only, which needs the connection and the network still up.
mount -o remount,ro / && echo "shutdown-hook: root remounted read-only"
HOOK
make_root_image "$T/root.img" >/dev/null
start_nbd_server "$T/root.img" root

boot_net_root "$T/initrd.img" \
  "root=nbd:10.0.2.2/root:ext4 rw BOOTIF=01-52-54-00-12-34-56"
expect_in "$BOOT_LOG" "root-hook: /dev/nbd0 / ext4 rw"
expect_in "$BOOT_LOG" "networkd-file: /run/systemd/network/90-initpack-bootif.network"
grep -q "net-hook: .* inet 10\.0\.2\.15/24" "$BOOT_LOG" || fail "no DHCP address on the NIC"
# (the console ellipsises long unit descriptions)
expect_in "$BOOT_TEXT" "10.0.2.2:10809 (export root)"
grep -q "nbd-client\[[0-9]*\]: Connected /dev/nbd0" "$BOOT_TEXT" || fail "nbd-client did not connect /dev/nbd0"
expect_in "$BOOT_LOG" "shutdown-hook: root remounted read-only"
# The file the guest wrote is in the image the server exported.
debugfs -R "cat /guest-marker" "$T/root.img" >"$T/marker" 2>/dev/null
expect_in "$T/marker" "written through NBD"
