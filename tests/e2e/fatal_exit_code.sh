# Every failure ends the run the same way: a message on stderr naming what
# failed, and exit code 1; nothing escapes main as an uncaught exception
# (exit 134, "terminate called after throwing ..."). A temporary directory
# that cannot be created is the case a run meets first.
source "$(dirname "$0")/../lib/common.sh"

: > "$T/vmlinuz"
: > "$T/initrd.img"
rc=0
TMPDIR=/nonexistent "$INITPACK" qemu --kernel "$T/vmlinuz" \
  --initrd "$T/initrd.img" --tpm >"$T/out" 2>"$T/err" || rc=$?
[ "$rc" -eq 1 ] || { cat "$T/err" >&2; fail "exit code $rc, not 1"; }
expect_in "$T/err" "initpack: cannot create temporary directory /nonexistent/initpack-swtpm."
expect_in "$T/err" "No such file or directory"
expect_not_in "$T/err" "terminate called"
