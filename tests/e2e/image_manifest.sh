# Every image carries a manifest (usr/lib/initpack/manifest.json): the
# packages and versions it was built from, initpack's version, the kernel
# and a hash of the configuration. Two images built from the signed test
# archive before and after an archive update (libfoo 1.3 -> 1.4): `initpack
# inspect` shows each one's versions (text and --json, checked against the
# archive's own index and the stored file), and `initpack diff` reports the
# package change, then the files. Builds are reproducible with the manifest.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/test-archive.sh"
need dpkg-deb cpio zstd cmp busybox

# A minimal kernel package (no modules, no dependencies) in the archive's
# pool before it is indexed: the test archive has no real kernel.
kver=6.1.0-initpack-test
k=$T/kpkg
mkdir -p "$k/DEBIAN" "$k/boot" "$k/usr/lib/modules/$kver/kernel"
: >"$k/usr/lib/modules/$kver/modules.builtin"
: >"$k/usr/lib/modules/$kver/modules.order"
echo "not a kernel" >"$k/boot/vmlinuz-$kver"
printf 'Package: linux-image-test\nVersion: 1.0\nArchitecture: amd64\nMaintainer: t <t@invalid>\nDescription: a kernel stand-in\n' >"$k/DEBIAN/control"
mkdir -p "$T/archive/pool/main"
dpkg-deb --root-owner-group -Zxz -b "$k" "$T/archive/pool/main/linux-image-test_1.0_amd64.deb" >/dev/null
# And a stand-in for the init an initrd must have (a static ELF, so the
# consistency check finds no missing libraries), with an empty default
# profile: the real one needs the Debian archive's systemd and bash.
s=$T/spkg
mkdir -p "$s/DEBIAN" "$s/usr/lib/systemd" "$s/etc" "$T/profiles/default"
printf 'ID=debian\nVERSION_ID=12\n' >"$s/etc/os-release"
: >"$s/etc/ld.so.conf" # ldconfig writes etc/ld.so.cache beside it
cp "$(command -v busybox)" "$s/usr/lib/systemd/systemd"
: >"$T/profiles/default/profile.conf"
: >"$T/profiles/default/kernel-modules.list"
export INITPACK_PROFILES_DIR=$T/profiles
printf 'Package: init-test\nVersion: 1.0\nArchitecture: amd64\nMaintainer: t <t@invalid>\nDescription: an init stand-in\n' >"$s/DEBIAN/control"
dpkg-deb --root-owner-group -Zxz -b "$s" "$T/archive/pool/main/init-test_1.0_amd64.deb" >/dev/null
setup_test_archive

build() { # OUT [args…]
  SOURCE_DATE_EPOCH=1700000000 "$INITPACK" build --apt-root "$T/aptroot" \
    --mirror "$HTTP_URL" --suite stable,stable-updates --keyring "$ARCHIVE/keyring.gpg" \
    --cache-dir "${BUILD_CACHE:-$CACHE}" --kernel-package linux-image-test --package app,init-test \
    --verbose -o "$@" >"$T/build.log" 2>&1 || { cat "$T/build.log" >&2; fail "build $1 failed"; }
}
mkdir "$T/a" "$T/b" "$T/a2"
build "$T/a/initrd.img"
grep -qE "^(loaded|parsed) $HTTP_URL/dists/stable/main/binary-amd64/" "$T/build.log" ||
  fail "the first build loaded no package pool"
build "$T/a2/initrd.img" # same inputs elsewhere: same bytes
cmp "$T/a/initrd.img" "$T/a2/initrd.img" || fail "two builds differ"
# The second build took both package sets (kernel, image) from the
# resolution cache and loaded no package pool.
[ "$(grep -c 'packages (as the last time with these indexes)' "$T/build.log")" = 2 ] ||
  { cat "$T/build.log" >&2; fail "the warm build did not use its cached resolutions"; }
! grep -E "(loaded|parsed) $HTTP_URL/dists/" "$T/build.log" || fail "the warm build loaded the pool"
ls "$CACHE/resolved" | grep -cE '^[0-9a-f]{64}\.json$' | grep -qx 2 ||
  fail "resolution cache: $(ls "$CACHE/resolved")"

