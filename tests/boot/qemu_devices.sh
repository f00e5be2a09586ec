# --drive for every interface (virtio, SCSI, NVMe, IDE; raw and qcow2) in
# the order given, each with its serial number, and --net user reaching a
# service on the host's 127.0.0.1 as 10.0.2.2.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
need qemu-system-x86_64 qemu-img

make_busybox_initrd "$T/initrd.img" virtio_pci virtio_blk virtio_scsi sd_mod \
  nvme ata_piix virtio_net
for d in a b c; do truncate -s 8M "$T/$d.img"; done
qemu-img create -q -f qcow2 "$T/q.qcow2" 8M
boot_expect_root --initrd "$T/initrd.img" --append test.mode=disks \
  --drive "$T/a.img,if=scsi" --drive "$T/q.qcow2" --drive "$T/b.img,if=nvme" \
  --drive "$T/c.img,if=ide,snapshot"
# Drive N gets serial initpackN; the first virtio disk is vda. SCSI and
# IDE disks are both sd*, named in probe order.
tr -d '\r' <"$BOOT_LOG" >"$T/console"
grep -qE '^disk sd[ab] serial=initpack0$' "$T/console" || fail "no SCSI disk initpack0"
expect_in "$T/console" "disk vda serial=initpack1"
expect_in "$T/console" "disk nvme0n1 serial=initpack2"
grep -qE '^disk sd[ab] serial=initpack3$' "$T/console" || fail "no IDE disk initpack3"
[ "$(grep -c '^disk ' "$T/console")" -eq 4 ] || fail "expected exactly 4 disks"

mkdir -p "$T/www"
token="token-$$-$RANDOM"
echo "$token" >"$T/www/token"
start_http_server "$T/www"
boot_expect_root --initrd "$T/initrd.img" --net user \
  --append "test.mode=net test.port=$HTTP_PORT"
expect_in "$BOOT_LOG" "initrd: fetched $token"
