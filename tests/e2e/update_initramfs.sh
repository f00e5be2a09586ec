# data/update-initramfs, the command kernel hooks and packages call: -c,
# -u, -d with -k VERSION land in `initpack build`; a failed build exits
# non-zero with initpack's message and leaves the previous initrd as it
# was; the kernel's postinst.d/postrm.d hooks call it. (The real system,
# its dpkg trigger and the package: tests/boot/realsys_*.)
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/debian.sh"
need cpio zstd
debian_fixture

data="$INITPACK_SOURCE_DIR/data"
mkdir -p "$T/boot" "$T/conf" "$T/bin"
printf "# empty: the defaults\n" >"$T/conf/initpack.conf"
# The shim runs `initpack build --kernel-version V --format cpio -o OUT`; the
# test's initpack takes that kernel from the archive instead of
# /lib/modules (so drops --kernel-version) and its conf from $T.
cat >"$T/bin/initpack" <<WRAP
#!/bin/bash
cmd=\$1; shift
args=()
while [ \$# -gt 0 ]; do
  if [ "\$1" = --kernel-version ]; then shift 2; continue; fi
  args+=("\$1"); shift
done
exec "$INITPACK" "\$cmd" --cache-dir "$INITPACK_TEST_CACHE" \
  --kernel-package "$TEST_KERNEL_PACKAGE" -C "$T/conf" "\${args[@]}"
WRAP
chmod +x "$T/bin/initpack"
cp "$data/update-initramfs" "$T/bin/update-initramfs"
export PATH="$T/bin:$PATH"
# The shim runs $INITPACK when set (as the kernel-install plugin does).
real_initpack=$INITPACK
export INITPACK="$T/bin/initpack"
V=$KERNEL_VERSION

# -c builds the initrd, named as initramfs-tools names it.
update-initramfs -c -k "$V" -b "$T/boot" >"$T/c.log" 2>&1 || { cat "$T/c.log" >&2; fail "-c failed"; }
expect_in "$T/c.log" "Generating $T/boot/initrd.img-$V (initpack)"
zstd -dc <"$T/boot/initrd.img-$V" | cpio -it --quiet >"$T/list" 2>/dev/null
grep -qx usr/lib/systemd/systemd "$T/list" || fail "initrd.img-$V is not initpack's"
"$real_initpack" inspect "$T/boot/initrd.img-$V" >"$T/inspect" || fail "initpack inspect failed"

# A broken configuration: non-zero, initpack's message, the old file kept.
before=$(sha256sum <"$T/boot/initrd.img-$V")
printf '[Content]\nNoSuchSetting=1\n' >"$T/conf/initpack.conf"
expect_fail update-initramfs -u -k "$V" -b "$T/boot"
expect_in "$T/err" "initpack.conf:2"
expect_in "$T/err" "NoSuchSetting"
expect_in "$T/err" "initrd.img-$V is left as it was"
[ "$(sha256sum <"$T/boot/initrd.img-$V")" = "$before" ] || fail "a failed update changed the initrd"
# (--kernel-package writes vmlinuz beside the initrd.)
left=$(ls -A "$T/boot" | grep -vx vmlinuz || true)
[ "$left" = "initrd.img-$V" ] || fail "left behind: $left"
printf "# empty: the defaults\n" >"$T/conf/initpack.conf"

# Usage errors.
expect_fail update-initramfs -c -b "$T/boot"
expect_in "$T/err" "needs -k VERSION"
expect_fail update-initramfs -k "$V"
expect_in "$T/err" "Usage: update-initramfs"

# The kernel's hooks: postrm.d deletes, postinst.d creates (only on
# configure when the kernel package passes its maintainer-script args).
sh "$data/kernel/postrm.d/initpack" "$V" "$T/boot/vmlinuz-$V" 2>"$T/rm.log" || fail "postrm.d hook failed"
[ ! -e "$T/boot/initrd.img-$V" ] || fail "postrm.d left initrd.img-$V"
DEB_MAINT_PARAMS="'abort-upgrade' '1'" sh "$data/kernel/postinst.d/initpack" "$V" "$T/boot/vmlinuz-$V" ||
  fail "postinst.d hook failed on abort-upgrade"
[ ! -e "$T/boot/initrd.img-$V" ] || fail "postinst.d built on abort-upgrade"
DEB_MAINT_PARAMS="'configure' ''" sh "$data/kernel/postinst.d/initpack" "$V" "$T/boot/vmlinuz-$V" 2>"$T/inst.log" ||
  { cat "$T/inst.log" >&2; fail "postinst.d hook failed"; }
[ -s "$T/boot/initrd.img-$V" ] || fail "postinst.d built no initrd"
# -d removes it.
update-initramfs -d -k "$V" -b "$T/boot" >/dev/null
[ ! -e "$T/boot/initrd.img-$V" ] || fail "-d left initrd.img-$V"