# The archive changes between builds: the next build starts from the cached
# indexes and resolutions while InRelease revalidates, sees the change, and
# builds again from the new indexes (libfoo 1.4, checked below).
cp -a "$CACHE" "$T/cache-before-update"
bash "$TESTS_LIB/make-test-archive.sh" "$ARCHIVE" --update
touch -d "@$(($(date +%s) + 2))" "$ARCHIVE"/dists/*/InRelease
build "$T/b/initrd.img"
expect_in "$T/build.log" "the archive changed during the build; building again from its new indexes"
# A request only the new archive can meet fails from the cached indexes;
# the build then tries again from the new ones, and succeeds.
BUILD_CACHE=$T/cache-before-update build "$T/b/new-only.img" --package libfoo=1.4
expect_in "$T/build.log" "building again from its new indexes (the first attempt failed: "
"$INITPACK" inspect --manifest "$T/b/new-only.img" | grep -qE '^  libfoo +1\.4 +amd64$' ||
  fail "libfoo 1.4 not in the image built after a failed first attempt"

# The manifest is a file of the image, root-owned 0644, at its fixed path.
zstd -dc <"$T/a/initrd.img" | cpio -itv --quiet >"$T/a.list" 2>/dev/null
grep -E '^-rw-r--r-- +1 root +root .* usr/lib/initpack/manifest.json$' "$T/a.list" ||
  fail "no root-owned 0644 usr/lib/initpack/manifest.json in the image"
"$INITPACK" inspect --cat usr/lib/initpack/manifest.json "$T/a/initrd.img" >"$T/a.stored.json"

# inspect --manifest --json prints the stored bytes; inspect --json embeds
# the same object. Versions match what the archive's index said.
"$INITPACK" inspect --manifest --json "$T/a/initrd.img" >"$T/a.json"
cmp "$T/a.json" "$T/a.stored.json" || fail "inspect --manifest --json is not the stored manifest"
"$INITPACK" inspect --json "$T/a/initrd.img" >"$T/a.full.json"
python3 - "$T/a.json" "$T/a.full.json" <<'PY' || fail "manifest of image a"
import json, sys
m = json.load(open(sys.argv[1]))
assert json.load(open(sys.argv[2]))["manifest"] == m
assert m["format"] == 1 and m["kernel"] == "6.1.0-initpack-test", m
assert m["source_date_epoch"] == 1700000000 and m["architecture"] == "amd64", m
assert len(m["config_sha256"]) == 64, m
v = {p["name"]: p["version"] for p in m["packages"]}
assert v["libfoo"] == "1.3" and v["app"] == "1.0" and v["linux-image-test"] == "1.0", v
names = [p["name"] for p in m["packages"]]
assert names == sorted(names), names
PY
"$INITPACK" --version | grep -qF "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["initpack"])' "$T/a.json")" ||
  fail "the manifest names another initpack version"

# The text view: a head line and one line per package.
"$INITPACK" inspect --manifest "$T/b/initrd.img" >"$T/b.txt"
expect_in "$T/b.txt" "Manifest: usr/lib/initpack/manifest.json: initpack "
expect_in "$T/b.txt" ", kernel 6.1.0-initpack-test, amd64, configuration sha256:"
grep -qE '^  libfoo +1\.4 +amd64$' "$T/b.txt" || { cat "$T/b.txt" >&2; fail "libfoo 1.4 not listed"; }
"$INITPACK" inspect "$T/a/initrd.img" >"$T/a.listing"
grep -qE '^  libfoo +1\.3 +amd64$' "$T/a.listing" || fail "inspect's listing lacks the manifest"

# diff: the package change first, then the files that changed with it.
rc=0
"$INITPACK" diff "$T/a/initrd.img" "$T/b/initrd.img" >"$T/diff" || rc=$?
[ $rc = 1 ] || fail "diff exit code $rc, want 1"
head -1 "$T/diff" | grep -qx '~ package libfoo 1.3 -> 1.4' || { cat "$T/diff" >&2; fail "no package line first"; }
expect_line "$T/diff" "~ usr/share/doc/libfoo/README: content 11 bytes sha256:$(printf 'libfoo 1.3\n' | sha256sum | cut -c1-12) -> 11 bytes sha256:$(printf 'libfoo 1.4\n' | sha256sum | cut -c1-12)"
grep -c '^~ package ' "$T/diff" | grep -qx 1 || fail "more than libfoo changed: $(cat "$T/diff")"
expect_not_in "$T/diff" "~ manifest" # same configuration and initpack
rc=0
"$INITPACK" diff --json "$T/a/initrd.img" "$T/b/initrd.img" >"$T/diff.json" || rc=$?
[ $rc = 1 ] || fail "diff --json exit code $rc"
python3 - "$T/diff.json" <<'PY' || fail "diff --json"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["identical"] is False
assert j["manifest_changes"] == [{"kind": "changed", "what": "package", "name": "libfoo", "a": "1.3", "b": "1.4"}], j["manifest_changes"]
PY
"$INITPACK" diff "$T/a/initrd.img" "$T/a2/initrd.img" >"$T/same" || fail "identical images differ"
[ ! -s "$T/same" ] || fail "output for identical images: $(cat "$T/same")"

# Another configuration, another hash (reported by diff).
build "$T/b/other.img" --compression xz
"$INITPACK" diff "$T/b/initrd.img" "$T/b/other.img" >"$T/cfg" || true
grep -qE '^~ manifest config_sha256 [0-9a-f]{64} -> [0-9a-f]{64}$' "$T/cfg" ||
  { cat "$T/cfg" >&2; fail "a changed configuration is not reported"; }

# An image without a manifest (built by other tools): --manifest says so.
mkdir -p "$T/plain/etc" && echo x >"$T/plain/etc/x"
(cd "$T/plain" && find . | cpio -o -H newc --quiet) >"$T/plain.cpio"
expect_fail "$INITPACK" inspect --manifest "$T/plain.cpio"
expect_in "$T/err" "no manifest (usr/lib/initpack/manifest.json)"

# An extension image from packages: its manifest is named after it (the
# system it extends keeps its own) and lists what it was built from.
SOURCE_DATE_EPOCH=1700000000 "$INITPACK" build --apt-root "$T/aptroot" \
  --mirror "$HTTP_URL" --suite stable,stable-updates --keyring "$ARCHIVE/keyring.gpg" \
  --cache-dir "$CACHE" --package app --format sysext --no-verity --remove-files /etc \
  --extension-release ID=debian --extension-release VERSION_ID=12 -o "$T/tools.raw" \
  >"$T/build.log" 2>&1 || { cat "$T/build.log" >&2; fail "the sysext build failed"; }
"$INITPACK" inspect --manifest "$T/tools.raw" >"$T/tools.txt" || fail "no manifest in the sysext"
expect_in "$T/tools.txt" "Manifest: usr/lib/initpack/manifest.tools.json: initpack "
grep -qE '^  app +1\.0 +amd64$' "$T/tools.txt" || { cat "$T/tools.txt" >&2; fail "app 1.0 not in the sysext's manifest"; }
grep -qE '^  libfoo +1\.4 +amd64$' "$T/tools.txt" || fail "libfoo 1.4 not in the sysext's manifest"
