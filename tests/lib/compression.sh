# Shared by tests/boot/compression_*.sh: build the default image with one
# compression, check its framing with initpack inspect and the real tool,
# and boot it until the initrd's systemd runs. The compression matters only
# to the kernel's unpacking, which is whole before /init runs (the kernel
# waits for it); the rest of the boot, the same for every compression, is
# what every other boot test covers. A failed unpack fails the boot.
#
#   compression_scenario xz [extra initpack build args…]
compression_scenario() {
  local compression=$1
  shift
  need qemu-system-x86_64 python3
  mkdir -p "$T/out"
  build_test_initrd "$T/out/initrd.img" --compression "$compression" "$@" >/dev/null
  "$INITPACK" inspect --json "$T/out/initrd.img" >"$T/inspect.json"
  python3 - "$T/inspect.json" "$compression" <<'PY'
import json, sys
img = json.load(open(sys.argv[1]))
comps = [s["compression"] for s in img["segments"]]
assert comps == [sys.argv[2]], comps
paths = {e["path"] for e in img["entries"]}
for p in ("init", "etc/initrd-release", "usr/lib/systemd/systemd"):
    assert p in paths, p
PY
  local img=$T/out/initrd.img
  case $compression in
  xz)
    xz -t "$img"
    xz --robot -lvv "$img" >"$T/xz.list"
    grep -q CRC32 "$T/xz.list" || fail "xz without the CRC32 check the kernel needs"
    ;;
  gzip) gzip -t "$img" ;;
  lz4) lz4 -t "$img" ;;
  zstd) zstd -t "$img" ;;
  none)
    cpio -t <"$img" >"$T/list" 2>/dev/null
    grep -qx init "$T/list" || fail "not a plain cpio"
    ;;
  esac
  boot_expect_root --kernel "$(dirname "$img")/vmlinuz" --initrd "$img" \
    --expect "systemd[1]: Running in initrd." \
    --fail-on "Initramfs unpacking failed" --fail-on "rootfs image is not initramfs" \
    --fail-on "Failed to execute /init"
  expect_in "$BOOT_LOG" "Trying to unpack rootfs image as initramfs..."
}
