# An initrd compressed with xz: the kernel unpacks it and boots the root.
# The image's framing is checked with initpack inspect and the real tool.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
need qemu-system-x86_64
COMPRESSION=xz
mkdir -p "$T/out"
# xz at its default level costs ~45 s of CPU here; the framing is what
# matters to the kernel, so the test uses level 1.
build_test_initrd "$T/out/initrd.img" --compression "$COMPRESSION" --compression-level 1 >/dev/null
"$INITPACK" inspect --json "$T/out/initrd.img" >"$T/inspect.json"
python3 - "$T/inspect.json" "$COMPRESSION" <<'PY'
import json, sys
img = json.load(open(sys.argv[1]))
comps = [s["compression"] for s in img["segments"]]
assert comps == [sys.argv[2]], comps
paths = {e["path"] for e in img["entries"]}
for p in ("init", "etc/initrd-release", "usr/lib/systemd/systemd"):
    assert p in paths, p
PY
case $COMPRESSION in
xz) xz -t "$T/out/initrd.img"; xz --robot -lvv "$T/out/initrd.img" | grep -q CRC32 || fail "xz without CRC32" ;;
gzip) gzip -t "$T/out/initrd.img" ;;
lz4) lz4 -t "$T/out/initrd.img" ;;
none) cpio -t <"$T/out/initrd.img" | grep -qx init || fail "not a plain cpio" ;;
esac
make_test_root "$T/root"
make_root_image "$T/root.img" >/dev/null
boot_systemd_initrd "$T/out/initrd.img" root=/dev/vda
