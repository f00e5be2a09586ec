# shellcheck shell=bash
# Helpers of bench/run.sh: timing a build, running a peer generator against
# initpack's kernel, booting an image to the test root's marker. Sourced
# after tests/lib/common.sh and tests/lib/boot.sh (strict mode, $T,
# make_test_root, make_root_image).
#
# Measurements are appended to tab-separated files in $W that
# bench/report.py turns into the table:
#   builds.tsv  id run wall_s user_s sys_s max_rss_kb size_bytes sha256 rc
#   boots.tsv   id run verdict host_s guest_uptime_s detail
#   meta.tsv    key value

# measure_build ID RUN OUT LOG CMD…: runs CMD under /usr/bin/time (wall
# and CPU seconds, peak RSS of the largest process) and records one line of
# builds.tsv. A failed build is recorded (rc), not fatal: a peer that cannot
# build here is a result too.
measure_build() {
  local id=$1 run=$2 out=$3 log=$4 rc=0
  shift 4
  rm -f "$out"
  /usr/bin/time -o "$T/time.$id" -f "%e %U %S %M" "$@" >"$log" 2>&1 || rc=$?
  local size=0 sha=-
  if [ $rc -eq 0 ] && [ -s "$out" ]; then
    size=$(stat -c %s "$out")
    sha=$(sha256sum "$out" | cut -d' ' -f1)
  elif [ $rc -eq 0 ]; then
    rc=1 # exit 0 but no image
  fi
  # /usr/bin/time prints "Command exited with non-zero status N" first.
  local times
  times=$(tail -n 1 "$T/time.$id")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$run" "${times// /$'\t'}" "$size" "$sha" "$rc" >>"$W/builds.tsv"
  printf '  %-18s run %s: %s s wall, peak RSS %s KB, %s bytes%s\n' "$id" "$run" \
    "${times%% *}" "${times##* }" "$size" "$([ $rc -eq 0 ] || echo ", FAILED (exit $rc, see $log)")"
}

# boot_image ID RUN INITRD APPEND [qemu args…]: boots INITRD with the
# bench's kernel and root image under `initpack qemu --icount` and records
# one line of boots.tsv. With -icount the guest clock counts instructions,
# so the guest uptime at the marker does not depend on the host's load;
# the host seconds do.
boot_image() {
  local id=$1 run=$2 initrd=$3 append=$4 rc=0
  shift 4
  local log=$W/logs/boot-$id-$run.log out=$W/logs/boot-$id-$run.out
  with_qemu_lock "$INITPACK" qemu --icount --kernel "$W/vmlinuz" --initrd "$initrd" \
    --drive "$W/root.img,snapshot" --append "root=/dev/vda rw $append" \
    --timeout "$BENCH_BOOT_TIMEOUT" --log "$log" "$@" >"$out" 2>&1 || rc=$?
  local line verdict host uptime=- detail=
  line=$(head -n 1 "$out")
  host=$(sed -n 's/.* after \([0-9.]*\) s.*/\1/p' <<<"$line")
  case $rc in
  0)
    verdict=root
    uptime=$(sed -n 's/.*(guest uptime \([0-9.]*\) s).*/\1/p' <<<"$line")
    ;;
  1) verdict=failed detail=$line ;;
  2) verdict=timeout detail=$line ;;
  *) verdict=error detail=$line ;;
  esac
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$run" "$verdict" "${host:--}" "$uptime" "${detail//$'\t'/ }" >>"$W/boots.tsv"
  printf '  %-18s boot %s: %s\n' "$id" "$run" "$line"
}

# with_qemu_lock CMD…: runs CMD holding BENCH_QEMU_LOCK (flock(1)) when it
# is set, so that on a shared machine only one guest runs at a time: a
# second guest would steal the first one's host CPU and stretch its host
# seconds. The lock is taken per boot, never around the builds.
with_qemu_lock() {
  if [ -n "${BENCH_QEMU_LOCK:-}" ]; then
    flock "$BENCH_QEMU_LOCK" "$@"
  else
    "$@"
  fi
}

meta() { printf '%s\t%s\n' "$1" "$2" >>"$W/meta.tsv"; }

# The version of an installed Debian package, or "-".
package_version() { dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo -; }
