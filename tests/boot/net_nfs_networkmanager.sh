# NFSv4 root with NetworkManager as the initrd's network stack (profiles
# nfs and networkmanager): nm-initrd-generator turns ip=dhcp and
# nameserver= into a connection, NetworkManager brings it up with its
# internal DHCP client, nm-online orders it before the root's mount, and
# ifname= still names the NIC (systemd-network-generator's .link file).
# The root checks that the connection outlived the switch (for the real
# root's NetworkManager to take over), that networkd never ran, and that
# the address is DHCP's.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/servers.sh"
need qemu-system-x86_64
net_ns_start
build_test_initrd "$T/initrd.img" --profile nfs --profile networkmanager >"$T/build.log"

# The image: NetworkManager and a D-Bus daemon in, networkd's units not
# enabled, polkit and what only polkit needs out.
# The profile's own RemovePackages= is deliberate: no warning about it.
expect_not_in "$T/build.log" "RemovePackages="
"$INITPACK" inspect "$T/initrd.img" >"$T/list"
expect_in "$T/list" "usr/sbin/NetworkManager"
expect_in "$T/list" "usr/bin/dbus-daemon"
expect_in "$T/list" "usr/lib/NetworkManager/conf.d/initpack-initrd.conf"
! grep -q "systemd-networkd-wait-online.service.d/initpack.conf\|initpack-network-defaults\|polkitd\|libduktape" "$T/list" ||
  fail "the image has networkd's units or polkit"

make_test_root "$T/export"
cat >"$T/export/etc/initpack-test.d/20-net.sh" <<'HOOK'
echo "net-hook: $(ip -o -4 addr show scope global)"
for c in /run/NetworkManager/system-connections/*; do
  echo "nm-connection: ${c##*/}: $(grep -E '^(method|dns|interface-name)=' "$c" | tr '\n' ' ')"
done
[ -e /run/systemd/netif/state ] && echo "networkd-ran: yes"
HOOK
start_nfs_server "$T/export"

boot_net_root "$T/initrd.img" \
  "root=nfs:10.0.2.2:/root:vers=4 ro ip=dhcp nameserver=10.0.2.3 ifname=bootnet:52:54:00:12:34:56"
grep -q "root-hook: 10\.0\.2\.2:/root / nfs4 ro,.*vers=4" "$BOOT_LOG" ||
  fail "the root is not the NFSv4 export, read-only"
grep -q "net-hook: .*bootnet *inet 10\.0\.2\.15/24 .* dynamic" "$BOOT_LOG" ||
  fail "no DHCP address on the NIC named bootnet"
grep "nm-connection: .*\.nmconnection: .*dns=10\.0\.2\.3;" "$BOOT_LOG" | grep -q "method=auto" ||
  fail "no NetworkManager connection from ip=dhcp and nameserver= in /run"
boot_text >/dev/null
expect_in "$BOOT_TEXT" "Started NetworkManager.service - Network Manager."
grep -q "Finished NetworkManager-wa.* Network Manager Wait Online" "$BOOT_TEXT" ||
  fail "nm-online did not finish"
! grep -q "networkd-ran: yes\|Started systemd-networkd" "$BOOT_TEXT" ||
  fail "systemd-networkd ran as well"
