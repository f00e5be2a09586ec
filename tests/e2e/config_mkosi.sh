#!/bin/bash
# A mkosi-initrd-shaped configuration directory, written here, read by
# `initpack summary -C DIR` as mkosi reads it: mkosi.conf, nested
# mkosi.conf.d/ directories gated by [Match] Distribution=/Release=,
# mkosi.extra/, a system /etc/mkosi-initrd drop-in, ignored keys (one
# warning line each), a refused script and an empty -C directory.
source "$(dirname "$0")/../lib/common.sh"
need python3

export INITPACK_SYSTEM_CONFIG_DIRS="$T/etc/mkosi-initrd"
export INITPACK_PROFILES_DIR="$T/profiles"
unset SOURCE_DATE_EPOCH
mkdir -p "$T/profiles/default" "$T/etc/mkosi-initrd/mkosi.conf.d"
printf '[Content]\nPackages=systemd\n' >"$T/profiles/default/profile.conf"
printf '[Content]\nPackages=lvm2\n' \
  >"$T/etc/mkosi-initrd/mkosi.conf.d/10-lvm.conf"

c="$T/initrd"
mkdir -p "$c/mkosi.conf.d/10-debian/mkosi.conf.d" "$c/mkosi.conf.d/20-fedora" \
  "$c/mkosi.extra/etc/systemd/system" "$c/mkosi.conf.d/10-debian/mkosi.extra/etc"
cat >"$c/mkosi.conf" <<'EOF'
[Distribution]
Distribution=debian
Release=bookworm

[Output]
Format=cpio
ManifestFormat=json
SplitArtifacts=yes

[Content]
MakeInitrd=yes
Bootable=no
WithDocs=no
Packages=
        systemd
        udev
EOF
cat >"$c/mkosi.conf.d/10-debian/mkosi.conf" <<'EOF'
[Match]
Distribution=debian

[Content]
Packages=^libtss2-esys-[0-9.]+-0(t64)?$
EOF
cat >"$c/mkosi.conf.d/10-debian/mkosi.conf.d/bookworm.conf" <<'EOF'
[Match]
Release=bookworm

[Content]
KernelModulesInitrdInclude=drivers/md/.*
EOF
cat >"$c/mkosi.conf.d/10-debian/mkosi.conf.d/trixie.conf" <<'EOF'
[Match]
Release=trixie

[Content]
Packages=never-trixie
EOF
cat >"$c/mkosi.conf.d/20-fedora/mkosi.conf" <<'EOF'
[Match]
Distribution=fedora

[Content]
Packages=never-fedora
EOF
printf '[Content]\nPackages=never-fedora-dropin\n' \
  >"$c/mkosi.conf.d/20-fedora/x.conf"
printf '[Unit]\nDescription=hello\n' \
  >"$c/mkosi.extra/etc/systemd/system/hello.service"
echo debian >"$c/mkosi.conf.d/10-debian/mkosi.extra/etc/flavour"

"$INITPACK" summary -C "$c" --json >"$T/summary.json" 2>"$T/warn"
for key in ManifestFormat SplitArtifacts MakeInitrd Bootable WithDocs; do
  [ "$(grep -c "] $key= is ignored: " "$T/warn")" = 1 ] ||
    fail "one warning for $key= expected"
done
expect_in "$T/warn" "initpack: warning: $c/mkosi.conf:7: [Output] ManifestFormat= is ignored: initpack writes no mkosi manifest; \`initpack inspect --json\` lists the image"
expect_in "$T/warn" "initpack: warning: $c/mkosi.conf:11: [Content] MakeInitrd= is ignored: the image is an initrd already"
python3 - "$T" "$c" <<'EOF'
import json, sys
t, c = sys.argv[1], sys.argv[2]
s = json.load(open(t + "/summary.json"))
st = s["settings"]
def check(what, got, want):
    if got != want:
        sys.exit(f"{what}: got {got!r}, want {want!r}")
check("Packages", st["Packages"]["value"],
      ["systemd", "lvm2", "systemd", "udev", "^libtss2-esys-[0-9.]+-0(t64)?$"])
check("Packages origin", st["Packages"]["origin"],
      ["profile default (" + t + "/profiles/default/profile.conf:2)",
       t + "/etc/mkosi-initrd/mkosi.conf.d/10-lvm.conf:2",
       c + "/mkosi.conf:14",
       c + "/mkosi.conf.d/10-debian/mkosi.conf:5"])
check("KernelModulesInclude", st["KernelModulesInclude"]["value"], ["drivers/md/.*"])
check("KernelModulesInclude origin", st["KernelModulesInclude"]["origin"],
      [c + "/mkosi.conf.d/10-debian/mkosi.conf.d/bookworm.conf:5"])
check("ExtraTrees", st["ExtraTrees"]["value"],
      [c + "/mkosi.extra", c + "/mkosi.conf.d/10-debian/mkosi.extra"])
check("Release", st["Release"]["origin"], [c + "/mkosi.conf:3"])
files = [(f["path"], f["matched"]) for f in s["files"]]
check("files", files[:6], [
    (t + "/etc/mkosi-initrd/mkosi.conf.d/10-lvm.conf", True),
    (c + "/mkosi.conf", True),
    (c + "/mkosi.conf.d/10-debian/mkosi.conf", True),
    (c + "/mkosi.conf.d/10-debian/mkosi.conf.d/bookworm.conf", True),
    (c + "/mkosi.conf.d/10-debian/mkosi.conf.d/trixie.conf", False),
    (c + "/mkosi.conf.d/20-fedora/mkosi.conf", False)])
EOF
# The text summary names the file and line of each value.
"$INITPACK" summary -C "$c" >"$T/summary.txt" 2>/dev/null
expect_in "$T/summary.txt" "# $c/mkosi.conf.d/10-debian/mkosi.conf.d/bookworm.conf:5"

# A script initpack cannot run, and a key it cannot honour: errors naming
# the file (and line) and what to do instead.
printf '#!/bin/sh\ntouch "$BUILDROOT/x"\n' >"$c/mkosi.postinst"
printf '[Content]\nBuildPackages=gcc\n' >"$c/mkosi.conf.d/30-build.conf"
expect_fail "$INITPACK" summary -C "$c"
expect_in "$T/err" "initpack: error: $c/mkosi.postinst: mkosi's mkosi.postinst is not supported: initpack runs no scripts while building: put the files the script makes into mkosi.extra/ (or ExtraTrees=) and name units to start in EnableUnits="
expect_in "$T/err" "initpack: error: $c/mkosi.conf.d/30-build.conf:2: [Content] BuildPackages=: not supported: initpack runs no build scripts: build the program elsewhere and add it with ExtraTrees="
expect_in "$T/err" "2 errors, stopping"

# A -C directory with nothing initpack reads is an error, not silence.
mkdir "$T/empty"
expect_fail "$INITPACK" summary -C "$T/empty"
expect_in "$T/err" "initpack: error: -C $T/empty: no configuration initpack reads (initpack.conf, initpack.conf.d/*.conf, mkosi.conf, mkosi.conf.d/, mkosi.extra/)"
echo "config_mkosi: ok"
