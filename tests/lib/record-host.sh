# Sourced by the test root's init (busybox sh) in a guest: records what
# initpack's hostonly mode reads of a machine (src/kernel/host_devices.h)
# and writes it as a tar archive to the raw disk /dev/vdb, so the host can
# build a hostonly image for this guest: every device's modalias, driver
# and module links, the block device links, stacked-device attributes,
# /proc/modules and /proc/self/mountinfo.
R=/tmp/host-record
rm -rf "$R" && mkdir -p "$R"
rec_file() { mkdir -p "$R${1%/*}" && cat "$1" >"$R$1" 2>/dev/null; }
rec_link() {
  mkdir -p "$R${1%/*}" && ln -sfn "$(readlink "$1")" "$R$1"
  mkdir -p "$R$(readlink -f "$1")"
}
find /sys/devices -name modalias -type f | while read -r f; do rec_file "$f"; done
find /sys/devices -name driver -type l | while read -r l; do
  rec_link "$l"
  t=$(readlink -f "$l")
  [ -L "$t/module" ] && rec_link "$t/module"
done
for l in /sys/dev/block/* /sys/class/block/*; do rec_link "$l"; done
find /sys/devices -path '*/slaves/*' -type l | while read -r l; do rec_link "$l"; done
find /sys/devices \( -path '*/dm/uuid' -o -path '*/dm/name' -o -path '*/md/level' \) |
  while read -r f; do rec_file "$f"; done
mkdir -p "$R/proc/self"
cat /proc/self/mountinfo >"$R/proc/self/mountinfo"
cat /proc/modules >"$R/proc/modules" 2>/dev/null
tar -cf /dev/vdb -C "$R" . && sync && echo "host-record: $(find "$R" | wc -l) paths written to /dev/vdb"
