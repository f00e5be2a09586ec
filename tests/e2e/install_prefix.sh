# `cmake --install build --prefix P` from any P: the installed binary finds
# its profiles and initpack-stage1 relative to itself (P/share/initpack,
# P/lib/initpack), still after P is moved, and never reads the source
# tree's profiles, which this test hides (a copy under another name is the
# only tree left, and INITPACK_PROFILES_DIR is unset).
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/debian.sh"
need cmake cpio zstd python3 man
debian_fixture
unset INITPACK_PROFILES_DIR

cmake --install "$INITPACK_BUILD_DIR" --prefix "$T/prefix" >"$T/install.log" 2>&1 ||
  { cat "$T/install.log" >&2; fail "cmake --install failed"; }
for f in bin/initpack lib/initpack/initpack-stage1 share/initpack/profiles/default/profile.conf \
  sbin/update-initramfs etc/kernel/postinst.d/initpack etc/kernel/postrm.d/initpack \
  etc/initpack/initpack.conf lib/kernel/install.d/50-initpack.install \
  lib/kernel/install.d/86-initpack-single-initrd.install \
  share/man/man1/initpack.1 share/man/man5/initpack.conf.5 \
  share/bash-completion/completions/initpack share/zsh/vendor-completions/_initpack; do
  [ -e "$T/prefix/$f" ] || fail "cmake --install did not install $f"
done
# The profiles' generators and helpers keep their execute bits: images
# copy them with their modes and the initrd runs them.
for f in nfs/tree/usr/lib/systemd/system-generators/initpack-nfs-generator \
  networkd/tree/usr/lib/initpack/network-defaults; do
  [ -x "$T/prefix/share/initpack/profiles/$f" ] || fail "profiles/$f is installed without its execute bit"
done
# The installed man pages are found by man(1) through the prefix's
# share/man and render (e2e/man_pages checks their content).
MANPATH="$T/prefix/share/man" MANWIDTH=80 man initpack.conf 2>"$T/man.err" >"$T/man.txt"
[ ! -s "$T/man.err" ] || { cat "$T/man.err" >&2; fail "man initpack.conf printed errors"; }
expect_in "$T/man.txt" "CompressOutput="
MANPATH="$T/prefix/share/man" MANWIDTH=80 man 1 initpack >"$T/man.txt"
expect_in "$T/man.txt" "initpack - build Linux initrds directly from distribution packages"

# Moved after installation: data is found relative to the binary.
mv "$T/prefix" "$T/moved"
"$T/moved/bin/initpack" summary --json >"$T/summary.json"
python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["profiles_dir"])' \
  "$T/summary.json" >"$T/pdir"
[ "$(cat "$T/pdir")" = "$T/moved/share/initpack/profiles" ] ||
  fail "profiles from $(cat "$T/pdir"), not $T/moved/share/initpack/profiles"

# An image built by the installed binary, with the installed profiles.
mkdir -p "$T/img"
"$T/moved/bin/initpack" build --cache-dir "$INITPACK_TEST_CACHE" \
  --kernel-package "$TEST_KERNEL_PACKAGE" -o "$T/img/initrd.img" >"$T/build.log" 2>&1 ||
  { cat "$T/build.log" >&2; fail "the installed initpack could not build"; }
zstd -dc <"$T/img/initrd.img" | cpio -it --quiet >"$T/list" 2>/dev/null
grep -qx usr/lib/systemd/systemd "$T/list" || fail "the image has no systemd"

# Without its data an installed binary says where it looked, and does not
# fall back to the source tree.
rm -r "$T/moved/share/initpack/profiles"
expect_fail "$T/moved/bin/initpack" summary
expect_in "$T/err" "$T/moved/share/initpack/profiles does not exist"
expect_not_in "$T/err" "$INITPACK_SOURCE_DIR"
