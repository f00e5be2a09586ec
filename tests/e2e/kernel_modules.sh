#!/bin/bash
# The generic module selection on a real Debian kernel (the archive's
# linux-image-amd64, unpacked once into the build's test cache): the
# default list brings virtio_blk, ext4 and what they need; the regenerated
# indexes make modprobe load the same modules as the full kernel's do; two
# runs give the same bytes; a rule naming no module fails.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/debian.sh"
need modprobe zstd
debian_fixture # sets KERNEL_ROOT and KERNEL_VERSION
# The configuration is the default profile's (KernelModulesInclude=default),
# never this machine's /etc/initpack.
export INITPACK_SYSTEM_CONFIG_DIRS=$T/no-config
root=$KERNEL_ROOT
kver=$KERNEL_VERSION

"$INITPACK" --timings modules --unpacked-kernel "$root" --explain \
  --dest "$T/img" >"$T/explain" 2>"$T/log" || { cat "$T/log" >&2; fail "modules failed"; }
cat "$T/log"
mods=$T/img/usr/lib/modules/$kver

# The default list's own rules, and dependencies with their reasons.
expect_in "$T/explain" "virtio_blk               default list rule 'virtio_blk'"
expect_in "$T/explain" "ext4                     default list rule 'ext4'"
for dep in jbd2 mbcache crc16; do
  expect_in "$T/explain" "$(printf '%-24s dependency of ext4' $dep)"
done
expect_in "$T/explain" "virtio_ring"
expect_in "$T/explain" "dm_crypt"
for m in virtio_blk virtio_pci nvme ahci sd_mod ext4 jbd2 mbcache crc16 xfs btrfs \
  vfat dm_crypt usb_storage xhci_pci usbhid hid_generic efivarfs; do
  n=$(find "$mods" -name "$m.ko*" -o -name "${m//_/-}.ko*" | wc -l)
  [ "$n" = 1 ] || fail "$m: $n files in the image"
done
# Nothing the list does not ask for, e.g. sound or graphics drivers.
[ -z "$(find "$mods/kernel/sound" "$mods/kernel/drivers/gpu" -name '*.ko*' 2>/dev/null)" ] ||
  fail "sound or GPU modules in a generic image"

# modprobe (kmod's reader, not ours) loads the same modules from the
# image's regenerated indexes as from the full kernel's, and the module
# itself last. (Independent dependencies may come in another order: depmod
# sorts them topologically over the modules present.)
for m in ext4 virtio_blk virtio_scsi nvme dm_crypt btrfs xfs usb_storage hid_generic; do
  modprobe -d "$T/img/usr" -S "$kver" --show-depends "$m" |
    sed "s#$mods/##" >"$T/img.$m"
  modprobe -d "$root" -S "$kver" --show-depends "$m" |
    sed "s#$root/lib/modules/$kver/##" >"$T/full.$m"
  diff -u <(sort "$T/full.$m") <(sort "$T/img.$m") || fail "modprobe disagrees on $m"
  [ "$(tail -n1 "$T/img.$m")" = "$(tail -n1 "$T/full.$m")" ] || fail "$m is not loaded last"
  grep -q "^insmod kernel/" "$T/img.$m" || fail "no module file for $m"
done
# Every module file is in modules.dep, and modules.dep names no other.
diff <(cd "$mods" && find kernel -name '*.ko*' | sort) \
  <(cut -d: -f1 "$mods/modules.dep" | sort) || fail "modules.dep and the files differ"

# Size: the generic selection, compressed, is a fraction of dracut's
# generic image (32.7 MB with zstd, FACTS.md).
bytes=$(du -sb "$mods" | cut -f1)
zbytes=$(tar -C "$T/img" -cf - . | zstd -3 -T2 -q | wc -c)
echo "generic selection: $(wc -l <"$T/explain") modules, $bytes bytes, $zbytes bytes zstd -3"
[ "$zbytes" -lt 12000000 ] || fail "generic modules take $zbytes bytes compressed"

# Reproducible: a second run writes the same bytes.
"$INITPACK" -q modules --unpacked-kernel "$root" --dest "$T/img2" >/dev/null
diff -r "$T/img" "$T/img2" >/dev/null || fail "two runs differ"

# A rule that names no module is a warning naming the setting (as in
# mkosi), and an error under --strict.
"$INITPACK" modules --unpacked-kernel "$root" --dest "$T/img3" \
  --module-include virtio_blk --module-include no_such_module 2>"$T/warn" >/dev/null
expect_in "$T/warn" "initpack: warning: KernelModulesInclude=no_such_module: no such kernel module in $root/usr/lib/modules/$kver"
[ -n "$(find "$T/img3" -name 'virtio_blk.ko*')" ] || fail "virtio_blk missing after the warning"
expect_fail "$INITPACK" modules --unpacked-kernel "$root" --strict \
  --module-include virtio_blk --module-include no_such_module
expect_in "$T/err" "initpack: error: KernelModulesInclude=no_such_module: no such kernel module in $root/usr/lib/modules/$kver (Strict=yes)"

# Hostonly on a recorded machine whose / is ext4 on a disk with no module
# driver: ext4 and its dependencies only, not the generic list.
mkdir -p "$T/rec/proc/self" "$T/rec/sys/devices"
echo "27 1 254:0 / / rw,relatime - ext4 /dev/vda rw" >"$T/rec/proc/self/mountinfo"
"$INITPACK" -q modules --unpacked-kernel "$root" --hostonly --explain \
  --sysfs-root "$T/rec/sys" --proc-root "$T/rec/proc" >"$T/host"
expect_in "$T/host" "ext4                     file system of / (ext4 on /dev/vda)"
expect_in "$T/host" "jbd2                     dependency of ext4"
expect_not_in "$T/host" "virtio_blk"
[ "$(wc -l <"$T/host")" -lt 10 ] || fail "hostonly chose $(wc -l <"$T/host") modules"
echo "ok"
