#!/bin/bash
# The benchmark of issue #3: initpack against dracut and initramfs-tools,
# side by side, on the same kernel, in one run. Not a test: it never fails
# on a missed target, it reports them.
#
# Builds, each BENCH_RUNS times (interleaved, so load spikes on this shared
# machine hit every generator alike):
#   initpack-generic    initpack build, warm cache
#   initpack-hostonly   initpack build --hostonly, from a recording of the
#                       test VM's sysfs (tests/lib/record-host.sh)
#   dracut-generic      dracut --no-hostonly --zstd
#   dracut-hostonly     dracut --hostonly --zstd        (describes this host)
#   mkinitramfs-most    mkinitramfs, MODULES=most
#   mkinitramfs-dep     mkinitramfs, MODULES=dep         (describes this host)
# then boots each image under `initpack qemu --icount` with the test root of
# tests/lib/boot.sh until its init prints the marker, and prints a markdown
# table (build time, CPU, peak RSS, size, reproducibility, guest uptime at
# the marker, host seconds, ratios to dracut generic) to stdout and to
# bench/results/<date>.md, with initpack's own per-pass timings.
#
# The kernel for all: the archive's linux-image-amd64, as initpack fetches
# and unpacks it (vmlinuz and /usr/lib/modules/KVER with depmod done).
# dracut and mkinitramfs see it at /lib/modules/KVER through overlays in a
# private mount namespace (bench/with-kernel.sh): the host itself gets no
# kernel, links or mounts.
#
# WHAT IT INSTALLS: as root, with apt-get, the peers and what they need:
# dracut-core (Debian's dracut 059; the `dracut` package only adds kernel
# hooks and conflicts with initramfs-tools, dracut-core does not),
# initramfs-tools, pigz, kpartx, time. Run on Debian 12 after
# scripts/setup (which builds initpack into build/):
#
#   sudo bench/run.sh
#
# Settings (environment):
#   BENCH_RUNS=3          builds per generator; the table shows medians
#   BENCH_BOOTS=3         boots per image; the table shows the median guest
#                         uptime and its range (under heavy host load even
#                         -icount uptimes moved by 1.5-2 s between runs)
#   BENCH_ONLY="ID…"      only these generators (ids above)
#   BENCH_WORK=DIR        work directory: cache, images, logs
#                         (default build/bench)
#   BENCH_RESULTS=DIR     where the report goes (default bench/results)
#   BENCH_BOOT_TIMEOUT=900  host seconds before a boot counts as timed out
#   BENCH_NO_INSTALL=1    do not run apt-get
#   BENCH_QEMU_LOCK=FILE  hold flock(1) on FILE during each boot (machines
#                         shared with other qemu users)
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export INITPACK_SOURCE_DIR=${INITPACK_SOURCE_DIR:-$(dirname "$BENCH_DIR")}
source "$INITPACK_SOURCE_DIR/tests/lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$BENCH_DIR/lib.sh"

: "${BENCH_RUNS:=3}" "${BENCH_BOOTS:=3}" "${BENCH_BOOT_TIMEOUT:=900}"
: "${BENCH_WORK:=$INITPACK_BUILD_DIR/bench}" "${BENCH_RESULTS:=$BENCH_DIR/results}"
ALL_IDS="initpack-generic initpack-hostonly dracut-generic dracut-hostonly mkinitramfs-most mkinitramfs-dep"
read -r -a IDS <<<"${BENCH_ONLY:-$ALL_IDS}"
for id in "${IDS[@]}"; do
  [[ " $ALL_IDS " == *" $id "* ]] || { echo "BENCH_ONLY: unknown generator '$id' (one of: $ALL_IDS)" >&2; exit 2; }
done
W=$BENCH_WORK
CACHE=$W/cache
KERNEL_PACKAGE=linux-image-amd64

[ "$(id -u)" -eq 0 ] || { echo "bench/run.sh: run as root (apt-get, mount namespaces)" >&2; exit 2; }

