# UKI and UEFI boot helpers: OVMF, a newer systemd-stub, a test signing key.
#
#   need_ovmf                  skips unless OVMF and the ESP tools are here
#   trixie_stub_dir            prints a directory holding trixie's (257)
#                              linuxx64.efi.stub and addonx64.efi.stub
#   make_secure_boot_vars OUT CERT   OVMF variables enrolling CERT, SB on
#   make_test_key DIR          DIR/db.key, DIR/db.crt (self-signed, RSA 2048)
#
# Bookworm's systemd-boot-efi (252) has the UKI stub only: no addon stub,
# no .ucode, no multi-profile UKIs. For those the tests take trixie's stub:
# its .deb is downloaded once with a private apt configuration into
# build/test-cache and unpacked there, never installed on the machine.

source "$TESTS_LIB/debian.sh"

need_ovmf() {
  need mkfs.fat mcopy
  [ -f /usr/share/OVMF/OVMF_CODE_4M.fd ] || skip "ovmf is not installed"
}

# The host's Debian mirror, from its apt sources (deb822 or one-line).
_host_mirror() {
  cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
    awk '/^URIs:/ && $2 !~ /-security/ { print $2; exit }' || true
  grep -hsE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
    awk '$2 !~ /security/ { print $2; exit }' || true
}

# trixie_package PKG: prints the directory PKG's trixie .deb is unpacked
# in (downloaded once with a private apt configuration, never installed).
trixie_package() {
  local pkg=$1 dir="$TEST_CACHE/trixie/$1" lock mirror
  mkdir -p "$TEST_CACHE/trixie"
  exec {lock}>"$TEST_CACHE/trixie/.lock"
  flock -w 600 "$lock" || fail "waited too long for $TEST_CACHE/trixie/.lock"
  if [ ! -f "$dir/.done" ]; then
    need apt-get dpkg-deb
    mirror=$(_host_mirror | head -n 1)
    [ -n "$mirror" ] || skip "no Debian mirror in the host's apt sources"
    local apt="$TEST_CACHE/trixie/apt"
    rm -rf "$dir"
    mkdir -p "$apt/lists/partial" "$apt/archives/partial" "$apt/etc" "$dir"
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" \
      >"$apt/etc/sources.list"
    local -a opts=(-o "Dir::Etc::SourceList=$apt/etc/sources.list"
      -o "Dir::Etc::SourceParts=/nonexistent" -o "Dir::State::Lists=$apt/lists"
      -o "Dir::Cache=$apt" -o "Dir::State::status=/dev/null"
      -o "APT::Architecture=amd64" -o "Acquire::Languages=none")
    apt-get "${opts[@]}" update >"$apt/update.log" 2>&1 ||
      { cat "$apt/update.log" >&2; skip "cannot reach the trixie archive"; }
    rm -f "$apt/archives/${pkg}"_*.deb
    (cd "$apt/archives" && apt-get "${opts[@]}" download "$pkg") \
      >"$apt/download.log" 2>&1 ||
      { cat "$apt/download.log" >&2; fail "cannot download trixie's $pkg"; }
    dpkg-deb -x "$apt/archives/${pkg}"_*.deb "$dir"
    touch "$dir/.done"
  fi
  exec {lock}>&-
  echo "$dir"
}

trixie_stub_dir() {
  local dir
  dir=$(trixie_package systemd-boot-efi) || exit
  echo "$dir/usr/lib/systemd/boot/efi"
}

# make_secure_boot_vars OUT CERT: an OVMF variable store with CERT as PK,
# KEK and db and SecureBoot on, made by trixie's virt-fw-vars (package
# python3-virt-firmware; bookworm has none).
make_secure_boot_vars() {
  local out=$1 cert=$2 vfw guid=2e2e6d41-0ac4-4a5c-9d0e-5b0f1a7e6b01
  [ -f /usr/share/OVMF/OVMF_CODE_4M.secboot.fd ] || skip "ovmf has no SecureBoot build"
  vfw=$(trixie_package python3-virt-firmware) || exit
  # virt-firmware imports importlib_resources, which Python >= 3.9 has
  # built in as importlib.resources.
  mkdir -p "$vfw/shim"
  echo 'from importlib.resources import *' >"$vfw/shim/importlib_resources.py"
  PYTHONPATH="$vfw/usr/lib/python3/dist-packages:$vfw/shim" \
    python3 "$vfw/usr/bin/virt-fw-vars" -i /usr/share/OVMF/OVMF_VARS_4M.fd -o "$out" \
    --set-pk "$guid" "$cert" --add-kek "$guid" "$cert" --add-db "$guid" "$cert" \
    --secure-boot >"$T/virt-fw-vars.log" 2>&1 ||
    { cat "$T/virt-fw-vars.log" >&2; fail "virt-fw-vars could not enroll $cert"; }
}

make_test_key() {
  local dir=$1
  need openssl
  mkdir -p "$dir"
  openssl req -quiet -new -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 \
    -subj "/CN=initpack test db/" -keyout "$dir/db.key" -out "$dir/db.crt" 2>/dev/null
}
