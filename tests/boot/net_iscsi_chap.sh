# iSCSI root with CHAP, against tgtd requiring it. First mutual CHAP in
# dracut's netroot=iscsi:USER:PASSWORD:TUSER:TPASSWORD@SERVER:… spelling:
# the root is reached, the session carries both user names, the write
# lands in the LUN. Then one-way CHAP through rd.iscsi.username= and
# rd.iscsi.password= with a wrong password: the login fails and the boot
# ends in the emergency shell at once, the target named.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/servers.sh"
need qemu-system-x86_64 debugfs
net_ns_start
build_test_initrd "$T/initrd.img" --profile iscsi >/dev/null

target=iqn.2024-01.test.initpack:chap
initiator=iqn.2024-01.test.initpack:guest
make_test_root "$T/root"
cat >"$T/root/etc/initpack-test.d/20-iscsi.sh" <<'HOOK'
for s in /sys/class/iscsi_session/session*; do
  echo "iscsi-hook: $(cat $s/targetname) user=$(cat $s/username) target-user=$(cat $s/username_in)"
done
echo "written through a CHAP session" >/guest-marker
sync
HOOK
make_root_image "$T/root.img" >/dev/null
start_iscsi_target "$T/root.img" "$target" guest-user:guest-secret-12 target-user:target-secret-1

boot_net_root "$T/initrd.img" \
  "netroot=iscsi:guest-user:guest-secret-12:target-user:target-secret-1@10.0.2.2::3260:1:$target rd.iscsi.initiator=$initiator ip=dhcp rw"
grep -q "root-hook: /dev/sd[a-z] / ext4 rw" "$BOOT_LOG" || fail "the root is not the iSCSI disk"
expect_in "$BOOT_LOG" "iscsi-hook: $target user=guest-user target-user=target-user"
debugfs -R "cat /guest-marker" "$T/root.img" >"$T/marker" 2>/dev/null
expect_in "$T/marker" "written through a CHAP session"

# A wrong secret: the emergency shell, long before the root device's
# timeout, with the failed login to the target on the console.
boot_expect_failure "You are in emergency mode" --net user --kernel "$T/vmlinuz" --initrd "$T/initrd.img" \
  --append "netroot=iscsi:10.0.2.2::3260:1:$target rd.iscsi.initiator=$initiator rd.iscsi.username=guest-user rd.iscsi.password=wrong-secret-1 ip=dhcp rw"
boot_text >/dev/null
# (The console shortens the unit's line to 80 columns.)
grep -q "FAILED.* Failed to start initpack-i.* at 10\.0\.2\.2:3260 (CHAP)" "$BOOT_TEXT" ||
  fail "no failed CHAP login unit on the console"
expect_in "$BOOT_TEXT" "iscsistart: Login failed to authenticate with target $target"
