#!/bin/bash
# The generic module selection in a real boot: a busybox initrd holding
# only what `initpack modules` chose for Debian's kernel loads virtio_pci,
# virtio_blk and ext4 with busybox's modprobe (which reads the regenerated
# text modules.dep), mounts the ext4 disk and prints its marker. A module
# missing from the closure makes the kernel refuse the load, and the marker
# never appears.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/debian.sh"
need qemu-system-x86_64 cpio mkfs.ext4
[ -x /bin/busybox ] && file -L /bin/busybox | grep -q 'statically linked' ||
  skip "needs busybox-static"
debian_fixture # sets KERNEL_ROOT and KERNEL_VERSION

INITPACK_SYSTEM_CONFIG_DIRS=$T/no-config \
  "$INITPACK" -q modules --unpacked-kernel "$KERNEL_ROOT" --dest "$T/initrd"
r=$T/initrd
mkdir -p "$r/bin" "$r/proc" "$r/sys" "$r/dev" "$r/mnt"
ln -s usr/lib "$r/lib"
ln -s bin "$r/sbin" # the kernel calls /sbin/modprobe for crypto algorithms
cp /bin/busybox "$r/bin/busybox"
cat >"$r/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in virtio_pci virtio_blk ext4; do
  modprobe "$m" || echo "initrd: modprobe $m failed"
done
for i in $(seq 100); do [ -b /dev/vda ] && break; sleep 0.1; done
mount -t ext4 -o ro /dev/vda /mnt && echo "initrd: marker=$(cat /mnt/marker)"
echo "initrd: loaded=$(cut -d' ' -f1 /proc/modules | sort | tr '\n' ' ')"
poweroff -f
INIT
chmod 755 "$r/init"
(cd "$r" && find . | sort | cpio -o -H newc --quiet) >"$T/initrd.img"

mkdir -p "$T/disk"
echo "modules-ok-$$" >"$T/disk/marker"
truncate -s 16M "$T/disk.img"
mkfs.ext4 -q -d "$T/disk" "$T/disk.img"

timeout 600 qemu-system-x86_64 -accel tcg -smp 1 -m 1024 -nographic -no-reboot \
  -kernel "$KERNEL_ROOT/boot/vmlinuz-$KERNEL_VERSION" -initrd "$T/initrd.img" \
  -append "console=ttyS0 panic=-1 loglevel=4" \
  -drive "file=$T/disk.img,format=raw,if=virtio,readonly=on" \
  </dev/null >"$T/console.log" 2>&1 || true
tr -d '\r' <"$T/console.log" >"$T/console.txt"
grep 'initrd:' "$T/console.txt" || true
expect_not_in "$T/console.txt" "initrd: modprobe"
expect_in "$T/console.txt" "initrd: marker=modules-ok-$$"
for m in virtio_blk ext4 jbd2 mbcache crc16; do
  grep -q "^initrd: loaded=.*\b$m\b" "$T/console.txt" || fail "$m not loaded"
done
echo ok
