# Network root servers for the boot tests (tests/boot/net_*.sh), sourced
# after common.sh and boot.sh: NFS (nfs-ganesha, userspace), iSCSI (tgt)
# and NBD (nbd-server), each from Debian's packages, each run by the test
# and stopped when it exits.
#
# The servers and qemu share a private network and mount namespace
# (net_ns_start): its loopback is the only interface, so the servers listen
# on their standard ports without clashing with parallel tests or the
# host, nothing reaches any other address, and qemu's user networking
# takes the guest's connections to 10.0.2.2:PORT to that loopback.
# ganesha needs an rpcbind to register with; the namespace has its own
# (port 111, /run is a private tmpfs for its socket).
#
#   net_ns_start                       # needs root; sets BOOT_WRAPPER
#   start_nbd_server IMAGE EXPORT      # 10.0.2.2:10809, export by name
#   start_nfs_server DIR               # 10.0.2.2:/DIR's pseudo path /root
#   start_iscsi_target IMAGE IQN [USER:PASS [TUSER:TPASS]]
#                                      # 10.0.2.2:3260, LUN 1; with CHAP
#                                      # (and mutual CHAP: the target's)
#   start_nvme_target IMAGE SUBNQN HOSTNQN; wait_nvme_target
#                                      # a target guest: 10.0.3.1:4420 on a
#                                      # qemu socket network, NVME_NET_ARGS
#
# Every server runs under `timeout` as well, so it cannot outlive a test
# that was killed before its exit handler ran.
: "${SERVER_LIFETIME:=900}"
SERVER_PIDS=()

net_ns_start() {
  [ "$(id -u)" -eq 0 ] || skip "network root tests need root (a private network namespace)"
  need unshare nsenter ip
  # unshare execs sleep in the new namespaces: its pid names them.
  unshare --net --mount --propagation private sleep "$SERVER_LIFETIME" &
  NETNS_PID=$!
  on_exit net_ns_stop
  local _
  for _ in $(seq 100); do
    [ "$(readlink "/proc/$NETNS_PID/ns/net")" != "$(readlink /proc/self/ns/net)" ] && break
    sleep 0.05
  done
  [ "$(readlink "/proc/$NETNS_PID/ns/net")" != "$(readlink /proc/self/ns/net)" ] ||
    skip "cannot make a private network namespace (unshare --net)"
  # Remembered now: once the holder is gone, its /proc entry cannot name
  # the namespace whose processes net_ns_stop must still find.
  NETNS_ID=$(readlink "/proc/$NETNS_PID/ns/net")
  in_ns ip link set lo up
  in_ns mount -t tmpfs -o mode=0755 tmpfs /run
  BOOT_WRAPPER=(nsenter -t "$NETNS_PID" -n -m --)
}

in_ns() { nsenter -t "$NETNS_PID" -n -m -- "$@"; }

# The processes in the namespace, the holder included: the servers and
# whatever they forked (nbd-server serves each client from a child).
ns_pids() {
  local p
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/ns/net" 2>/dev/null)" = "$NETNS_ID" ] && echo "${p#/proc/}"
  done
  return 0
}

# Stops everything in the namespace (TERM, then KILL after 5 s).
net_ns_stop() {
  local pids _
  # tgtd ignores SIGTERM: ask it to shut down.
  [ -n "${ISCSI_LOG:-}" ] && in_ns tgtadm --op delete --mode system >/dev/null 2>&1
  pids=$(ns_pids)
  [ -n "$pids" ] && kill $pids 2>/dev/null
  for _ in $(seq 50); do
    pids=$(ns_pids)
    [ -z "$pids" ] && break
    sleep 0.1
  done
  [ -n "$pids" ] && kill -9 $pids 2>/dev/null
  local pid
  for pid in "${SERVER_PIDS[@]}" "$NETNS_PID"; do wait "$pid" 2>/dev/null || true; done
  SERVER_PIDS=()
}

# run_server LOG CMD…: CMD in the namespace, in the background, bounded.
run_server() {
  local log=$1
  shift
  in_ns timeout "$SERVER_LIFETIME" "$@" >"$log" 2>&1 &
  SERVER_PIDS+=($!)
}