install_peers() {
  [ -n "${BENCH_NO_INSTALL:-}" ] && return
  local p missing=()
  for p in dracut-core initramfs-tools pigz kpartx time; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return
  echo "== installing ${missing[*]}"
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

build_initpack() {
  [ -x "$INITPACK" ] && return
  echo "== building initpack into $INITPACK_BUILD_DIR"
  cmake -S "$INITPACK_SOURCE_DIR" -B "$INITPACK_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
  cmake --build "$INITPACK_BUILD_DIR" --target initpack
}

initpack_build() { "$INITPACK" build --cache-dir "$CACHE" --kernel-package "$KERNEL_PACKAGE" "$@"; }

# Fills initpack's cache (the first build is cold when the cache is new),
# and takes the kernel from it.
prepare_kernel() {
  echo "== initpack: filling the cache and fetching $KERNEL_PACKAGE"
  local start=$SECONDS state=warm
  [ -d "$CACHE" ] || state=cold
  mkdir -p "$W/setup"
  initpack_build -o "$W/setup/initrd.img" >"$W/logs/setup-build.log" 2>&1 ||
    { cat "$W/logs/setup-build.log" >&2; echo "initpack build failed" >&2; exit 1; }
  meta setup_build "$state cache, $((SECONDS - start)) s"
  cp "$W/setup/vmlinuz" "$W/vmlinuz"
  KERNEL_VERSION=$(kernel_image_version "$W/vmlinuz")
  local modules=("$CACHE"/trees/*/usr/lib/modules/"$KERNEL_VERSION")
  [ -d "${modules[0]}" ] || { echo "no unpacked $KERNEL_VERSION in $CACHE/trees" >&2; exit 1; }
  KERNEL_ROOT=$(cd "${modules[0]%/usr/lib/modules/*}" && pwd)
  meta kernel "$KERNEL_VERSION ($KERNEL_PACKAGE)"
}

# The root every image boots, and a second one that records the test VM's
# sysfs for initpack's hostonly image (see tests/boot/hostonly.sh).
prepare_roots() {
  echo "== test root images"
  rm -rf "$W/root" "$W/record-root" "$W/rec"
  TEST_ROOT=$W/root make_root_image "$W/root.img" >/dev/null
  [[ " ${IDS[*]} " == *" initpack-hostonly "* ]] || return 0
  make_test_root "$W/record-root"
  cp "$TESTS_LIB/record-host.sh" "$W/record-root/etc/initpack-test.d/50-record-host.sh"
  TEST_ROOT=$W/record-root make_root_image "$W/record-root.img" >/dev/null
  rm -f "$W/record.img" && truncate -s 32M "$W/record.img"
  echo "== recording the test VM's sysfs (a boot of initpack's generic image)"
  with_qemu_lock "$INITPACK" qemu --kernel "$W/vmlinuz" --initrd "$W/setup/initrd.img" \
    --drive "$W/record-root.img,snapshot" --drive "$W/record.img" \
    --append "root=/dev/vda rw" --timeout "$BENCH_BOOT_TIMEOUT" \
    --log "$W/logs/record.log" >"$W/logs/record.out" 2>&1 ||
    { cat "$W/logs/record.out" >&2; echo "the recording boot failed" >&2; exit 1; }
  mkdir -p "$W/rec"
  tar -xf "$W/record.img" -C "$W/rec"
  [ -s "$W/rec/proc/self/mountinfo" ] || { echo "no sysfs recording in $W/record.img" >&2; exit 1; }
}

# initramfs-tools' configuration, as Debian installs it, with MODULES= set.
prepare_mkinitramfs_conf() {
  local mode
  for mode in most dep; do
    rm -rf "$W/conf-$mode"
    cp -a /etc/initramfs-tools "$W/conf-$mode"
    sed -i "s/^MODULES=.*/MODULES=$mode/" "$W/conf-$mode/initramfs.conf"
  done
}

# build_command ID OUT: sets CMD to the command that builds ID's image OUT.
build_command() {
  local id=$1 out=$2 peer=("$BENCH_DIR/with-kernel.sh" "$KERNEL_ROOT")
  case $id in
  initpack-generic) CMD=("$INITPACK" build --cache-dir "$CACHE" --kernel-package "$KERNEL_PACKAGE" -o "$out") ;;
  initpack-hostonly)
    CMD=("$INITPACK" build --cache-dir "$CACHE" --kernel-package "$KERNEL_PACKAGE" -o "$out"
      --hostonly --sysfs-root "$W/rec/sys" --proc-root "$W/rec/proc")
    ;;
  dracut-generic) CMD=("${peer[@]}" dracut --force --no-hostonly --zstd --kver "$KERNEL_VERSION" "$out") ;;
  dracut-hostonly) CMD=("${peer[@]}" dracut --force --hostonly --zstd --kver "$KERNEL_VERSION" "$out") ;;
  mkinitramfs-most) CMD=("${peer[@]}" mkinitramfs -d "$W/conf-most" -o "$out" "$KERNEL_VERSION") ;;
  mkinitramfs-dep) CMD=("${peer[@]}" mkinitramfs -d "$W/conf-dep" -o "$out" "$KERNEL_VERSION") ;;
  esac
}

