#!/bin/bash
# The network root profiles built from the real archive: each image holds
# its generator, its client tool with the libraries it links, and its
# kernel modules; the NFS image stays free of nfs-common (the kernel's
# client mounts the root) and its python3. nvme-tcp is checked here because
# no boot test can serve it (no nvmet on the host).
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/debian.sh"

# has IMAGE_LIST REGEX WHAT
has() { grep -qE "$2" "$1" || fail "$(basename "$1" .list): no $3"; }

for p in nfs nbd iscsi nvme-tcp; do
  build_test_initrd "$T/$p.img" --profile "$p" >/dev/null
  "$INITPACK" inspect "$T/$p.img" | awk '{ print ($(NF - 1) == "->") ? $(NF - 2) : $NF }' >"$T/$p.list"
  has "$T/$p.list" "^usr/lib/systemd/system-generators/initpack-.*-generator$" generator
  has "$T/$p.list" "^usr/lib/initpack/network-defaults$" "network defaults"
  has "$T/$p.list" "^usr/lib/systemd/systemd-networkd$" systemd-networkd
  has "$T/$p.list" "/drivers/net/ethernet/intel/e1000e/e1000e\.ko" "e1000e module"
done
has "$T/nfs.list" "/fs/nfs/nfsv4\.ko" "nfsv4 module"
has "$T/nfs.list" "/fs/nfs/nfsv3\.ko" "nfsv3 module"
if grep -qE "sbin/mount\.nfs|bin/python3" "$T/nfs.list"; then fail "nfs: nfs-common or python3 in the image"; fi
has "$T/nbd.list" "^usr/sbin/nbd-client$" nbd-client
has "$T/nbd.list" "/drivers/block/nbd\.ko" "nbd module"
has "$T/iscsi.list" "^usr/sbin/iscsistart$" iscsistart
has "$T/iscsi.list" "/scsi/iscsi_tcp\.ko" "iscsi_tcp module"
has "$T/iscsi.list" "/firmware/iscsi_ibft\.ko" "iscsi_ibft module"
has "$T/nvme-tcp.list" "^usr/sbin/nvme$" nvme
has "$T/nvme-tcp.list" "/libnvme\.so\.1$" libnvme
has "$T/nvme-tcp.list" "/drivers/nvme/host/nvme-tcp\.ko" "nvme-tcp module"
has "$T/nvme-tcp.list" "/drivers/nvme/host/nvme-fabrics\.ko" "nvme-fabrics module"
echo ok