# wait_port PORT WHAT LOG: until something accepts TCP connections on the
# namespace's 127.0.0.1:PORT (10 s at most).
wait_port() {
  local port=$1 what=$2 log=$3 _
  for _ in $(seq 100); do
    in_ns bash -c "exec 3<>/dev/tcp/127.0.0.1/$port" 2>/dev/null && return 0
    sleep 0.1
  done
  cat "$log" >&2
  fail "$what did not listen on port $port within 10 s"
}

# start_nbd_server IMAGE EXPORT: nbd-server with a private config, serving
# IMAGE (read-write) as export EXPORT. It runs as a daemon: in the
# foreground (-d) it serves a single client and exits.
start_nbd_server() {
  local image=$1 export=$2 dir=$T/nbd-server
  need nbd-server
  mkdir -p "$dir"
  cat >"$dir/config" <<EOF
[generic]
user = root
group = root
port = 10809
allowlist = true
[$export]
exportname = $image
EOF
  run_server "$dir/log" nbd-server -C "$dir/config"
  NBD_LOG=$dir/log
  wait_port 10809 nbd-server "$dir/log"
}

# start_nfs_server DIR: rpcbind and nfs-ganesha (VFS FSAL, NFSv3 and v4,
# TCP, no grace period, no NLM) exporting DIR read-write without root
# squashing, at the NFSv4 pseudo path /root and the v3 path DIR.
start_nfs_server() {
  local export=$1 dir=$T/ganesha
  need ganesha.nfsd rpcbind
  compgen -G "/usr/lib/*/ganesha/libfsalvfs.so*" >/dev/null ||
    skip "nfs-ganesha-vfs is not installed"
  mkdir -p "$dir/recovery"
  run_server "$dir/rpcbind.log" rpcbind -f -w
  wait_port 111 rpcbind "$dir/rpcbind.log"
  cat >"$dir/ganesha.conf" <<EOF
NFS_CORE_PARAM {
  NFS_Port = 2049;
  MNT_Port = 20048;
  Enable_NLM = false;
  Enable_RQUOTA = false;
  Enable_UDP = false;
  Protocols = 3, 4;
}
NFSv4 {
  Graceless = true;
  # Owners as numbers, as the kernel's nfsd sends them for sec=sys: with
  # names (ganesha's default) a real root's NFSv4 client asks nfsidmap
  # through request-key, which runs from that root and waits for itself.
  Only_Numeric_Owners = true;
  RecoveryBackend = fs;
  RecoveryRoot = $dir/recovery;
}
EXPORT {
  Export_Id = 1;
  Path = $export;
  Pseudo = /root;
  Access_Type = RW;
  Squash = No_Root_Squash;
  SecType = sys;
  Protocols = 3, 4;
  Transports = TCP;
  FSAL { Name = VFS; }
}
EOF
  run_server "$dir/stdout.log" ganesha.nfsd -F -f "$dir/ganesha.conf" \
    -L "$dir/ganesha.log" -p "$dir/ganesha.pid" -N NIV_EVENT
  NFS_LOG=$dir/ganesha.log
  wait_port 2049 nfs-ganesha "$dir/ganesha.log"
}

# start_iscsi_target IMAGE IQN: tgtd with target IQN, IMAGE as LUN 1, open
# to every initiator.
start_iscsi_target() {
  local image=$1 iqn=$2 dir=$T/tgt
  need tgtd tgtadm
  mkdir -p "$dir"
  run_server "$dir/log" tgtd -f
  ISCSI_LOG=$dir/log
  wait_port 3260 tgtd "$dir/log"
  in_ns tgtadm --lld iscsi --op new --mode target --tid 1 -T "$iqn"
  in_ns tgtadm --lld iscsi --op new --mode logicalunit --tid 1 --lun 1 -b "$image"
  in_ns tgtadm --lld iscsi --op bind --mode target --tid 1 -I ALL
  if [ -n "${3:-}" ]; then
    in_ns tgtadm --lld iscsi --op new --mode account --user "${3%%:*}" --password "${3#*:}"
    in_ns tgtadm --lld iscsi --op bind --mode account --tid 1 --user "${3%%:*}"
  fi
  if [ -n "${4:-}" ]; then
    in_ns tgtadm --lld iscsi --op new --mode account --user "${4%%:*}" --password "${4#*:}"
    in_ns tgtadm --lld iscsi --op bind --mode account --tid 1 --user "${4%%:*}" --outgoing
  fi
}

