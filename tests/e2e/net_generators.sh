#!/bin/bash
# The network roots' generators and initpack-network-defaults, run on the
# host with bash against command lines given in $SYSTEMD_PROC_CMDLINE (as
# systemd's own generators honour it): the units and networkd files they
# write for each spelling, and the errors for what they cannot do. The
# boot tests (tests/boot/net_*.sh) prove the units work; this covers the
# spellings a boot does not.
source "$(dirname "$0")/../lib/common.sh"
P=$INITPACK_SOURCE_DIR/profiles
GEN=usr/lib/systemd/system-generators
GEN_N=0

# gen PROFILE GENERATOR CMDLINE: runs the generator into a fresh $OUT.
gen() {
  OUT=$T/out.$((++GEN_N))
  mkdir -p "$OUT"
  SYSTEMD_PROC_CMDLINE=$3 bash "$P/$1/tree/$GEN/$2" "$OUT" >"$T/gen.out" 2>"$T/err"
}
# gen_fails PROFILE GENERATOR CMDLINE MESSAGE
gen_fails() {
  if gen "$1" "$2" "$3"; then fail "$2 accepted '$3'"; fi
  expect_in "$T/err" "$4"
}
nothing_written() { [ -z "$(ls -A "$OUT")" ] || fail "wrote $(ls "$OUT") for a root it does not handle"; }

# NFS: dracut's root=nfs:, root=nfs4: and the kernel's /dev/nfs + nfsroot=.
gen nfs initpack-nfs-generator "root=nfs:10.0.2.2:/srv/root:vers=3,port=2049 rw"
expect_in "$OUT/sysroot.mount" "What=10.0.2.2:/srv/root"
expect_line "$OUT/sysroot.mount" "Type=nfs"
expect_in "$OUT/sysroot.mount" "Options=rw,vers=3,port=2049,nolock,addr=10.0.2.2"
expect_in "$OUT/sysroot.mount" "After=network-online.target"
# The network is wanted by initpack-network-root.target (wanted by
# initrd-root-device.target), never by the mount: the switch to the root
# keeps sysroot.mount and what it pulls in, and a network mount's default
# dependencies would pull network-online.target.
expect_line "$OUT/sysroot.mount" "DefaultDependencies=no"
expect_not_in "$OUT/sysroot.mount" "Wants="
expect_line "$OUT/initpack-network-root.target" "Wants=network-online.target"
expect_line "$P/network/tree/usr/lib/systemd/system/initrd-root-device.target.d/initpack-network.conf" \
  "Wants=initpack-network-root.target"
gen nfs initpack-nfs-generator "root=nfs4:10.0.2.2:/root rootflags=noatime"
expect_in "$OUT/sysroot.mount" "Type=nfs4"
expect_in "$OUT/sysroot.mount" "Options=ro,noatime,addr=10.0.2.2"
gen nfs initpack-nfs-generator "root=/dev/nfs nfsroot=10.0.2.2:/srv/root,vers=4.2"
expect_in "$OUT/sysroot.mount" "Type=nfs4"
expect_in "$OUT/sysroot.mount" "Options=ro,vers=4.2,addr=10.0.2.2"
gen nfs initpack-nfs-generator "root=/dev/vda1 ro"
nothing_written
# IPv6 servers in brackets (dracut's spelling); addr= takes them bare.
gen nfs initpack-nfs-generator "root=nfs:[fd00::2]:/srv/root:vers=4.2"
expect_line "$OUT/sysroot.mount" "What=[fd00::2]:/srv/root"
expect_line "$OUT/sysroot.mount" "Options=ro,vers=4.2,addr=fd00::2"
gen nfs initpack-nfs-generator "root=/dev/nfs nfsroot=[fd00::2]:/srv/root,vers=3"
expect_line "$OUT/sysroot.mount" "What=[fd00::2]:/srv/root"
expect_line "$OUT/sysroot.mount" "Options=ro,vers=3,nolock,addr=fd00::2"
gen_fails nfs initpack-nfs-generator "root=nfs:server.example:/srv" \
  "root=nfs:server.example:/srv: the server must be an IPv4 address or an IPv6 one in brackets"
gen_fails nfs initpack-nfs-generator "root=nfs:[fd00::zz]:/srv" "an IPv6 one in brackets"
gen_fails nfs initpack-nfs-generator "root=/dev/nfs" "root=/dev/nfs needs nfsroot="
gen_fails nfs initpack-nfs-generator "root=nfs:10.0.2.2:srv" "the exported path must start with /"

