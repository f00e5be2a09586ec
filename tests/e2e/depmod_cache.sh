#!/bin/bash
# depmod's output is cached by its inputs (CACHE/derived/depmod-KEY: the
# modules' contents, the image's modules.order, the kernel's builtin lists,
# depmod itself): the first run runs depmod and stores it, a second run
# takes it without running depmod and writes the same bytes, an edited
# entry is noticed (its recorded SHA-256) and depmod runs again, and
# another module set gets another entry.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/debian.sh"
need depmod
debian_fixture # sets KERNEL_ROOT and KERNEL_VERSION
export INITPACK_SYSTEM_CONFIG_DIRS=$T/no-config
cache=$T/cache

modules() { # DEST [args…]
  local dest=$1
  shift
  "$INITPACK" --verbose modules --cache-dir "$cache" --unpacked-kernel "$KERNEL_ROOT" \
    --dest "$dest" "$@" >"$dest.log" 2>&1 || { cat "$dest.log" >&2; fail "initpack modules failed"; }
}
indexes() { # DEST: the modules.* files, one hash each
  (cd "$1/usr/lib/modules/$KERNEL_VERSION" && sha256sum modules.*)
}

modules "$T/1"
grep -q "depmod -b " "$T/1.log" || fail "the first run did not run depmod"
entry=$(sed -n 's/.*depmod: output cached as //p' "$T/1.log")
[ -s "$entry" ] && [ -s "$entry.sha256" ] || fail "no cache entry with its hash: '$entry'"
indexes "$T/1" >"$T/1.sums"
grep -q "modules.dep.bin" "$T/1.sums" || fail "no modules.dep.bin in the first run's output"

modules "$T/2"
expect_in "$T/2.log" "depmod: cached $entry"
expect_not_in "$T/2.log" "depmod -b "
indexes "$T/2" >"$T/2.sums"
cmp "$T/1.sums" "$T/2.sums" || fail "the cached indexes differ from depmod's"

# An edited entry: noticed, depmod runs again, the output is depmod's.
printf 'X' | dd of="$entry" bs=1 seek=100 conv=notrunc status=none
modules "$T/3"
expect_in "$T/3.log" "$entry: content does not match its recorded SHA-256"
grep -q "depmod -b " "$T/3.log" || fail "depmod did not run again after the edit"
indexes "$T/3" >"$T/3.sums"
cmp "$T/1.sums" "$T/3.sums" || fail "the indexes after an edited entry are not depmod's"

# Another module set, another entry.
modules "$T/4" --module-include dummy
grep -q "depmod -b " "$T/4.log" || fail "another module set reused an entry"
[ "$(ls "$cache/derived" | grep -c '^depmod-[0-9a-f]*$')" = 2 ] || fail "want two depmod entries: $(ls "$cache/derived")"