# boot_net_root INITRD CMDLINE [initpack qemu args…]: boots INITRD (with
# the vmlinuz beside it) on qemu's user network, without a disk, and checks
# that the initrd's systemd mounted the root and switched to it.
boot_net_root() {
  local initrd=$1 cmdline=$2
  shift 2
  boot_expect_root --kernel "$(dirname "$initrd")/vmlinuz" --initrd "$initrd" \
    --net user --append "$cmdline" "$@"
  expect_initrd_switched_root
}

# start_nvme_target IMAGE SUBNQN HOSTNQN: a second qemu guest (the test
# kernel, the kernel's nvmet and nvmet_tcp) serving IMAGE as namespace 1 of
# subsystem SUBNQN over TCP at 10.0.3.1:4420, to host HOSTNQN only. Its
# initrd is initpack's, with tests/lib/nvmet-target as rdinit=. NVMe
# discovery hands the initiator the port's own address, so both guests
# share a qemu socket network (a TCP stream on the namespace's loopback,
# the target listening) rather than user networking, where every guest is
# 10.0.2.15; NVME_NET_ARGS are the initiator's `initpack qemu` arguments
# for its NIC (ens2: the first PCI slot of a guest without disks; each NIC
# its own MAC, or IPv6 finds a duplicate link-local address and networkd
# never calls the link configured). wait_nvme_target waits for the
# target's ready marker; its console is in NVMET_LOG, as it arrives
# (--console: --log is written only when qemu ends).
# The guest never prints the text `initpack qemu` expects: it runs until
# net_ns_stop ends it (or the lifetime every server has).
start_nvme_target() {
  local image=$1 subnqn=$2 hostnqn=$3 dir=$T/nvmet
  # The socket network's stream, on the namespace's loopback.
  local net=127.0.0.1:10420
  mkdir -p "$dir/tree/usr/lib/initpack-test"
  cp "$TESTS_LIB/nvmet-target" "$dir/tree/usr/lib/initpack-test/"
  # iproute2 for `ip`, without tc's plugins (one needs libatm, not in
  # the image); coreutils for mkdir, ln, seq and sleep.
  build_test_initrd "$dir/initrd.img" --extra-tree "$dir/tree" \
    -p iproute2 -p coreutils --remove-file '/usr/lib/*/tc' \
    --module-include nvmet --module-include nvmet_tcp \
    --module-include configfs >/dev/null
  NVMET_LOG=$dir/console.log
  in_ns timeout "$SERVER_LIFETIME" "$INITPACK" qemu --kernel "$dir/vmlinuz" \
    --initrd "$dir/initrd.img" --drive "$image" --console \
    --append "rdinit=/usr/lib/initpack-test/nvmet-target test.nvmet.addr=10.0.3.1/24 test.nvmet.subnqn=$subnqn test.nvmet.hostnqn=$hostnqn" \
    --net "socket,listen=$net,mac=52:54:00:00:03:01" \
    --expect NVMET-TARGET-STAYS-UP --fail-on NVMET-TARGET-FAILED \
    --timeout "$SERVER_LIFETIME" >"$NVMET_LOG" 2>&1 &
  SERVER_PIDS+=($!)
  NVME_NET_ARGS=(--net "socket,connect=$net,mac=52:54:00:00:03:02")
}

# wait_nvme_target: until the target guest is ready (120 s at most); the
# test may build its initiator's image in between.
wait_nvme_target() {
  local _
  for _ in $(seq 600); do
    grep -q "^NVMET-TARGET-READY " "$NVMET_LOG" 2>/dev/null && return 0
    grep -q "^NVMET-TARGET-FAILED:" "$NVMET_LOG" 2>/dev/null && break
    kill -0 "${SERVER_PIDS[-1]}" 2>/dev/null || break
    sleep 0.2
  done
  tail -n 40 "$NVMET_LOG" >&2
  fail "the NVMe target guest did not get ready within 120 s"
}
