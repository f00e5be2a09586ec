# A user's mkosi-initrd directory and dracut.conf.d, written here as such
# users write them (not copied from either project), built unchanged with
# `initpack build -C DIR --dracut-config DIR --json` and booted:
# - mkosi: nested mkosi.conf.d/ gated by [Match] Distribution=/Release=,
#   KernelModules= with excludes, a Packages= regex, mkosi.extra/ with an
#   enabled unit, ignored keys (one warning each);
# - dracut: force_drivers (loaded at boot), omit_drivers, a module with no
#   profile (a warning), compress with a level.
# Checked: the --json result against the file, the image file by file
# (`initpack inspect --json`), and in the guest the unit's line and the
# forced module loaded.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
need qemu-system-x86_64 python3 zstd
debian_fixture

c=$T/mkosi
mkdir -p "$c/mkosi.conf.d/10-debian/mkosi.conf.d" \
  "$c/mkosi.extra/usr/lib/systemd/system/initrd.target.wants" "$T/dracut.conf.d"
cat >"$c/mkosi.conf" <<'EOF'
[Distribution]
Distribution=debian

[Output]
Format=cpio
ManifestFormat=json

[Content]
Bootable=no
KernelModules=default
              -drivers/gpu/
              -/sound/
EOF
cat >"$c/mkosi.conf.d/10-debian/mkosi.conf" <<'EOF'
[Match]
Distribution=debian

[Content]
Packages=^libtss2-esys-[0-9.]+-0(t64)?$
EOF
cat >"$c/mkosi.conf.d/10-debian/mkosi.conf.d/trixie.conf" <<'EOF'
[Match]
Release=trixie

[Content]
Packages=never-on-bookworm
EOF
cat >"$c/mkosi.extra/usr/lib/systemd/system/hello-initrd.service" <<'EOF'
[Unit]
Description=A unit from mkosi.extra
DefaultDependencies=no
Before=initrd-root-fs.target

[Service]
Type=oneshot
ExecStart=/usr/bin/bash -c 'echo "hello-initrd: from mkosi.extra"'
StandardOutput=journal+console
EOF
ln -s ../hello-initrd.service \
  "$c/mkosi.extra/usr/lib/systemd/system/initrd.target.wants/hello-initrd.service"
cat >"$T/dracut.conf.d/50-user.conf" <<'EOF'
# modules this machine wants loaded
force_drivers+=" dummy "
omit_drivers+=" floppy "
add_dracutmodules+=" plymouth "
compress="zstd -12"
EOF

mkdir -p "$T/out"
"$INITPACK" build --cache-dir "$INITPACK_TEST_CACHE" --kernel-package "$TEST_KERNEL_PACKAGE" \
  -C "$c" --dracut-config "$T/dracut.conf.d" -o "$T/out/initrd.img" --json \
  >"$T/build.json" 2>"$T/build.err" || { cat "$T/build.err" >&2; fail "the build failed"; }
cat "$T/build.err"
expect_in "$T/build.err" "initpack: warning: $c/mkosi.conf:6: [Output] ManifestFormat= is ignored:"
expect_in "$T/build.err" "initpack: warning: $c/mkosi.conf:9: [Content] Bootable= is ignored:"
expect_in "$T/build.err" "initpack: warning: $T/dracut.conf.d/50-user.conf:4: add_dracutmodules+= is not used: dracut module 'plymouth': initpack has no profile for it"

# The --json result describes the file that was written.
python3 - "$T" <<'EOF' || fail "build --json does not describe the image"
import json, os, sys
t = sys.argv[1]
r = json.load(open(t + "/build.json"))
assert r["output"] == t + "/out/initrd.img", r["output"]
assert r["bytes"] == os.path.getsize(r["output"]), (r["bytes"], os.path.getsize(r["output"]))
assert r["kernel_image"] == t + "/out/vmlinuz" and os.path.exists(r["kernel_image"])
assert r["format"] == "cpio" and r["compression"] == "zstd", r
assert r["packages"] > 10 and r["modules"] > 10 and r["paths"] > 100, r
passes = [p["pass"] for p in r["timings"]]
assert "kernel modules" in passes and "load config" in passes, passes
EOF
# zstd level 12 from dracut's compress=: the frame says so only indirectly,
# so check that it is zstd and that the settings' origin names the file.
zstd -t "$T/out/initrd.img" 2>/dev/null || fail "the image is not zstd"
"$INITPACK" summary -C "$c" --dracut-config "$T/dracut.conf.d" >"$T/summary" 2>/dev/null
grep -q "^CompressLevel=12 *# $T/dracut.conf.d/50-user.conf:5 (dracut compress)$" "$T/summary" ||
  fail "summary does not name the dracut line of CompressLevel=12"

# The image, file by file.
"$INITPACK" inspect --json "$T/out/initrd.img" >"$T/inspect.json"
python3 - "$T/inspect.json" <<'EOF' || fail "the image is not what the configuration says"
import json, re, sys
files = {f["path"]: f for f in json.load(open(sys.argv[1]))["entries"]}
def has(p):
    assert p in files, "missing " + p
has("usr/lib/systemd/system/hello-initrd.service")
assert files["usr/lib/systemd/system/initrd.target.wants/hello-initrd.service"]["target"] == "../hello-initrd.service"
has("etc/modules-load.d/initpack.conf")
assert any(re.search(r"/libtss2-esys\.so\.[0-9]+$", p) for p in files), "the regex package's library is missing"
mods = [p for p in files if re.search(r"\.ko(\.[a-z]+)?$", p)]
assert any("/kernel/drivers/net/dummy.ko" in p for p in mods), "dummy.ko missing"
for bad in ("/kernel/drivers/gpu/", "/kernel/sound/", "/floppy.ko"):
    assert not any(bad in p for p in mods), bad + " not excluded"
EOF
"$INITPACK" inspect "$T/out/initrd.img" --cat etc/modules-load.d/initpack.conf >"$T/modules-load"
expect_line "$T/modules-load" "dummy"

# Booted: the unit from mkosi.extra ran in the initrd, and the forced module
# is loaded in the root.
make_test_root "$T/root"
echo 'echo "modules-hook: dummy=$([ -d /sys/module/dummy ] && echo loaded || echo missing)"' \
  >"$T/root/etc/initpack-test.d/20-dummy.sh"
make_root_image "$T/root.img" >/dev/null
boot_systemd_initrd "$T/out/initrd.img" root=/dev/vda
expect_in "$BOOT_TEXT" "hello-initrd: from mkosi.extra"
expect_in "$BOOT_TEXT" "modules-hook: dummy=loaded"
