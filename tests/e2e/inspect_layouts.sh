# inspect reads the layouts real generators write: an uncompressed early
# cpio followed by the main archive made with GNU cpio and each real
# compressor (dracut/initramfs-tools style). The listing, --json, --cat and
# --extract are checked against the source tree with independent tools
# (sha256sum, stat through python3, cmp).
source "$(dirname "$0")/../lib/common.sh"
need cpio zstd xz gzip lz4 bzip2 python3 cmp

src=$T/src
mkdir -p "$src/usr/bin" "$src/etc" "$src/mnt/empty" "$src/dev"
printf 'hello\n' > "$src/etc/motd"
seq 1 40000 > "$src/usr/bin/big"
ln "$src/usr/bin/big" "$src/usr/bin/big2"
printf '#!/bin/su\n' > "$src/usr/bin/su"
chmod 4755 "$src/usr/bin/su"
chmod 0640 "$src/etc/motd"
ln -s usr/bin "$src/bin"
mkfifo "$src/fifo"
if [ "$(id -u)" = 0 ]; then
  chown 0:42 "$src/etc/motd"
  mknod "$src/dev/console" c 5 1 2>/dev/null || true
fi
(cd "$src" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$T/main.cpio"

mkdir -p "$T/early/kernel/x86/microcode"
printf 'ucode' > "$T/early/kernel/x86/microcode/GenuineIntel.bin"
(cd "$T/early" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$T/early.cpio"

# Checks the JSON listing (segments, and every entry of the main segment)
# against the source tree, and an extracted tree against the source tree.
cat > "$T/check.py" <<'PY'
import hashlib, json, os, stat, sys
mode, src, arg, compression = sys.argv[1:5]
def walk(root):
    out = {}
    for dirpath, dirs, files in os.walk(root):
        for n in dirs + files:
            p = os.path.join(dirpath, n)
            out[os.path.relpath(p, root)] = os.lstat(p)
    return out
want = walk(src)
def content(p):
    with open(p, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()
def fail(msg):
    sys.exit("check.py: " + msg)
if mode == "json":
    j = json.load(open(arg))
    segs = j["segments"]
    if [s["compression"] for s in segs] != ["none", compression]:
        fail("segments %r" % segs)
    if segs[1]["offset"] != os.path.getsize(os.path.join(os.path.dirname(arg), "early.cpio")):
        fail("main segment offset %d" % segs[1]["offset"])
    main = {e["path"]: e for e in j["entries"] if e["segment"] == 1}
    main.pop(".")
    if set(main) != set(want):
        fail("paths differ: %r" % (set(main) ^ set(want)))
    for p, st in want.items():
        e = main[p]
        if int(e["mode"], 8) != stat.S_IMODE(st.st_mode) or e["uid"] != st.st_uid or e["gid"] != st.st_gid:
            fail("%s: mode/owner %r vs %o %d:%d" % (p, e, st.st_mode, st.st_uid, st.st_gid))
        if stat.S_ISREG(st.st_mode):
            if e["size"] != st.st_size or e["sha256"] != content(os.path.join(src, p)):
                fail("%s: content differs" % p)
        if stat.S_ISLNK(st.st_mode) and e["target"] != os.readlink(os.path.join(src, p)):
            fail("%s: target differs" % p)
        if stat.S_ISCHR(st.st_mode) and e["rdev"] != [os.major(st.st_rdev), os.minor(st.st_rdev)]:
            fail("%s: rdev differs" % p)
else:
    got = walk(arg)
    got.pop("kernel/x86/microcode/GenuineIntel.bin"); got.pop("kernel/x86/microcode")
    got.pop("kernel/x86"); got.pop("kernel")
    if set(got) != set(want):
        fail("extracted paths differ: %r" % (set(got) ^ set(want)))
    for p, st in want.items():
        g = got[p]
        if stat.S_IFMT(g.st_mode) != stat.S_IFMT(st.st_mode) or stat.S_IMODE(g.st_mode) != stat.S_IMODE(st.st_mode):
            fail("%s: mode %o vs %o" % (p, g.st_mode, st.st_mode))
        if os.getuid() == 0 and (g.st_uid, g.st_gid) != (st.st_uid, st.st_gid):
            fail("%s: owner" % p)
        if stat.S_ISREG(st.st_mode) and content(os.path.join(arg, p)) != content(os.path.join(src, p)):
            fail("%s: content" % p)
        if stat.S_ISLNK(st.st_mode) and os.readlink(os.path.join(arg, p)) != os.readlink(os.path.join(src, p)):
            fail("%s: target" % p)
    if got["usr/bin/big"].st_ino != got["usr/bin/big2"].st_ino:
        fail("hardlink pair extracted as two files")
PY

for c in zstd xz gzip lz4 bzip2 lzma; do
  case $c in
    zstd) zstd -q -19 -c "$T/main.cpio" ;;
    xz) xz --check=crc32 -c "$T/main.cpio" ;;
    gzip) gzip -9 -n -c "$T/main.cpio" ;;
    lz4) lz4 -l -9 -c "$T/main.cpio" ;;
    bzip2) bzip2 -c "$T/main.cpio" ;;
    lzma) xz --format=lzma -c "$T/main.cpio" ;;
  esac > "$T/main.$c"
  img=$T/initrd.$c
  cat "$T/early.cpio" "$T/main.$c" > "$img"

  "$INITPACK" inspect "$img" > "$T/list"
  expect_in "$T/list" "  0          0 none"
  expect_in "$T/list" " $c "
  expect_in "$T/list" "======== segment 1 ($c) ========"
  expect_in "$T/list" "kernel/x86/microcode/GenuineIntel.bin"
  expect_in "$T/list" "usr/bin/big2 (link to usr/bin/big)"
  expect_in "$T/list" "bin -> usr/bin"
  grep -q '^-rwsr-xr-x .* usr/bin/su$' "$T/list" || fail "$c: setuid su not listed"
  grep -q '^prw-r--r-- .* fifo$' "$T/list" || fail "$c: fifo not listed"

  "$INITPACK" inspect --json "$img" > "$T/list.json"
  python3 "$T/check.py" json "$src" "$T/list.json" "$c" || fail "$c: JSON listing"

  "$INITPACK" inspect "$img" --cat usr/bin/big2 | cmp - "$src/usr/bin/big" || fail "$c: --cat of the hardlink"
  "$INITPACK" inspect "$img" --cat /bin/su | cmp - "$src/usr/bin/su" || fail "$c: --cat through a symlink"
  "$INITPACK" inspect "$img" --cat kernel/x86/microcode/GenuineIntel.bin | cmp - "$T/early/kernel/x86/microcode/GenuineIntel.bin"

  "$INITPACK" inspect "$img" --extract "$T/x.$c"
  python3 "$T/check.py" extract "$src" "$T/x.$c" "$c" || fail "$c: extracted tree"
done

expect_fail "$INITPACK" inspect "$T/initrd.zstd" --cat usr/bin/nothing
expect_in "$T/err" "initrd.zstd: no such file: usr/bin/nothing"
expect_fail "$INITPACK" inspect "$T/initrd.zstd" --cat usr/bin
expect_in "$T/err" "usr/bin is a dir, not a regular file"
echo OK