# How each image is told to give up on a missing root within bounded time,
# and what its failure looks like on the console. initramfs-tools gives up
# after 30 s by itself (its rootdelay= would sleep that long on every boot).
# dracut's initqueue waits for the root on its own (rd.retry, 180 s by
# default) before systemd's device timeout matters; neither delays a boot
# that finds its root.
boot_args() {
  case $1 in
  mkinitramfs-*)
    BOOT_APPEND=
    BOOT_EXTRA=(--fail-on "Dropping to a shell" --fail-on "Gave up waiting for root")
    ;;
  dracut-*)
    BOOT_APPEND="$ROOT_WAIT_10S rd.retry=10"
    BOOT_EXTRA=()
    ;;
  *)
    BOOT_APPEND=$ROOT_WAIT_10S
    BOOT_EXTRA=()
    ;;
  esac
}

image_path() { echo "$W/img/$1/initrd.img"; }

run_builds() {
  local run id
  for run in $(seq "$BENCH_RUNS"); do
    echo "== builds, run $run of $BENCH_RUNS"
    for id in "${IDS[@]}"; do
      mkdir -p "$W/img/$id"
      build_command "$id" "$(image_path "$id")"
      measure_build "$id" "$run" "$(image_path "$id")" "$W/logs/build-$id-$run.log" "${CMD[@]}"
    done
  done
}

run_boots() {
  local run id
  for run in $(seq "$BENCH_BOOTS"); do
    echo "== boots, run $run of $BENCH_BOOTS (qemu TCG, -icount)"
    for id in "${IDS[@]}"; do
      if [ ! -s "$(image_path "$id")" ]; then
        printf '%s\t%s\tno-image\t-\t-\tthe build failed\n' "$id" "$run" >>"$W/boots.tsv"
        continue
      fi
      boot_args "$id"
      boot_image "$id" "$run" "$(image_path "$id")" "$BOOT_APPEND" "${BOOT_EXTRA[@]}"
    done
  done
}

# Where initpack's warm build spends its time (--timings) and its peak
# memory (/usr/bin/time -v), for the team to know what to optimise.
profile_initpack() {
  local id
  for id in initpack-generic initpack-hostonly; do
    [[ " ${IDS[*]} " == *" $id "* ]] || continue
    echo "== initpack --timings, /usr/bin/time -v: $id"
    build_command "$id" "$W/profile/$id/initrd.img"
    mkdir -p "$W/profile/$id"
    /usr/bin/time -v "${CMD[0]}" --timings "${CMD[@]:1}" >"$W/logs/profile-$id.out" 2>"$W/profile-$id.txt" || true
  done
}

record_environment() {
  meta date "$(date -u '+%Y-%m-%d %H:%M UTC')"
  meta runs "$BENCH_RUNS builds, $BENCH_BOOTS boots per image"
  meta machine "$(nproc) CPUs, $(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo), host kernel $(uname -r)"
  meta initpack "$(git -C "$INITPACK_SOURCE_DIR" describe --always --dirty 2>/dev/null || echo unknown)"
  meta dracut "$(package_version dracut-core)"
  meta initramfs-tools "$(package_version initramfs-tools)"
  meta qemu "$(package_version qemu-system-x86)"
}

main() {
  install_peers
  build_initpack
  mkdir -p "$W/logs"
  rm -f "$W/builds.tsv" "$W/boots.tsv" "$W/meta.tsv"
  record_environment
  meta load_before "$(cut -d' ' -f1-3 /proc/loadavg)"
  prepare_kernel
  prepare_roots
  prepare_mkinitramfs_conf
  run_builds
  run_boots
  profile_initpack
  meta load_after "$(cut -d' ' -f1-3 /proc/loadavg)"

  mkdir -p "$BENCH_RESULTS"
  local result
  result=$BENCH_RESULTS/$(date -u +%Y-%m-%d).md
  [ -e "$result" ] && result=$BENCH_RESULTS/$(date -u +%Y-%m-%d-%H%M).md
  python3 "$BENCH_DIR/report.py" "$W" "$INITPACK" >"$result.tmp"
  mv "$result.tmp" "$result"
  echo
  cat "$result"
  echo
  echo "(written to $result; images and logs in $W)"
}

main
