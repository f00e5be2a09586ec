# Names from an image are escaped as `ls -b` does in inspect's and diff's
# listings: a crafted initrd cannot forge a line (a newline in a name) or
# drive the terminal (ESC); --json keeps the exact name.
source "$(dirname "$0")/../lib/common.sh"
need cpio python3

mkdir -p "$T/a/usr/bin" "$T/b/usr/bin"
forged=$'x\n-rwsr-xr-x   1     0     0          5 2024-01-01 00:00:00 su'
printf 'evil\n' > "$T/a/$forged"
printf 'red\n' > "$T/a/"$'\e[31mred'
ln -s $'\e]0;pwned\a' "$T/a/usr/bin/link"
printf 'ok\n' > "$T/a/usr/bin/ok"
cp "$T/a/usr/bin/ok" "$T/b/usr/bin/ok"
ln -s $'new\ttarget' "$T/b/usr/bin/link"
for d in a b; do
  (cd "$T/$d" && find . -print0 | LC_ALL=C sort -z | cpio -o -0 -H newc --quiet) > "$T/$d.img"
done

"$INITPACK" inspect "$T/a.img" > "$T/list"
cat -A "$T/list"
expect_in "$T/list" ' x\n-rwsr-xr-x   1     0     0          5 2024-01-01 00:00:00 su'
expect_in "$T/list" ' \033[31mred'
expect_in "$T/list" 'usr/bin/link -> \033]0;pwned\007'
! grep -q '^-rwsr' "$T/list" || fail "a name forged a listing line"
! grep -q $'\e' "$T/list" || fail "ESC reached the terminal"
n=$(grep -c '' "$T/list")
"$INITPACK" inspect --json "$T/a.img" > "$T/list.json"
python3 - "$T/list.json" "$forged" <<'PY'
import json, sys
paths = [e["path"] for e in json.load(open(sys.argv[1]))["entries"]]
assert sys.argv[2] in paths, paths
PY

set +e
"$INITPACK" diff "$T/a.img" "$T/b.img" > "$T/diff"
rc=$?
set -e
[ $rc = 1 ] || fail "diff exit $rc"
cat -A "$T/diff"
expect_in "$T/diff" '- x\n-rwsr-xr-x   1     0     0          5 2024-01-01 00:00:00 su'
expect_in "$T/diff" '- \033[31mred'
expect_in "$T/diff" 'usr/bin/link: target \033]0;pwned\007 -> new\ttarget'
! grep -q $'\e' "$T/diff" || fail "ESC reached the terminal"
[ "$(grep -c '' "$T/diff")" = 3 ] || fail "one line per change expected"
