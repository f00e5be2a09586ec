# Hostonly picks the storage profiles from how the root is stacked: a
# recorded machine whose / is ext4 on LVM on LUKS on md RAID1 (made here as
# sysfs shows such a stack) must get the luks, lvm and raid profiles' tools,
# tpm2's libraries (its crypttab entry asks for the TPM) and an
# /etc/crypttab holding only the root's entry.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/debian.sh"
need python3
debian_fixture

luks=6f1a2b3c-0003-4c00-8000-000000000003
rec=$T/rec
sys=$rec/sys
pci=$sys/devices/pci0000:00
for i in 4 5; do
  disk=$pci/0000:00:0$i.0/virtio$i/block/vd$([ $i = 4 ] && echo a || echo b)
  mkdir -p "$disk"
  echo "254:$((i * 16))" >"$disk/dev"
done
virt=$sys/devices/virtual/block
mkdir -p "$virt"/{md127,dm-0,dm-1}/slaves "$virt/md127/md" "$virt"/dm-{0,1}/dm \
  "$sys/dev/block" "$rec/proc/self"
ln -s ../../../../pci0000:00/0000:00:04.0/virtio4/block/vda "$virt/md127/slaves/vda"
ln -s ../../../../pci0000:00/0000:00:05.0/virtio5/block/vdb "$virt/md127/slaves/vdb"
echo raid1 >"$virt/md127/md/level"
ln -s ../../md127 "$virt/dm-0/slaves/md127"
echo "luks-$luks" >"$virt/dm-0/dm/name"
echo "CRYPT-LUKS2-${luks//-/}-luks-$luks" >"$virt/dm-0/dm/uuid"
ln -s ../../dm-0 "$virt/dm-1/slaves/dm-0"
echo vg-root >"$virt/dm-1/dm/name"
echo LVM-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcdefghijklmnopqrstu >"$virt/dm-1/dm/uuid"
ln -s ../../devices/virtual/block/dm-1 "$sys/dev/block/253:1"
echo "25 1 253:1 / / rw,relatime - ext4 /dev/mapper/vg-root rw" >"$rec/proc/self/mountinfo"
cat >"$rec/crypttab" <<EOT
# the root, unlocked by the TPM
luks-$luks UUID=$luks none tries=1,tpm2-device=auto
# not under /: must stay out of the image
data UUID=0000-not-root /etc/data.key
EOT

# --verbose prints why each profile was chosen. This test checks what goes
# in, not how it is packed: zstd 3 instead of hostonly's default 18 saves
# ~18 s of CI (boot/hostonly boots a level-18 image).
"$INITPACK" --verbose build --cache-dir "$INITPACK_TEST_CACHE" \
  --kernel-package "$TEST_KERNEL_PACKAGE" -o "$T/initrd.img" --hostonly \
  --compression-level 3 \
  --sysfs-root "$sys" --proc-root "$rec/proc" --crypttab "$rec/crypttab" \
  >"$T/build.log" 2>&1 || { cat "$T/build.log" >&2; fail "hostonly build failed"; }
grep "hostonly: profile" "$T/build.log"
for p in luks tpm2 lvm raid; do
  grep -q "hostonly: profile $p: " "$T/build.log" ||
    { cat "$T/build.log" >&2; fail "hostonly did not choose profile $p"; }
done
grep -q "hostonly: profile luks: root on dm-crypt dm-0 (CRYPT-LUKS2-" "$T/build.log" ||
  fail "no reason given for the luks profile"
if grep -qE "hostonly: profile (btrfs|xfs)" "$T/build.log"; then fail "a file system profile for ext4"; fi

"$INITPACK" inspect --json "$T/initrd.img" >"$T/inspect.json"
python3 - "$T/inspect.json" <<'PY' || fail "the image lacks a storage tool"
import json, sys
paths = {e["path"].lstrip("./").lstrip("/") for e in json.load(open(sys.argv[1]))["entries"]}
need = ["usr/sbin/mdadm", "usr/sbin/lvm", "usr/sbin/cryptsetup",
        "usr/lib/udev/rules.d/64-md-raid-assembly.rules",
        "usr/lib/udev/rules.d/69-lvm.rules", "etc/mdadm/mdadm.conf",
        "usr/lib/x86_64-linux-gnu/libtss2-esys.so.0", "etc/crypttab"]
missing = [p for p in need if not any(q == p or q.endswith("/" + p) for q in paths)]
print("missing:", missing) if missing else None
kos = [p for p in paths if p.endswith((".ko", ".ko.xz", ".ko.zst"))]
for m in ("raid1.ko", "dm-crypt.ko", "dm-mod.ko"):
    if not any(k.split("/")[-1].startswith(m) for k in kos):
        missing.append(m); print("missing module", m)
sys.exit(1 if missing else 0)
PY
"$INITPACK" inspect --cat etc/crypttab "$T/initrd.img" >"$T/crypttab"
expect_in "$T/crypttab" "luks-$luks UUID=$luks none tries=1,tpm2-device=auto"
expect_not_in "$T/crypttab" "data UUID"

# Without hostonly, the same recording changes nothing.
build_test_initrd "$T/generic.img" --sysfs-root "$sys" --proc-root "$rec/proc" \
  --crypttab "$rec/crypttab" >/dev/null
if "$INITPACK" inspect --cat etc/crypttab "$T/generic.img" >/dev/null 2>&1; then
  fail "a generic image got /etc/crypttab"
fi
