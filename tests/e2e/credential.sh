# `initpack credential`: systemd-creds (systemd 252, the host's) decrypts
# our null-key credentials to the same bytes and refuses an altered or
# expired one; the output is reproducible under SOURCE_DATE_EPOCH; the
# --smbios form decodes to the value; bad input gets a clear error and
# leaves no file.
source "$(dirname "$0")/../lib/common.sh"
need systemd-creds base64 python3

cd "$T"
head -c 300 /dev/urandom >value.bin
printf 'line one\nline two\0after a NUL' >>value.bin

SOURCE_DATE_EPOCH=1700000000 "$INITPACK" credential value.bin -o marker.cred
SOURCE_DATE_EPOCH=1700000000 "$INITPACK" credential - --name marker -o again.cred <value.bin
cmp marker.cred again.cred || fail "two credentials from the same inputs differ"
[ "$(stat -c %a marker.cred)" = 600 ] || fail "the credential file is not 0600"
# Base64 text, as systemd-creds writes it.
base64 -d marker.cred >marker.bin || fail "marker.cred is not Base64"

# The independent verifier: systemd-creds decrypts it, name checked.
systemd-creds decrypt --name=marker marker.cred out.bin 2>creds.err ||
  { cat creds.err >&2; fail "systemd-creds cannot decrypt our credential"; }
cmp out.bin value.bin || fail "systemd-creds decrypted other bytes"
expect_fail systemd-creds decrypt --name=other marker.cred -
expect_in "$T/err" "Embedded credential name 'marker' does not match"
# And our own decrypt reads it back.
"$INITPACK" credential --decrypt marker.cred -o ours.bin
cmp ours.bin value.bin || fail "initpack credential --decrypt gave other bytes"

# One altered byte anywhere (header/AAD, ciphertext, tag) is refused.
size=$(stat -c %s marker.bin)
for off in 3 40 60 $((size - 20)) $((size - 1)); do
  python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[int(sys.argv[2])] ^= 1; open(sys.argv[3], "wb").write(b)' \
    marker.bin "$off" bad.bin
  base64 -w 79 bad.bin >bad.cred
  expect_fail systemd-creds decrypt --name=marker bad.cred -
  expect_fail "$INITPACK" credential --decrypt bad.cred
done
expect_in "$T/err" "the GCM tag does not match"

# The not-after time is where systemd reads it: an expired one is refused.
"$INITPACK" credential value.bin -o old.cred --name old --timestamp @1000 --not-after "2001-01-01"
expect_fail systemd-creds decrypt --name=old old.cred -
expect_in "$T/err" "Credential's time passed"
"$INITPACK" credential value.bin -o fresh.cred --name fresh --not-after "2999-01-01 00:00:00"
systemd-creds decrypt --name=fresh fresh.cred fresh.out 2>/dev/null || fail "a valid not-after is refused"
cmp fresh.out value.bin || fail "fresh.cred decrypts to other bytes"

# A credential systemd-creds made is read by ours.
printf 'from systemd' >plain
systemd-creds encrypt --with-key=tpm2-absent --name=theirs plain theirs.cred 2>/dev/null
[ "$("$INITPACK" credential --decrypt --name theirs theirs.cred)" = "from systemd" ] ||
  fail "our decrypt cannot read systemd-creds' credential"

# The plain SMBIOS form.
printf 'a,b=c' | "$INITPACK" credential - --name plain.one --smbios >smbios
v=$(cat smbios)
[ "${v%%=*}" = "io.systemd.credential.binary:plain.one" ] || fail "smbios form is '$v'"
[ "$(printf %s "${v#*=}" | base64 -d)" = "a,b=c" ] || fail "smbios value does not decode"

# Errors: a bad name, a missing input, expiry before creation, a bad time.
expect_fail "$INITPACK" credential value.bin -o "$T/a:b.cred"
expect_in "$T/err" "credential: invalid name 'a:b': contains ':'"
[ ! -e "$T/a:b.cred" ] || fail "a refused credential left a file"
expect_fail "$INITPACK" credential missing.bin -o m.cred
expect_in "$T/err" "missing.bin"
[ ! -e m.cred ] || fail "a failed credential left a file"
expect_fail "$INITPACK" credential value.bin --name n --timestamp @20 --not-after @10
expect_in "$T/err" "expires (not-after) before it is made"
expect_fail "$INITPACK" credential value.bin --name n --not-after soon
expect_in "$T/err" "--not-after: 'soon' is not a time"
expect_fail "$INITPACK" credential value.bin
expect_in "$T/err" "give --name"
head -c 800000 /dev/zero >big.bin
expect_fail "$INITPACK" credential big.bin -o big.cred
expect_in "$T/err" "systemd imports at most 1048576"
[ ! -e big.cred ] || fail "a too large credential left a file"
# A failure keeps an existing file as it was.
cp marker.cred keep.cred
expect_fail "$INITPACK" credential missing.bin -o keep.cred
cmp keep.cred marker.cred || fail "a failed run changed an existing credential"
