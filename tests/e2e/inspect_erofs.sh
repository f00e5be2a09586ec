# `initpack inspect` reads EROFS images: a sysext .raw from ExtraTrees=
# (LZ4 clusters, setuid, a symlink, a name with an escape character), the
# same inside a GPT disk, and a Format=erofs stage-2 image from the real
# archive (LZ4HC, dm-verity tree appended). For each, every path of `inspect --json` is
# compared with what fsck.erofs --extract writes (type, permissions, owner,
# size, SHA-256 of every file's bytes, link targets), the tree written by
# `inspect --extract` with fsck's byte for byte, --cat with cmp; the text
# listing shows the erofs segment and escapes names like `ls -b`; a
# truncated image is refused with the offset.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/debian.sh"
need fsck.erofs python3 cmp

cat >"$T/compare.py" <<'PY'
import hashlib, json, os, stat, sys
json_path, fsck_dir, ours_dir = sys.argv[1:4]
def fail(msg):
    sys.exit("compare.py: " + msg)
def walk(root):
    out = {}
    for dirpath, dirs, files in os.walk(root):
        for n in dirs + files:
            p = os.path.join(dirpath, n)
            out[os.path.relpath(p, root)] = p
    return out
def sha(p):
    with open(p, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()
kinds = {"file": stat.S_ISREG, "dir": stat.S_ISDIR, "symlink": stat.S_ISLNK,
         "char": stat.S_ISCHR, "block": stat.S_ISBLK,
         "fifo": stat.S_ISFIFO, "socket": stat.S_ISSOCK}
j = json.load(open(json_path))
if [s["compression"] for s in j["segments"]] != ["erofs"]:
    fail("segments %r" % j["segments"])
entries = {e["path"]: e for e in j["entries"]}
entries.pop(".")
fsck, ours = walk(fsck_dir), walk(ours_dir)
if set(entries) != set(fsck):
    fail("paths differ from fsck.erofs: %r" % sorted(set(entries) ^ set(fsck))[:20])
if set(ours) != set(fsck):
    fail("inspect --extract paths differ: %r" % sorted(set(ours) ^ set(fsck))[:20])
root = os.geteuid() == 0
checked = 0
for path, e in entries.items():
    st, mine = os.lstat(fsck[path]), os.lstat(ours[path])
    if not kinds[e["type"]](st.st_mode) or stat.S_IFMT(mine.st_mode) != stat.S_IFMT(st.st_mode):
        fail("%s: type %s, fsck.erofs extracted mode %o" % (path, e["type"], st.st_mode))
    # fsck.erofs drops setuid/setgid bits on extraction: compare the rest.
    if int(e["mode"], 8) & 0o1777 != stat.S_IMODE(st.st_mode) & 0o1777:
        fail("%s: mode %s, fsck.erofs %o" % (path, e["mode"], stat.S_IMODE(st.st_mode)))
    if root and (e["uid"], e["gid"]) != (st.st_uid, st.st_gid):
        fail("%s: owner %d:%d, fsck.erofs %d:%d" % (path, e["uid"], e["gid"], st.st_uid, st.st_gid))
    if stat.S_ISREG(st.st_mode):
        if e["size"] != st.st_size or e["sha256"] != sha(fsck[path]):
            fail("%s: %d bytes sha256 %s, fsck.erofs %d bytes %s" % (path, e["size"], e["sha256"], st.st_size, sha(fsck[path])))
        if sha(ours[path]) != e["sha256"]:
            fail("%s: inspect --extract wrote other bytes" % path)
        checked += 1
    if stat.S_ISLNK(st.st_mode):
        if not (e["target"] == os.readlink(fsck[path]) == os.readlink(ours[path])):
            fail("%s: target %r, fsck.erofs %r" % (path, e["target"], os.readlink(fsck[path])))
    if root and (stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)):
        if e["rdev"] != [os.major(st.st_rdev), os.minor(st.st_rdev)]:
            fail("%s: rdev %r, fsck.erofs %r" % (path, e["rdev"], st.st_rdev))
print("compare.py: %d paths, %d files' bytes agree" % (len(entries), checked))
PY

# check IMAGE NAME [FS]: inspect --json / --extract of IMAGE against
# fsck.erofs --extract of FS (IMAGE itself, or the file system a disk
# image holds).
check() {
  local img=$1 name=$2 fs=${3:-$1}
  fsck.erofs --extract="$T/fsck-$name" "$fs" >"$T/fsck.log" 2>&1 ||
    { cat "$T/fsck.log" >&2; fail "fsck.erofs rejects $img"; }
  "$INITPACK" inspect --json "$img" >"$T/$name.json"
  "$INITPACK" inspect --extract "$T/ours-$name" "$img"
  python3 "$T/compare.py" "$T/$name.json" "$T/fsck-$name" "$T/ours-$name" ||
    fail "inspect disagrees with fsck.erofs on $img"
  "$INITPACK" inspect "$img" >"$T/$name.list"
}