# NBD: by port (with file system type and options) and by export name.
gen nbd initpack-nbd-generator "root=nbd:10.0.2.2:10809:ext4:noatime rw"
expect_in "$OUT/initpack-nbd-root.service" "ExecStart=/usr/sbin/nbd-client 10.0.2.2 10809 /dev/nbd0"
expect_in "$OUT/sysroot.mount" "What=/dev/nbd0"
expect_in "$OUT/sysroot.mount" "Type=ext4"
expect_in "$OUT/sysroot.mount" "Options=rw,noatime"
# sysroot.mount requires the NBD service: neither wants the network
# (see NFS above); initpack-network-root.target does.
expect_not_in "$OUT/initpack-nbd-root.service" "Wants="
expect_not_in "$OUT/sysroot.mount" "Wants="
expect_line "$OUT/initpack-network-root.target" "Wants=network-online.target"
gen nbd initpack-nbd-generator "root=nbd:10.0.2.2:10900/root"
expect_in "$OUT/initpack-nbd-root.service" "ExecStart=/usr/sbin/nbd-client 10.0.2.2 10900 -N root /dev/nbd0"
expect_in "$OUT/sysroot.mount" "Type=auto"
gen nbd initpack-nbd-generator "root=UUID=0123"
nothing_written
# IPv6 servers in brackets; nbd-client takes them bare.
gen nbd initpack-nbd-generator "root=nbd:[fd00::2]:10900/root:ext4:noatime"
expect_in "$OUT/initpack-nbd-root.service" "ExecStart=/usr/sbin/nbd-client fd00::2 10900 -N root /dev/nbd0"
expect_line "$OUT/sysroot.mount" "Options=ro,noatime"
gen nbd initpack-nbd-generator "root=nbd:[fd00::2]/root"
expect_in "$OUT/initpack-nbd-root.service" "ExecStart=/usr/sbin/nbd-client fd00::2 10809 -N root /dev/nbd0"
gen_fails nbd initpack-nbd-generator "root=nbd:[fd00::zz]/root" "[fd00::zz] is not an IPv6 address"
gen_fails nbd initpack-nbd-generator "root=nbd:10.0.2.2:port" "expected nbd:SERVER:PORT"

# iSCSI: netroot= with and without root=, the initiator name, the iBFT.
iqn=iqn.2024-01.test.initpack:root
gen iscsi initpack-iscsi-generator "netroot=iscsi:10.0.2.2::3260:1:$iqn rd.iscsi.initiator=iqn.2024-01.test:guest"
expect_in "$OUT/initpack-iscsi-root.service" \
  "ExecStart=/usr/sbin/iscsistart -i iqn.2024-01.test:guest -t $iqn -g 1 -a 10.0.2.2 -p 3260"
expect_in "$OUT/sysroot.mount" "What=/dev/disk/by-path/ip-10.0.2.2:3260-iscsi-$iqn-lun-1"
gen iscsi initpack-iscsi-generator "netroot=iscsi:10.0.2.2::::$iqn root=LABEL=root"
expect_in "$OUT/initpack-iscsi-root.service" "-t $iqn -g 1 -a 10.0.2.2 -p 3260"
grep -q -- "-i iqn\.[0-9-]*\.org\.debian:01:[0-9a-f]\{12\} " "$OUT/initpack-iscsi-root.service" ||
  fail "no initiator name made up without rd.iscsi.initiator="
[ ! -e "$OUT/sysroot.mount" ] || fail "a sysroot.mount beside root=, which the fstab generator mounts"
gen iscsi initpack-iscsi-generator "rd.iscsi.firmware=1 root=LABEL=root"
expect_in "$OUT/initpack-iscsi-root.service" "ExecStart=/usr/sbin/iscsistart -b"
gen iscsi initpack-iscsi-generator "root=/dev/sda1"
nothing_written
# CHAP in netroot= (one-way, then mutual) or in rd.iscsi.*; a failed
# login is the emergency shell; '%' and '$' in a secret stay literal.
gen iscsi initpack-iscsi-generator "netroot=iscsi:alice:s3cret%pass\$1@10.0.2.2::3260:1:$iqn rd.iscsi.initiator=iqn.2024-01.test:guest"
expect_in "$OUT/initpack-iscsi-root.service" \
  "ExecStart=/usr/sbin/iscsistart -i iqn.2024-01.test:guest -t $iqn -g 1 -a 10.0.2.2 -p 3260 -u alice -w s3cret%%pass\$\$1"
