#!/bin/bash
# `initpack summary` end to end: system and -C config directories, a
# mkosi-initrd drop-in copied as it is, profiles, the command line, JSON
# checked with python3, errors and the exit code, and the sample config
# read back.
source "$(dirname "$0")/../lib/common.sh"
need python3

sys="$T/sys"
mkdir -p "$sys/usr/initpack.conf.d" "$sys/etc/initpack.conf.d" "$T/cdir" \
  "$T/profiles/default" "$T/profiles/lvm/tree/etc/lvm"
export INITPACK_SYSTEM_CONFIG_DIRS="$sys/usr:$sys/etc"
export INITPACK_PROFILES_DIR="$T/profiles"
unset SOURCE_DATE_EPOCH

printf '[Content]\nPackages=systemd udev\n' >"$T/profiles/default/profile.conf"
printf '[Content]\nPackages=lvm2\n' >"$T/profiles/lvm/profile.conf"
echo "global_filter = []" >"$T/profiles/lvm/tree/etc/lvm/lvm.conf"

cat >"$sys/usr/initpack.conf" <<'EOF'
[Distribution]
Release=bookworm
[Output]
CompressOutput=xz
EOF
# A mkosi-initrd drop-in, verbatim: [Match], indented list continuation.
cat >"$sys/etc/initpack.conf.d/50-mkosi.conf" <<'EOF'
[Match]
Distribution=debian

[Content]
Packages=
        cryptsetup-bin
        mdadm
KernelModulesInclude=
        dm-.*
WithRecommends=no
EOF
# Masked by the -C directory's drop-in of the same name.
printf '[Output]\nFormat=erofs\nCompressOutput=lz4\n' >"$sys/etc/initpack.conf.d/60-fmt.conf"
printf '[Output]\nFormat=uki\n[Config]\nProfiles=lvm\n' >"$T/cdir/initpack.conf"
mkdir -p "$T/cdir/initpack.conf.d"
printf '# masks /etc/…/60-fmt.conf\n' >"$T/cdir/initpack.conf.d/60-fmt.conf"

"$INITPACK" summary -C "$T/cdir" -p busybox --compression-level 9 \
  --source-date-epoch 1700000000 >"$T/summary.txt"
expect_in "$T/summary.txt" "Release=bookworm"
expect_in "$T/summary.txt" "# $sys/usr/initpack.conf:2"
expect_in "$T/summary.txt" "Format=uki"
expect_in "$T/summary.txt" "# $T/cdir/initpack.conf:2"
expect_in "$T/summary.txt" "CompressLevel=9"
expect_in "$T/summary.txt" "# command line (--compression-level)"
expect_not_in "$T/summary.txt" "Format=erofs"

"$INITPACK" summary -C "$T/cdir" -p busybox --json >"$T/summary.json"
python3 - "$T" "$sys" <<'EOF'
import json, sys
t, sysdir = sys.argv[1], sys.argv[2]
s = json.load(open(t + "/summary.json"))
st = s["settings"]
def check(what, got, want):
    if got != want:
        sys.exit(f"{what}: got {got!r}, want {want!r}")
# profiles first (default, lvm), then files in order, then the command line
check("Packages", st["Packages"]["value"],
      ["systemd", "udev", "lvm2", "cryptsetup-bin", "mdadm", "busybox"])
check("Packages origin", st["Packages"]["origin"][-2:],
      [sysdir + "/etc/initpack.conf.d/50-mkosi.conf:5", "command line (--package)"])
check("KernelModulesInclude", st["KernelModulesInclude"]["value"], ["dm-.*"])
check("CompressOutput", st["CompressOutput"]["value"], "xz")
check("Format", st["Format"]["value"], "uki")
check("SourceDateEpoch", st["SourceDateEpoch"]["value"], None)
check("profiles", [p["name"] for p in s["profiles"]], ["default", "lvm"])
check("ExtraTrees", st["ExtraTrees"]["value"], [t + "/profiles/lvm/tree"])
check("files", [f["path"] for f in s["files"]],
      [sysdir + "/usr/initpack.conf", t + "/cdir/initpack.conf",
       sysdir + "/etc/initpack.conf.d/50-mkosi.conf",
       t + "/cdir/initpack.conf.d/60-fmt.conf",
       t + "/profiles/default/profile.conf", t + "/profiles/lvm/profile.conf"])
EOF

# $SOURCE_DATE_EPOCH fills in when nothing sets SourceDateEpoch=.
SOURCE_DATE_EPOCH=1234 "$INITPACK" summary >"$T/sde.txt"
expect_in "$T/sde.txt" "SourceDateEpoch=1234"
expect_in "$T/sde.txt" "# environment (\$SOURCE_DATE_EPOCH)"

# Every error is reported, with file:line, then the run fails.
cat >"$sys/etc/initpack.conf.d/70-bad.conf" <<'EOF'
[Content]
Pakages=lvm2
Hwdb=maybe
[Output]
Format=tar
EOF
expect_fail "$INITPACK" summary --profile lvn
bad="$sys/etc/initpack.conf.d/70-bad.conf"
expect_in "$T/err" "$bad:2: [Content] Pakages=: unknown setting; did you mean Packages=?"
expect_in "$T/err" "$bad:3: [Content] Hwdb=: invalid boolean 'maybe'"
expect_in "$T/err" "$bad:5: [Output] Format=: invalid value 'tar' (allowed: cpio, erofs, uki, sysext, confext)"
expect_in "$T/err" "--profile: unknown profile 'lvn'; did you mean lvm? (available: default, lvm)"
expect_in "$T/err" "4 errors, stopping"
[ ! -s "$T/out" ] || fail "a failed summary printed a configuration"
rm "$bad"

# The sample is a valid configuration; uncommented, it gives the defaults
# and its empty list assignments clear the lists, profiles' entries too.
"$INITPACK" summary --sample >"$T/sample.conf"
mkdir -p "$T/sample/initpack.conf.d"
sed -n 's/^#\([A-Za-z][A-Za-z0-9]*=\)/\1/p; /^\[/p' "$T/sample.conf" \
  >"$T/sample/initpack.conf"
grep -q '^Format=cpio$' "$T/sample/initpack.conf" || fail "sample lacks Format=cpio"
INITPACK_SYSTEM_CONFIG_DIRS= "$INITPACK" summary --json >"$T/defaults.json"
INITPACK_SYSTEM_CONFIG_DIRS= "$INITPACK" summary -C "$T/sample" --json \
  >"$T/from-sample.json"
python3 - "$T" <<'EOF'
import json, sys
t = sys.argv[1]
a = json.load(open(t + "/defaults.json"))["settings"]
b = json.load(open(t + "/from-sample.json"))["settings"]
for key in a:
    if isinstance(a[key]["value"], list):
        if b[key]["value"] != []:
            sys.exit(f"{key}: the sample's {key}= did not clear the list")
    elif a[key]["value"] != b[key]["value"]:
        sys.exit(f"{key}: default {a[key]['value']!r}, sample gives {b[key]['value']!r}")
    if not all(o.startswith(t + "/sample/initpack.conf:") for o in b[key]["origin"]):
        sys.exit(f"{key}: not set by the sample: {b[key]['origin']!r}")
EOF
echo "config_summary: ok"
