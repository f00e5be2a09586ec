# Microcode=yes: an uncompressed early cpio with the microcode of
# intel-microcode and amd64-microcode (non-free-firmware), then the main
# zstd archive. The kernel must accept the layout and boot to the root.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
need qemu-system-x86_64 python3
mkdir -p "$T/out"
build_test_initrd "$T/out/initrd.img" --microcode \
  --repositories main,non-free-firmware >/dev/null
"$INITPACK" inspect --json "$T/out/initrd.img" >"$T/inspect.json"
python3 - "$T/inspect.json" <<'PY'
import json, sys
img = json.load(open(sys.argv[1]))
segs = [s["compression"] for s in img["segments"]]
assert segs == ["none", "zstd"], segs
early = {e["path"]: e for e in img["entries"] if e["segment"] == 0}
for vendor in ("GenuineIntel", "AuthenticAMD"):
    e = early["kernel/x86/microcode/%s.bin" % vendor]
    assert e["size"] > 10000, e
main = {e["path"] for e in img["entries"] if e["segment"] == 1}
assert "init" in main and not any(p.startswith("kernel/x86") for p in main)
PY
make_test_root "$T/root"
make_root_image "$T/root.img" >/dev/null
boot_systemd_initrd "$T/out/initrd.img" root=/dev/vda
