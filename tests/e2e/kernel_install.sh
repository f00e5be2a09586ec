# The kernel-install plugin (data/kernel-install/50-initpack.install) run
# by Debian's own kernel-install in a temporary BOOT_ROOT and conf root:
# layout=bls gets an initpack initrd beside the kernel (installed by
# 90-loaderentry from the staging area), layout=uki a UKI in EFI/Linux/;
# `remove` takes them away; another initrd_generator= makes it step aside.
# With Debian's 85-initrd.install in the chain (it links
# /boot/initrd.img-VERSION into the entry) the entry still names exactly one
# initrd, initpack's (86-initpack-single-initrd.install).
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/debian.sh"
need kernel-install objdump zstd cpio
debian_fixture

plugin="$INITPACK_SOURCE_DIR/data/kernel-install/50-initpack.install"
single="$INITPACK_SOURCE_DIR/data/kernel-install/86-initpack-single-initrd.install"
# Debian's 85-initrd.install (systemd), reading a /boot of our own instead of
# the host's.
mkdir -p "$T/hostboot"
echo "not initpack's" >"$T/hostboot/initrd.img-$KERNEL_VERSION"
deb85=/usr/lib/kernel/install.d/85-initrd.install
[ -f "$deb85" ] || fail "$deb85 is missing (systemd package)"
sed "s|/boot/initrd.img-|$T/hostboot/initrd.img-|" "$deb85" >"$T/85-initrd.install"
chmod +x "$T/85-initrd.install"
mid=0123456789abcdef0123456789abcdef
mkdir -p "$T/boot" "$T/conf"
export KERNEL_INSTALL_CONF_ROOT="$T/conf" BOOT_ROOT="$T/boot" MACHINE_ID=$mid
export INITPACK INITPACK_BUILD_ARGS="--cache-dir $INITPACK_TEST_CACHE --kernel-package $TEST_KERNEL_PACKAGE"
echo "root=LABEL=x console=ttyS0" >"$T/conf/cmdline"
printf '[Content]\nKernelCommandLine=root=LABEL=x console=ttyS0\n' >"$T/conf/initpack.conf"

# layout=bls: our initrd, then 90-loaderentry copies kernel and initrd.
echo "layout=bls" >"$T/conf/install.conf"
export KERNEL_INSTALL_PLUGINS="$plugin $T/85-initrd.install $single /usr/lib/kernel/install.d/90-loaderentry.install"
kernel-install -v add "$KERNEL_VERSION" "$DEBIAN_VMLINUZ" >"$T/add.log" 2>&1 ||
  { cat "$T/add.log" >&2; fail "kernel-install add failed"; }
entry_dir=$(dirname "$(find "$T/boot" -name initrd -path "*/$KERNEL_VERSION/*" | head -n 1)")
[ -f "$entry_dir/initrd" ] || { cat "$T/add.log" >&2; find "$T/boot" >&2; fail "no initrd installed"; }
zstd -dc <"$entry_dir/initrd" | cpio -it --quiet >"$T/list" 2>/dev/null
grep -qx usr/lib/systemd/systemd "$T/list" || fail "the installed initrd is not initpack's"
grep -rq "^initrd .*/initrd$" "$T/boot/loader/entries/" || fail "the boot entry names no initrd"
n=$(cat "$T/boot/loader/entries/"*.conf | grep -c "^initrd ")
[ "$n" = 1 ] || { cat "$T/boot/loader/entries/"*.conf >&2; fail "the boot entry names $n initrds"; }
[ ! -e "$entry_dir/initrd.img-$KERNEL_VERSION" ] || fail "85-initrd's initrd was installed too"
kernel-install remove "$KERNEL_VERSION" >"$T/rm.log" 2>&1 || { cat "$T/rm.log" >&2; fail "remove failed"; }
[ ! -e "$entry_dir" ] || fail "remove left $entry_dir"

# Another generator configured: the plugin builds nothing.
printf 'layout=bls\ninitrd_generator=dracut\n' >"$T/conf/install.conf"
export KERNEL_INSTALL_PLUGINS="$plugin"
kernel-install add "$KERNEL_VERSION" "$DEBIAN_VMLINUZ" >"$T/add2.log" 2>&1
[ -z "$(find "$T/boot" -name initrd)" ] || fail "built an initrd for initrd_generator=dracut"
kernel-install remove "$KERNEL_VERSION" >/dev/null 2>&1

# layout=uki: a UKI in EFI/Linux/, removed again.
if [ -f /usr/lib/systemd/boot/efi/linuxx64.efi.stub ]; then
  echo "layout=uki" >"$T/conf/install.conf"
  kernel-install add "$KERNEL_VERSION" "$DEBIAN_VMLINUZ" >"$T/add3.log" 2>&1 ||
    { cat "$T/add3.log" >&2; fail "kernel-install add (uki) failed"; }
  uki=$(find "$T/boot/EFI/Linux" -name "*-$KERNEL_VERSION.efi" | head -n 1)
  [ -n "$uki" ] || { cat "$T/add3.log" >&2; fail "no UKI in EFI/Linux"; }
  objdump -h "$uki" | grep -q ' \.linux ' || fail "$uki has no .linux"
  kernel-install remove "$KERNEL_VERSION" >/dev/null 2>&1
  [ ! -e "$uki" ] || fail "remove left $uki"
fi