expect_in "$OUT/initpack-iscsi-root.service" "Description=iSCSI login to $iqn at 10.0.2.2:3260 (CHAP)"
expect_in "$OUT/initpack-iscsi-root.service" "OnFailure=emergency.target"
expect_in "$OUT/sysroot.mount" "What=/dev/disk/by-path/ip-10.0.2.2:3260-iscsi-$iqn-lun-1"
gen iscsi initpack-iscsi-generator "netroot=iscsi:alice:apass:target:tpass@10.0.2.2::::$iqn"
expect_in "$OUT/initpack-iscsi-root.service" "-p 3260 -u alice -w apass -U target -W tpass"
expect_in "$OUT/initpack-iscsi-root.service" "(mutual CHAP)"
gen iscsi initpack-iscsi-generator "netroot=iscsi:10.0.2.2::::$iqn rd.iscsi.username=bob rd.iscsi.password=bpass rd.iscsi.in.username=t rd.iscsi.in.password=tp"
expect_in "$OUT/initpack-iscsi-root.service" "-p 3260 -u bob -w bpass -U t -W tp"
gen_fails iscsi initpack-iscsi-generator "netroot=iscsi:user@10.0.2.2::::$iqn" \
  "CHAP needs both a user name and a password"
gen_fails iscsi initpack-iscsi-generator "netroot=iscsi:10.0.2.2::::$iqn rd.iscsi.in.username=t rd.iscsi.in.password=tp" \
  "mutual CHAP (the target's name and password) needs CHAP for the initiator as well"
gen_fails iscsi initpack-iscsi-generator "netroot=iscsi:10.0.2.2::::" "expected iscsi:SERVER:"
# An IPv6 server in brackets: udev's by-path link names it bare.
gen iscsi initpack-iscsi-generator "netroot=iscsi:[fd00::2]::3260:1:$iqn rd.iscsi.initiator=iqn.2024-01.test:guest"
expect_in "$OUT/initpack-iscsi-root.service" "-t $iqn -g 1 -a fd00::2 -p 3260"
expect_in "$OUT/initpack-iscsi-root.service" "Description=iSCSI login to $iqn at [fd00::2]:3260"
expect_in "$OUT/sysroot.mount" "What=/dev/disk/by-path/ip-fd00::2:3260-iscsi-$iqn-lun-1"
gen iscsi initpack-iscsi-generator "netroot=iscsi:alice:pw@[fd00::2]::::$iqn"
expect_in "$OUT/initpack-iscsi-root.service" "-a fd00::2 -p 3260 -u alice -w pw"
gen_fails iscsi initpack-iscsi-generator "netroot=iscsi:[fd00::2::3260:1:$iqn" "expected an IPv6 address in brackets"
gen_fails iscsi initpack-iscsi-generator "netroot=iscsi:[server.test]::3260:1:$iqn" "expected an IPv6 address in brackets"

# NVMe over TCP: one unit, one connect-all per discovery controller; the
# port is dracut's default, 4420, when absent (nvme-cli's own is 8009).
gen nvme-tcp initpack-nvmf-generator \
  "rd.nvmf.discover=tcp,10.0.2.2,,8009 rd.nvmf.discover=tcp,10.0.3.2 rd.nvmf.hostnqn=nqn.2014-08.test:h"
svc=$OUT/initpack-nvmf-root.service
expect_in "$svc" "ExecStart=/usr/sbin/nvme connect-all --transport=tcp --traddr=10.0.2.2 --trsvcid=8009 --hostnqn=nqn.2014-08.test:h"
expect_in "$svc" "ExecStart=/usr/sbin/nvme connect-all --transport=tcp --traddr=10.0.3.2 --trsvcid=4420 --hostnqn=nqn.2014-08.test:h"
expect_in "$svc" "Before=initrd-root-device.target"
# A failed connection is the emergency shell at once, the target named.
expect_line "$svc" "OnFailure=emergency.target"
expect_line "$svc" "Description=NVMe over TCP root from 10.0.2.2:8009 10.0.3.2:4420"
# connect-all exits 0 having connected nothing (a target that allows this
# host no subsystem): the unit's last step checks for an I/O controller.
[ "$(grep '^ExecStart=' "$svc" | tail -n 1)" = "ExecStart=/usr/lib/initpack/nvmf-connected 10.0.2.2 10.0.3.2" ] ||
  fail "the NVMe unit does not end by checking a connection to 10.0.2.2 or 10.0.3.2"
