# Prune= (on in the default profile): the programs and libraries that
# packages brought and nothing in the boot can run go; each kept one has a
# reason in --explain; what ExtraTrees= adds stays (the user chose it);
# PruneKeep= keeps one more; Prune=no keeps everything. The consistency
# check that follows proves the pruned image still runs what it holds.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/debian.sh"
need gcc
debian_fixture

x="$T/extra"
lib=usr/lib/x86_64-linux-gnu
mkdir -p "$x/usr/local/bin" "$x/$lib"
echo 'int initpack_lib(void) { return 0; }' >"$T/lib.c"
gcc -shared -fPIC -Wl,-soname,libinitpack-extra.so.1 -o "$x/$lib/libinitpack-extra.so.1" "$T/lib.c"
echo 'int initpack_lib(void); int main(void) { return initpack_lib(); }' >"$T/main.c"
gcc -o "$x/usr/local/bin/never-run" "$T/main.c" "$x/$lib/libinitpack-extra.so.1"

build() {
  "$INITPACK" --timings build --cache-dir "$INITPACK_TEST_CACHE" --kernel-package "$TEST_KERNEL_PACKAGE" \
    --extra-tree "$x" --explain "$@" >"$T/out" 2>"$T/err" || { cat "$T/err"; fail "build $* failed"; }
}
build -o "$T/pruned.img"
grep -E '^  /usr/bin/udevadm: ExecStart= of /usr/lib/systemd/system/[a-z-]+\.service:[0-9]+$' "$T/out" ||
  fail "no unit reason for udevadm"
expect_in "$T/out" "  /usr/sbin/e2fsck: PruneKeep=/usr/*bin/fsck.*"
expect_in "$T/out" "  /usr/sbin/sulogin: named in /usr/lib/systemd/system/emergency.service"
expect_in "$T/out" "  /usr/local/bin/never-run: from extra:$x"
expect_in "$T/out" "  /$lib/libinitpack-extra.so.1: from extra:$x"
grep -E '^  /usr/lib/x86_64-linux-gnu/libc\.so\.6: library of /' "$T/out" || fail "no reason for libc"
grep -E '^Pruned, nothing in the boot runs them \([0-9]+ paths, [0-9]+ KiB\):$' "$T/out" ||
  fail "no Pruned summary"
sed -n '/^Pruned, nothing/,/^[A-Z]/p' "$T/out" >"$T/pruned"
for p in /usr/bin/chage /usr/sbin/zramctl /usr/sbin/vipw /usr/sbin/vigr; do
  grep -qx "  $p" "$T/pruned" || fail "$p not pruned"
done
"$INITPACK" inspect "$T/pruned.img" >"$T/list"
for p in usr/local/bin/never-run usr/sbin/e2fsck usr/sbin/sulogin usr/bin/bash; do
  grep -q " $p\$" "$T/list" || fail "$p is not in the image"
done
# Gone, and so is the link to it (vigr -> vipw).
for p in usr/bin/chage usr/sbin/zramctl usr/sbin/vipw usr/sbin/vigr; do
  ! grep -q " $p\( -> .*\)\?\$" "$T/list" || fail "$p is still in the image"
done
# The pass is timed (its speed is the benchmark's business, not a test's:
# under load it took 1.3 s once).
grep -E '^ +[0-9]+\.[0-9]+s +prune$' "$T/err" || { cat "$T/err"; fail "no prune pass in --timings"; }

# Kept on request.
build --prune-keep /usr/sbin/zramctl -o "$T/kept.img"
expect_in "$T/out" "  /usr/sbin/zramctl: PruneKeep=/usr/sbin/zramctl"
"$INITPACK" inspect "$T/kept.img" >"$T/list"
grep -q ' usr/sbin/zramctl$' "$T/list" || fail "PruneKeep= did not keep zramctl"

# Prune=no: everything stays, and the image is larger.
build --no-prune -o "$T/whole.img"
! grep -q '^Pruned, nothing' "$T/out" || fail "--no-prune pruned"
"$INITPACK" inspect "$T/whole.img" >"$T/list"
grep -q ' usr/bin/chage$' "$T/list" || fail "--no-prune lost chage"
[ "$(stat -c %s "$T/pruned.img")" -lt "$(stat -c %s "$T/whole.img")" ] || fail "pruning did not make the image smaller"
