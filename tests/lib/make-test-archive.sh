#!/bin/bash
# Builds a small, hermetic, signed Debian archive for the tests:
#
#   make-test-archive.sh DIR [--expired] [--tamper] [--wrong-key] [--bad-signature]
#   make-test-archive.sh DIR --update
#
# DIR/dists/stable          Acquire-By-Hash: yes, packages in pool/main
# DIR/dists/stable-updates  a newer libfoo and a second copy of "shared"
# DIR/keyring.gpg           the archive key, binary, for gpgv / --keyring
# DIR/keyring.asc           the same, ASCII-armored (inline Signed-By tests)
# DIR/other-keyring.gpg     an unrelated key
# DIR.gnupg/                the secret keys (not served), for --update
#
# Packages and what they exercise:
#   app        Pre-Depends base-pre; Depends libfoo (>= 1.2) [only in
#              stable-updates], zeta-impl | alpha-impl [libsolv alone picks
#              alpha-impl by name; Debian's order says zeta-impl],
#              mail-transport-agent [virtual: tiny-mta]; Recommends extra-tool
#   conflicting  Conflicts: app        needs-missing  Depends: does-not-exist
#   files      a setuid file, a hard link to it, a symlink, a conffile
#   ess        Essential: yes (never added implicitly)
#   shared 2.0 the same version in both suites (URL must not depend on order)
# Variants: --expired (Valid-Until in the past), --tamper (stable's Packages
# files changed after signing), --wrong-key (InRelease signed by another
# key), --bad-signature (InRelease text changed after signing).
# --update re-indexes and re-signs an existing DIR with its keys after
# adding libfoo 1.4 to stable-updates: an archive update, for cache tests.
set -euo pipefail

dir=${1:?usage: make-test-archive.sh DIR [--expired] [--tamper] [--wrong-key] [--bad-signature]}
shift
expired=0 tamper=0 wrong_key=0 bad_sig=0 update=0
for arg in "$@"; do
  case $arg in
  --update) update=1 ;;
  --expired) expired=1 ;;
  --tamper) tamper=1 ;;
  --wrong-key) wrong_key=1 ;;
  --bad-signature) bad_sig=1 ;;
  *) echo "make-test-archive.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done
