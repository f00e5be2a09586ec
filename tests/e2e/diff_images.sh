# diff compares what two initrds unpack to: the same tree in different
# layouts and compressions is identical (exit 0); changed content, mode,
# owner and symlink targets, added and removed files are each reported on
# one line (exit 1); unreadable input is trouble (exit 2), like diff(1).
source "$(dirname "$0")/../lib/common.sh"
need cpio zstd xz python3

mk() { # DIR OUT COMPRESSOR…: GNU cpio of DIR, compressed
  local dir=$1 out=$2; shift 2
  (cd "$dir" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) | "$@" > "$out"
}
a=$T/a
mkdir -p "$a/etc" "$a/usr/bin"
printf 'one\n' > "$a/etc/conf"
printf 'keep\n' > "$a/etc/same"
printf 'gone\n' > "$a/etc/old"
printf 'bin\n' > "$a/usr/bin/tool"
chmod 0755 "$a/usr/bin/tool"
ln -s usr/bin "$a/bin"
cp -a "$a" "$T/b"
b=$T/b
printf 'two!\n' > "$b/etc/conf"
rm "$b/etc/old"
printf 'new\n' > "$b/etc/new"
chmod 4755 "$b/usr/bin/tool"
ln -sfn usr/sbin "$b/bin"

mk "$a" "$T/a.zst" zstd -q -c
mk "$a" "$T/a.xz" xz --check=crc32 -c
(cd "$a" && find . | LC_ALL=C sort | cpio -o -H newc --quiet) > "$T/a.cpio"
mk "$b" "$T/b.zst" zstd -q -c

"$INITPACK" diff "$T/a.zst" "$T/a.xz" > "$T/same" || fail "same tree reported different"
[ ! -s "$T/same" ] || fail "output for identical trees: $(cat "$T/same")"
"$INITPACK" diff "$T/a.cpio" "$T/a.zst" || fail "plain vs zstd reported different"

rc=0
"$INITPACK" diff "$T/a.zst" "$T/b.zst" > "$T/out" || rc=$?
[ $rc = 1 ] || fail "diff exit code $rc, want 1"
sha() { sha256sum "$1" | cut -c1-12; }
cat > "$T/want" <<WANT
~ bin: target usr/bin -> usr/sbin
~ etc/conf: content 4 bytes sha256:$(sha "$a/etc/conf") -> 5 bytes sha256:$(sha "$b/etc/conf")
+ etc/new
- etc/old
~ usr/bin/tool: mode 0755 -> 4755
WANT
diff -u "$T/want" "$T/out" || fail "diff output differs"

rc=0
"$INITPACK" diff --json "$T/a.zst" "$T/b.zst" > "$T/out.json" || rc=$?
[ $rc = 1 ] || fail "diff --json exit code $rc, want 1"
python3 - "$T/out.json" <<'PY' || fail "diff --json"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["identical"] is False, j
assert (j["added"], j["removed"], j["changed"]) == (1, 1, 3), j
tool = [c for c in j["changes"] if c["path"] == "usr/bin/tool"][0]
assert tool["kind"] == "changed" and tool["fields"]["mode"] == {"a": "0755", "b": "4755"}, tool
PY

if [ "$(id -u)" = 0 ]; then
  cp -a "$a" "$T/c"
  chown 0:42 "$T/c/etc/same"
  mk "$T/c" "$T/c.zst" zstd -q -c
  rc=0; "$INITPACK" diff "$T/a.zst" "$T/c.zst" > "$T/out" || rc=$?
  [ $rc = 1 ] || fail "owner change: exit $rc"
  expect_in "$T/out" "~ etc/same: owner 0:0 -> 0:42"
fi

printf 'junk' > "$T/junk"
rc=0
"$INITPACK" diff "$T/a.zst" "$T/junk" > "$T/out" 2> "$T/err" || rc=$?
[ $rc = 2 ] || fail "unreadable input: exit $rc, want 2"
expect_in "$T/err" "junk: offset 0: neither a cpio archive nor a compressed stream"
echo OK
