# NVMe over TCP root: a second guest is the target (the test kernel's
# nvmet and nvmet_tcp, set up through configfs by an initrd initpack
# builds: start_nvme_target), serving an ext4 image as namespace 1 to one
# host NQN at 10.0.3.1:4420 on a qemu socket network shared by the two
# guests. The initiator (profile nvme-tcp, a static ip= on that network)
# mounts root=UUID= from /dev/nvmeXn1 and writes a file that must land in
# the image. Two spellings, one boot each: discovery at the target's port,
# rd.nvmf.discover=tcp,ADDR,,4420; and the form dracut writes for a host's
# own root, with this host's address and the default port,
# rd.nvmf.discover=tcp,ADDR,HOST_ADDR with rd.nvmf.hostid=. A third boot
# comes as a host NQN the target does not allow: discovery answers it with
# an empty log and `nvme connect-all` exits 0, so the unit's last step
# (nvmf-connected) must end the boot in the emergency shell, the target
# named, long before the root device's 90 s timeout. (A port nobody
# serves is the same OnFailure= path: net_generators checks the unit.)
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/servers.sh"
need qemu-system-x86_64 debugfs
net_ns_start

subnqn=nqn.2024-01.test.initpack:root
hostnqn=nqn.2024-01.test.initpack:guest
hostid=5b0c0e0a-5a3f-4a6e-9d0a-2c1e8f3b7d41
make_test_root "$T/root"
cat >"$T/root/etc/initpack-test.d/20-nvme.sh" <<'HOOK'
for c in /sys/class/nvme/nvme*; do
  echo "nvme-hook: $(cat $c/transport) $(cat $c/subsysnqn) [$(cat $c/address)] host $(cat $c/hostnqn) $(cat $c/hostid)"
done
n=$(sed -n 's/.*test\.boot=\([0-9]*\).*/\1/p' /proc/cmdline)
echo "written through NVMe/TCP in boot $n" >"/guest-marker-$n"
sync
HOOK
uuid=$(make_root_image "$T/root.img")
start_nvme_target "$T/root.img" "$subnqn" "$hostnqn"
# Built while the target boots.
build_test_initrd "$T/initrd.img" --profile nvme-tcp >/dev/null
wait_nvme_target

ip="ip=10.0.3.2:::255.255.255.0::ens2:off"
# boot_nvme N CMDLINE: boots the initiator; the root must be the namespace.
boot_nvme() {
  boot_expect_root --kernel "$T/vmlinuz" --initrd "$T/initrd.img" \
    "${NVME_NET_ARGS[@]}" --append "$2 root=UUID=$uuid rw $ip test.boot=$1"
  expect_initrd_switched_root
  # (nvme0 is the discovery controller, gone once connect-all is done.)
  grep -q "root-hook: /dev/nvme[0-9]n1 / ext4 rw" "$BOOT_LOG" || fail "the root is not the NVMe namespace"
  grep -q "nvme-hook: tcp $subnqn \[traddr=10\.0\.3\.1,trsvcid=4420.*\] host $hostnqn" "$BOOT_LOG" ||
    fail "the root's controller is not $subnqn over TCP at 10.0.3.1:4420 as $hostnqn"
}

boot_nvme 1 "rd.nvmf.discover=tcp,10.0.3.1,,4420 rd.nvmf.hostnqn=$hostnqn"
boot_nvme 2 "rd.nvmf.discover=tcp,10.0.3.1,10.0.3.2 rd.nvmf.hostnqn=$hostnqn rd.nvmf.hostid=$hostid"
grep -q "nvme-hook: .* $hostid" "$BOOT_LOG" || fail "the controller's host id is not rd.nvmf.hostid="
# The target saw both connections, from the host NQN it allows.
[ "$(grep -c "nvmet: creating nvm controller [0-9]* for subsystem $subnqn for NQN $hostnqn" "$NVMET_LOG")" -ge 2 ] ||
  fail "the target did not create a controller for each boot"

# A host the target does not allow: the emergency shell, with the reason.
start=$SECONDS
boot_expect_failure "You are in emergency mode" --kernel "$T/vmlinuz" --initrd "$T/initrd.img" \
  "${NVME_NET_ARGS[@]}" --append "rd.nvmf.discover=tcp,10.0.3.1,,4420 rd.nvmf.hostnqn=$hostnqn.stranger root=UUID=$uuid rw $ip test.boot=3" >/dev/null
echo "refused host: emergency shell after $((SECONDS - start)) s"
boot_text >/dev/null
expect_in "$BOOT_TEXT" "initpack: no NVMe subsystem connected from 10.0.3.1: the target offered this host none"
grep -q "FAILED.* Failed to start initpack-n.*10\.0\.3\.1:4420" "$BOOT_TEXT" ||
  fail "no failed NVMe unit naming 10.0.3.1:4420 on the console"

net_ns_stop
for n in 1 2; do
  debugfs -R "cat /guest-marker-$n" "$T/root.img" >"$T/marker" 2>/dev/null
  expect_in "$T/marker" "written through NVMe/TCP in boot $n"
done