export LC_ALL=C
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
work=$(mktemp -d /tmp/initpack-archive.XXXXXX)
export GNUPGHOME=$dir.gnupg
cleanup() { gpgconf --kill all >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT
if [ $update = 0 ]; then
  rm -rf "$GNUPGHOME"
  mkdir -m 700 "$GNUPGHOME"
elif [ ! -d "$GNUPGHOME" ]; then
  echo "make-test-archive.sh: --update needs an archive made before in $dir" >&2
  exit 2
fi

# deb NAME VERSION ARCH POOLDIR [control lines…]: builds one package.
deb() {
  local name=$1 version=$2 arch=$3 pool=$4
  shift 4
  local root=$work/build/$name-$version-${pool//\//_}
  mkdir -p "$root/DEBIAN" "$root/usr/share/doc/$name" "$dir/$pool"
  {
    echo "Package: $name"
    echo "Version: $version"
    echo "Architecture: $arch"
    echo "Maintainer: initpack tests <tests@invalid>"
    [ $# -gt 0 ] && printf '%s\n' "$@"
    echo "Description: $name, a test package"
    echo " Built by make-test-archive.sh."
  } >"$root/DEBIAN/control"
  echo "$name $version" >"$root/usr/share/doc/$name/README"
  if [ "$name" = files ]; then
    mkdir -p "$root/usr/bin" "$root/etc"
    printf '#!/bin/sh\necho tool\n' >"$root/usr/bin/tool"
    chmod 4755 "$root/usr/bin/tool"
    ln "$root/usr/bin/tool" "$root/usr/bin/tool-hardlink"
    ln -s tool "$root/usr/bin/tool-symlink"
    echo "setting=1" >"$root/etc/files.conf"
    echo /etc/files.conf >"$root/DEBIAN/conffiles"
  fi
  sed -i "3a Installed-Size: $(du -sk --exclude=DEBIAN "$root" | cut -f1)" \
    "$root/DEBIAN/control"
  dpkg-deb --root-owner-group -Zxz -b "$root" \
    "$dir/$pool/${name}_${version}_${arch}.deb" >/dev/null
}

if [ $update = 1 ]; then
  deb libfoo 1.4 amd64 pool/updates
else
  deb app 1.0 amd64 pool/main \
    "Pre-Depends: base-pre" \
    "Depends: libfoo (>= 1.2), zeta-impl | alpha-impl, mail-transport-agent" \
    "Recommends: extra-tool"
  deb libfoo 1.0 amd64 pool/main
  deb base-pre 1.0 all pool/main
  deb zeta-impl 1.0 all pool/main
  deb alpha-impl 1.0 all pool/main
  deb tiny-mta 1.0 all pool/main "Provides: mail-transport-agent"
  deb extra-tool 1.0 all pool/main
  deb conflicting 1.0 all pool/main "Conflicts: app"
  deb needs-missing 1.0 all pool/main "Depends: does-not-exist"
  deb files 1.0 amd64 pool/main
  deb ess 1.0 all pool/main "Essential: yes"
  deb shared 2.0 all pool/main
  deb libfoo 1.3 amd64 pool/updates
  deb shared 2.0 all pool/updates

  gpg --batch --quiet --passphrase '' --quick-gen-key \
    'initpack test archive <archive@invalid>' ed25519 sign never 2>/dev/null
  gpg --batch --quiet --passphrase '' --quick-gen-key \
    'initpack other key <other@invalid>' ed25519 sign never 2>/dev/null
  gpg --batch --export 'archive@invalid' >"$dir/keyring.gpg"
  gpg --batch --armor --export 'archive@invalid' >"$dir/keyring.asc"
  gpg --batch --export 'other@invalid' >"$dir/other-keyring.gpg"
fi

rfc2822() { date -u -d "@$1" '+%a, %d %b %Y %H:%M:%S UTC'; }
now=$(date +%s)

# suite NAME POOLDIR BY_HASH: indexes and signs dists/NAME.
suite() {
  local name=$1 pool=$2 by_hash=$3
  local d=$dir/dists/$name bin=main/binary-amd64
  mkdir -p "$d/$bin"
  (cd "$dir" && apt-ftparchive packages "$pool") >"$d/$bin/Packages" 2>/dev/null
  xz -c -9 "$d/$bin/Packages" >"$d/$bin/Packages.xz"
  if [ "$by_hash" = 1 ]; then
    mkdir -p "$d/$bin/by-hash/SHA256"
    for f in Packages Packages.xz; do
      cp "$d/$bin/$f" "$d/$bin/by-hash/SHA256/$(sha256sum <"$d/$bin/$f" | cut -d' ' -f1)"
    done
  fi
  local date=$now valid=$((now + 7 * 86400))
  if [ $expired = 1 ]; then date=$((now - 10 * 86400)) valid=$((now - 3 * 86400)); fi
  {
    echo "Origin: initpack-test"
    echo "Label: initpack-test"
    echo "Suite: $name"
    echo "Codename: $name"
    echo "Date: $(rfc2822 $date)"
    echo "Valid-Until: $(rfc2822 $valid)"
    [ "$by_hash" = 1 ] && echo "Acquire-By-Hash: yes"
    echo "Architectures: amd64"
    echo "Components: main"
    (cd "$d" && apt-ftparchive release . 2>/dev/null) | grep -v '^Date:'
  } >"$work/Release"
  mv "$work/Release" "$d/Release"
  local key=archive@invalid
  [ $wrong_key = 1 ] && key=other@invalid
  gpg --batch --yes --local-user "$key" --clearsign -o "$d/InRelease" "$d/Release"
  gpg --batch --yes --local-user "$key" -abs -o "$d/Release.gpg" "$d/Release"
  if [ $bad_sig = 1 ]; then
    sed -i 's/^Label: initpack-test$/Label: initpack-evil/' "$d/InRelease"
  fi
  if [ $tamper = 1 ] && [ "$by_hash" = 1 ]; then
    # Changed after signing, same sizes (so the SHA256 check, not the size
    # check, must catch it): a version in the text, 8 bytes of the .xz.
    local xz=$d/$bin/Packages.xz
    sed -i 's/^Version: 1.3$/Version: 6.6/; s/^Version: 1.0$/Version: 6.6/' "$d/$bin/Packages"
    printf TAMPERED | dd of="$xz" bs=1 seek=$(($(stat -c %s "$xz") / 2)) conv=notrunc status=none
    for h in "$d/$bin/by-hash/SHA256/"*; do
      if [ "$(stat -c %s "$h")" = "$(stat -c %s "$xz")" ]; then cp "$xz" "$h"; else cp "$d/$bin/Packages" "$h"; fi
    done
  fi
}

suite stable pool/main 1
suite stable-updates pool/updates 0
