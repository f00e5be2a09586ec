# `kill -9` at random points of a build (fixed seed, 5 trials) never damages
# the existing initrd, and what a killed build leaves behind (a hidden
# .initrd.img.XXXXXX partial, $TMPDIR/initpack-*.tmp-XXXXXX directories) is
# removed by the next build; a live build's temporaries are not touched.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/debian.sh"
need flock
debian_fixture

mkdir -p "$T/dest" "$T/tmp"
export TMPDIR=$T/tmp
out=$T/dest/initrd.img
cp "$DEBIAN_INITRD" "$out"
build=("$INITPACK" build --cache-dir "$INITPACK_TEST_CACHE"
  --kernel-package "$TEST_KERNEL_PACKAGE" -o "$out")

# Leftovers of an earlier killed run (nobody holds their lock), and a live
# one (flock holds it, as a running initpack does).
printf 'partial' > "$T/dest/.initrd.img.Kil1ed"
mkdir -p "$T/tmp/initpack-modules.tmp-Kil1ed/lib/modules"
printf 'live' > "$T/dest/.initrd.img.L1ve00"
# The sleep itself holds the lock (no flock(1) parent whose child would
# outlive a kill and keep ctest waiting for its output for 600 s).
(exec 9<>"$T/dest/.initrd.img.L1ve00" && flock 9 && exec sleep 600) & live=$!
stop_live() { kill "$live" 2>/dev/null; }
on_exit stop_live

RANDOM=1600 # fixed seed: the same kill points every run
killed=0 left=0
for trial in 1 2 3 4 5; do
  before=$(sha256sum <"$out")
  tenths=$((RANDOM % 60 + 2))
  "${build[@]}" >"$T/build.log" 2>&1 & pid=$!
  sleep "$((tenths / 10)).$((tenths % 10))"
  if kill -9 "$pid" 2>/dev/null; then
    wait "$pid" 2>/dev/null || true
    killed=$((killed + 1))
    [ "$(sha256sum <"$out")" = "$before" ] || fail "trial $trial: a killed build changed $out"
  else
    wait "$pid" || { cat "$T/build.log"; fail "trial $trial: the build failed"; }
  fi
  "$INITPACK" inspect "$out" >/dev/null || fail "trial $trial: $out is damaged"
  n=$(find "$T/dest" "$T/tmp" -mindepth 1 -maxdepth 1 -name '.*' -o -name 'initpack*.tmp-*' | grep -c . || true)
  echo "trial $trial: kill after $((tenths / 10)).$((tenths % 10)) s, $n temporaries present"
  left=$((left > n ? left : n))
done
echo "$killed of 5 builds killed; at most $left temporaries at once"

"${build[@]}" >"$T/build.log" 2>&1 || { cat "$T/build.log"; fail "the last build failed"; }
"$INITPACK" inspect "$out" >/dev/null
ls -A "$T/dest" "$T/tmp"
# The live one stays; no other hidden partial (of initrd.img or vmlinuz).
[ "$(find "$T/dest" -mindepth 1 -name '.*')" = "$T/dest/.initrd.img.L1ve00" ] ||
  fail "left behind in the output directory: $(ls -A "$T/dest")"
[ -z "$(ls -A "$T/tmp")" ] || fail "left behind in \$TMPDIR: $(ls -A "$T/tmp")"