# nvme_ctl NAME TRANSPORT SUBSYSNQN ADDRESS: a controller in a fake sysfs.
nvme_ctl() {
  mkdir -p "$T/nvme/$1"
  echo "$2" >"$T/nvme/$1/transport" && echo "$3" >"$T/nvme/$1/subsysnqn" && echo "$4" >"$T/nvme/$1/address"
}
connected() { INITPACK_NVME_CLASS=$T/nvme bash "$P/nvme-tcp/tree/usr/lib/initpack/nvmf-connected" "$@" >"$T/connected.out"; }
nvme_ctl nvme0 tcp nqn.2014-08.org.nvmexpress.discovery traddr=10.0.3.2,trsvcid=4420
nvme_ctl nvme1 pcie nqn.2019-10.test:local ""
if connected 10.0.2.2 10.0.3.2; then fail "nvmf-connected took the discovery controller for a connection"; fi
expect_in "$T/connected.out" "no NVMe subsystem connected from 10.0.2.2 10.0.3.2"
nvme_ctl nvme2 tcp nqn.2024-01.test:root traddr=10.0.3.20,trsvcid=4420,src_addr=10.0.3.1
if connected 10.0.3.2; then fail "nvmf-connected took 10.0.3.20 for 10.0.3.2"; fi
nvme_ctl nvme3 tcp nqn.2024-01.test:root traddr=10.0.3.2,trsvcid=4420,src_addr=10.0.3.1
connected 10.0.2.2 10.0.3.2 || fail "nvmf-connected missed the controller to 10.0.3.2"
# The form dracut writes for a host's own root (this host's address, the
# target's I/O port), and dracut's older names without rd.
gen nvme-tcp initpack-nvmf-generator \
  "nvmf.discover=tcp,10.0.3.1,10.0.3.2,4420 nvmf.hostnqn=nqn.2014-08.test:h nvmf.hostid=0f6d5ea6-1c1f-4e0c-9b6b-6ad0e3b1f0a1"
expect_line "$OUT/initpack-nvmf-root.service" \
  "ExecStart=/usr/sbin/nvme connect-all --transport=tcp --traddr=10.0.3.1 --host-traddr=10.0.3.2 --trsvcid=4420 --hostnqn=nqn.2014-08.test:h --hostid=0f6d5ea6-1c1f-4e0c-9b6b-6ad0e3b1f0a1"
gen nvme-tcp initpack-nvmf-generator "root=/dev/nvme0n1"
nothing_written
gen_fails nvme-tcp initpack-nvmf-generator "rd.nvmf.discover=rdma,10.0.2.2" "only the tcp transport"
gen_fails nvme-tcp initpack-nvmf-generator "rd.nvmf.discover=tcp,10.0.2.2,,x" "TRSVCID must be a port number"

# Each generated unit passes systemd-analyze verify (bar the programs,
# which are in the image, not on this host).
if command -v systemd-analyze >/dev/null; then
  for f in "$T"/out.*/*.service "$T"/out.*/*.mount; do
    [ -e "$f" ] || continue
    (cd "$(dirname "$f")" && systemd-analyze verify --man=no "$f") 2>&1 |
      grep -v "is not executable" >"$T/verify" || true
    [ ! -s "$T/verify" ] || { cat "$T/verify" >&2; fail "systemd-analyze verify $f"; }
  done
fi

# initpack-network-defaults: BOOTIF= alone, nothing at all, ip= present.
net() {
  OUT=$T/net.$((++GEN_N))
  mkdir -p "$OUT"
  SYSTEMD_PROC_CMDLINE=$1 bash "$P/networkd/tree/usr/lib/initpack/network-defaults" "$OUT" >"$T/gen.out" 2>"$T/err"
}
net "root=nbd:10.0.2.2/root BOOTIF=01-52-54-00-AB-cd-56"
expect_in "$OUT/90-initpack-bootif.network" "MACAddress=52:54:00:ab:cd:56"
expect_in "$OUT/90-initpack-bootif.network" "DHCP=yes"
net "root=nbd:10.0.2.2/root"
expect_in "$OUT/99-initpack-dhcp.network" "Type=ether"
net "root=nbd:10.0.2.2/root BOOTIF=52-54-00"
expect_in "$T/err" "BOOTIF=52-54-00: not 01- and a MAC address"
[ -e "$OUT/99-initpack-dhcp.network" ] || fail "a bad BOOTIF= did not fall back to DHCP everywhere"
net "root=nbd:10.0.2.2/root ip=dhcp BOOTIF=01-52-54-00-12-34-56"
nothing_written
echo "ok"
