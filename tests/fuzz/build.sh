#!/bin/bash
# build.sh NAME OUT: builds the libFuzzer harness tests/fuzz/NAME.cc with the
# parser sources it needs (see README.md) into the executable OUT.
set -euo pipefail
name=${1:?usage: build.sh NAME OUT} out=${2:?usage: build.sh NAME OUT}
src=$(cd "$(dirname "$0")/../../src" && pwd)
# util/hash.cc with what it links against (to_hex, read errors, Error()):
# named once, so a new dependency of hash.cc reaches every harness using it.
hash="util/hash.cc util/strings.cc util/fs.cc util/diag.cc"
case $name in
deb822) files="util/deb822.cc packages/release.cc util/strings.cc" libs="" ;;
ini) files="config/ini.cc util/strings.cc" libs="" ;;
dracut) files="config/dracut.cc util/strings.cc" libs="" ;;
cpio) files="inspect/cpio_reader.cc $hash" libs="-lcrypto" ;;
decompress) files="codec/decompress.cc" libs="-larchive -llz4 -llzma -lz -lzstd" ;;
pe) files="output/pe.cc $hash" libs="-lcrypto" ;;
deb) files="packages/deb.cc image/tree.cc $hash" libs="-larchive -llzma -lcrypto" ;;
erofs) files="inspect/erofs_reader.cc inspect/gpt_reader.cc $hash" libs="-llz4 -lfmt -lcrypto" ;;
credential) files="codec/credential.cc $hash" libs="-lcrypto" ;;
*) echo "build.sh: unknown harness $name" >&2; exit 2 ;;
esac
paths=()
for f in $files; do paths+=("$src/$f"); done
# shellcheck disable=SC2086
exec "${CXX_FUZZ:-clang++}" -std=c++20 -g -O1 -fno-omit-frame-pointer \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -DINITPACK_VERSION='"fuzz"' -I "$src" \
  "$(dirname "$0")/$name.cc" "${paths[@]}" $libs -o "$out"
