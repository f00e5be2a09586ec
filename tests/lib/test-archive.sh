# For the resolver's end-to-end tests: builds the signed test archive
# (tests/lib/make-test-archive.sh) in $T/archive, serves it on 127.0.0.1,
# and sets RESOLVE, an `initpack resolve` command line that uses it with a
# private cache and an empty apt root (the host's /etc/apt never matters).
#
#   . "$(dirname "$0")/../lib/common.sh"
#   . "$TESTS_LIB/test-archive.sh"
#   setup_test_archive [--expired|--tamper|--wrong-key|--bad-signature]
#   "${RESOLVE[@]}" app >"$T/out"
need gpg gpgv apt-ftparchive dpkg-deb xz python3 curl
# No system configuration (/etc/initpack …): only what the test says.
export INITPACK_SYSTEM_CONFIG_DIRS=

setup_test_archive() {
  ARCHIVE=$T/archive
  bash "$TESTS_LIB/make-test-archive.sh" "$ARCHIVE" "$@"
  start_http_server "$ARCHIVE"
  mkdir -p "$T/aptroot"
  CACHE=$T/cache
  RESOLVE=("$INITPACK" resolve --apt-root "$T/aptroot" --mirror "$HTTP_URL"
    --suite stable,stable-updates --keyring "$ARCHIVE/keyring.gpg"
    --cache-dir "$CACHE")
}

# json_field FILE NAME FIELD: one field of one package in `resolve --json`.
json_field() {
  python3 -c 'import json,sys
for p in json.load(open(sys.argv[1])):
    if p["name"] == sys.argv[2]: print(p[sys.argv[3]])' "$1" "$2" "$3"
}