# 1. A sysext from a tree with every kind of entry, LZ4 clusters.
ext=$T/ext
mkdir -p "$ext/usr/bin" "$ext/usr/share/big" "$ext/opt/x"
seq 1 60000 >"$ext/usr/share/big/numbers"
head -c 20000 /dev/urandom >"$ext/usr/share/big/noise"
printf '#!/bin/sh\n' >"$ext/usr/bin/tool"
chmod 4755 "$ext/usr/bin/tool"
ln -s ../share/big/numbers "$ext/usr/bin/numbers-link"
printf 'x' >"$ext/opt/x/$(printf 'esc\033[31m')"
: >"$ext/opt/x/empty"
SOURCE_DATE_EPOCH=1700000000 "$INITPACK" build -o "$T/marker.raw" --format sysext \
  --extra-tree "$ext" --compression lz4 --extension-release ID=debian \
  --extension-release VERSION_ID=12 2>"$T/build.log" ||
  { cat "$T/build.log" >&2; fail "sysext build failed"; }
check "$T/marker.raw" sysext
list=$T/sysext.list
expect_in "$list" "Image: $T/marker.raw: 1 segment, "
grep -Eq '^  0          0 erofs +[0-9]+ +[0-9]+ +0 +[0-9]+  volume .*inodes, [1-9][0-9]* compressed files$' "$list" ||
  fail "no erofs segment row: $(sed -n 2,3p "$list")"
grep -Eq '^-rwsr-xr-x +1 +0 +0 +10 2023-11-14 22:13 usr/bin/tool$' "$list" ||
  fail "usr/bin/tool's line: $(grep tool "$list")"
grep -Eq '^lrwxrwxrwx .* usr/bin/numbers-link -> \.\./share/big/numbers$' "$list" ||
  fail "the symlink's line: $(grep numbers-link "$list")"
expect_in "$list" 'opt/x/esc\033[31m'
if grep -q "$(printf '\033')" "$list"; then fail "a raw ESC in the listing"; fi
"$INITPACK" inspect --cat /usr/share/big/numbers "$T/marker.raw" >"$T/numbers"
cmp "$T/numbers" "$ext/usr/share/big/numbers" || fail "--cat gives other bytes"

# The same file system as partition 2 of a GPT disk (as systemd-repart
# makes sysexts), behind a verity partition: one erofs segment at its offset.
need sfdisk
sectors=$(($(stat -c %s "$T/marker.raw") / 512))
truncate -s $((2048 * 512 + 64 * 512 + sectors * 512 + 1048576)) "$T/disk.raw"
printf 'label: gpt\nstart=2048, size=64, type=77ff5f63-e7b6-4633-acf4-1565b864c0e6, name="usr-x86-64-verity"\nstart=2112, size=%d, type=8484680c-9521-48c6-9c11-b0720656f69e, name="usr-x86-64"\n' \
  "$sectors" | sfdisk -q "$T/disk.raw"
dd if="$T/marker.raw" of="$T/disk.raw" bs=512 seek=2112 conv=notrunc status=none
check "$T/disk.raw" disk "$T/marker.raw"
grep -Eq '^  0    1081344 erofs .*  partition 2 usr-x86-64, volume marker, ' "$T/disk.list" ||
  fail "no erofs row for partition 2: $(sed -n 3p "$T/disk.list")"

# 2. Damage: a truncated image names the offset; nothing is listed.
head -c 8192 "$T/marker.raw" >"$T/short.raw"
expect_fail "$INITPACK" inspect "$T/short.raw"
expect_in "$T/err" "$T/short.raw: offset 8192: truncated: the superblock gives"

# 3. A stage-2 image from the archive: LZ4HC, the verity tree after it.
debian_fixture
build_test_initrd "$T/stage2.erofs" --format erofs --compression lz4 \
  --compression-level 9 >/dev/null
check "$T/stage2.erofs" stage2
expect_in "$T/stage2.list" "bytes after it"
expect_in "$T/stage2.list" "Manifest: usr/lib/initpack/manifest.json: initpack "
grep -Eq '^lrwxrwxrwx .* bin -> usr/bin$' "$T/stage2.list" || fail "no bin -> usr/bin"
