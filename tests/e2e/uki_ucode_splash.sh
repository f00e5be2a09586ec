# .ucode and .splash proven byte for byte. With trixie's systemd-stub (257)
# the microcode early cpio (Microcode=) gets its own .ucode section, exactly
# the bytes a cpio build puts in front of its initrd, and .initrd carries
# no microcode; with bookworm's 252 (no .ucode) the same early cpio is put
# in front of .initrd, where the kernel finds it just as well. .splash is
# the BMP given, byte-equal; a file that is no BMP is refused. `initpack
# inspect` reads a UKI as the initrd the stub hands the kernel (.ucode,
# then .initrd): the same files, the same bytes as the cpio build's.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/uefi.sh"
need objdump objcopy python3 zstd cpio
[ -f /usr/lib/systemd/boot/efi/linuxx64.efi.stub ] || skip "systemd-boot-efi is not installed"
debian_fixture
stubs=$(trixie_stub_dir) || exit
args=(--microcode --repositories main,non-free-firmware --kernel-command-line "root=LABEL=x")

# A 2x2 24-bit BMP: 54 bytes of headers, two rows of 8 bytes (padded to 4).
python3 - "$T/splash.bmp" <<'PY'
import struct, sys
rows = b"\x00\x00\xff\xff\xff\xff\x00\x00" * 2
hdr = struct.pack("<2sIHHI", b"BM", 54 + len(rows), 0, 0, 54)
dib = struct.pack("<IiiHHIIiiII", 40, 2, 2, 1, 24, 0, len(rows), 2835, 2835, 0, 0)
open(sys.argv[1], "wb").write(hdr + dib + rows)
PY

# The reference: the early cpio of a plain build is its uncompressed head.
mkdir -p "$T/cpio" "$T/new" "$T/old"
build_test_initrd "$T/cpio/initrd.img" "${args[@]}" >/dev/null
"$INITPACK" inspect --json "$T/cpio/initrd.img" >"$T/inspect.json"
early_size=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["segments"][1]["offset"])' "$T/inspect.json")
head -c "$early_size" "$T/cpio/initrd.img" >"$T/early.cpio"
cpio -it --quiet <"$T/early.cpio" >"$T/early.list" 2>/dev/null
expect_in "$T/early.list" "kernel/x86/microcode/GenuineIntel.bin"
expect_in "$T/early.list" "kernel/x86/microcode/AuthenticAMD.bin"

# 257: .ucode is the early cpio, .splash the BMP; .initrd has no microcode.
build_test_initrd "$T/new/uki.efi" --format uki --stub "$stubs/linuxx64.efi.stub" \
  --splash "$T/splash.bmp" "${args[@]}" >/dev/null
objdump -h "$T/new/uki.efi" | awk '$2 ~ /^\./ { print $2 }' >"$T/new.sections"
for s in ucode splash initrd; do
  grep -qx ".$s" "$T/new.sections" || { cat "$T/new.sections" >&2; fail "no .$s section"; }
  objcopy -O binary --only-section=".$s" "$T/new/uki.efi" "$T/new.$s"
done
cmp "$T/new.ucode" "$T/early.cpio" || fail ".ucode is not the early microcode cpio"
cmp "$T/new.splash" "$T/splash.bmp" || fail ".splash is not the BMP given"
zstd -dc <"$T/new.initrd" | cpio -it --quiet >"$T/new.initrd.list" 2>/dev/null
expect_not_in "$T/new.initrd.list" "kernel/x86/microcode/GenuineIntel.bin"
expect_in "$T/new.initrd.list" "usr/lib/systemd/systemd"
# ukify's order: .ucode right before .initrd, .linux last.
[ "$(grep -A1 -x '.ucode' "$T/new.sections" | tail -n 1)" = .initrd ] || fail ".ucode is not just before .initrd"

# inspect on the UKI: its section table, then .ucode + .initrd listed and
# read like the cpio build (same entries, same bytes).
"$INITPACK" inspect "$T/new/uki.efi" >"$T/uki.listing"
grep -Eq '^ +[0-9]+ \.ucode +0x[0-9a-f]+ +'"$(stat -c %s "$T/new.ucode")"' +base' "$T/uki.listing" ||
  { head -n 20 "$T/uki.listing" >&2; fail "inspect does not list .ucode with its size"; }
"$INITPACK" inspect --json "$T/new/uki.efi" >"$T/uki.json"
python3 - "$T/inspect.json" "$T/uki.json" <<'PY' || fail "inspect reads the UKI's initrd differently from the cpio build"
import json, sys
cpio, uki = (json.load(open(p)) for p in sys.argv[1:])
# The manifest hashes the configuration, Format= included: it alone differs.
key = lambda j: sorted((e["path"], e.get("sha256", "")) for e in j["entries"]
                       if e["path"] != "usr/lib/initpack/manifest.json")
assert key(cpio) == key(uki), "entries differ"
names = [s["name"] for s in uki["uki"]["sections"]]
assert ".ucode" in names and ".initrd" in names and ".splash" in names, names
PY
"$INITPACK" inspect --cat usr/lib/systemd/systemd "$T/new/uki.efi" >"$T/uki.systemd"
"$INITPACK" inspect --cat usr/lib/systemd/systemd "$T/cpio/initrd.img" >"$T/cpio.systemd"
cmp "$T/uki.systemd" "$T/cpio.systemd" || fail "inspect --cat differs between UKI and cpio"

# 252: no .ucode section; the early cpio leads .initrd, byte for byte.
build_test_initrd "$T/old/uki.efi" --format uki --splash "$T/splash.bmp" "${args[@]}" >/dev/null
objdump -h "$T/old/uki.efi" | awk '$2 ~ /^\./ { print $2 }' >"$T/old.sections"
expect_not_in "$T/old.sections" ".ucode"
objcopy -O binary --only-section=.initrd "$T/old/uki.efi" "$T/old.initrd"
cmp -n "$early_size" "$T/old.initrd" "$T/early.cpio" || fail "252: .initrd does not start with the early cpio"
objcopy -O binary --only-section=.splash "$T/old/uki.efi" "$T/old.splash"
cmp "$T/old.splash" "$T/splash.bmp" || fail "252: .splash is not the BMP given"

# Not a BMP: refused, naming the setting.
echo "GIF89a" >"$T/not.bmp"
expect_fail "$INITPACK" build --cache-dir "$INITPACK_TEST_CACHE" --kernel-package "$TEST_KERNEL_PACKAGE" \
  -o "$T/bad.efi" --format uki --splash "$T/not.bmp" "${args[@]}"
expect_in "$T/err" "Splash=$T/not.bmp: not a BMP image"
[ ! -e "$T/bad.efi" ] || fail "a refused UKI was written"
