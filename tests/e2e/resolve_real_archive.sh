# The real archive, through the host's apt sources: initpack's set for
# systemd udev kmod util-linux must be apt's. apt gets private lists and
# cache under $T (an `apt-get update` of its own), so the host's state does
# not matter. Skipped (77) when the archive is unreachable; never passes
# without comparing.
source "$(dirname "$0")/../lib/common.sh"
need apt-get python3
export INITPACK_SYSTEM_CONFIG_DIRS= # no /etc/initpack: the host's apt sources
[ -n "$(ls /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list 2>/dev/null)" ] ||
  skip "the host has no apt sources"

mkdir -p "$T/lists/partial" "$T/apt-cache/archives/partial"
: >"$T/status"
APT_OPTS=(-o "Dir::State::Lists=$T/lists" -o "Dir::Cache=$T/apt-cache"
  -o "Dir::State::status=$T/status" -o APT::Sandbox::User=root
  -o Debug::NoLocking=1 -o Acquire::Languages=none)
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
t0=$(now)
if ! apt-get update -q "${APT_OPTS[@]}" >"$T/update.log" 2>&1 ||
  grep -qE '^(Err|W: Failed)' "$T/update.log"; then
  cat "$T/update.log" >&2
  skip "the archive is unreachable (apt-get update failed)"
fi
t1=$(now)

# compare NAME PKG…: apt's choice and initpack's, as "name version" lines.
compare() {
  local name=$1
  shift
  local a=$(now)
  apt-get install --simulate --no-install-recommends "${APT_OPTS[@]}" "$@" >"$T/$name.apt.log"
  local b=$(now)
  awk '/^Inst /{print $2, substr($3, 2)}' "$T/$name.apt.log" | sort >"$T/$name.apt"
  if ! "$INITPACK" resolve --cache-dir "$T/cache" --json "$@" >"$T/$name.json" 2>"$T/$name.err"; then
    cat "$T/$name.err" >&2
    grep -q "cannot download" "$T/$name.err" && skip "the archive is unreachable for initpack"
    fail "initpack resolve $* failed"
  fi
  local c=$(now)
  echo "$name: apt-get --simulate $(elapsed "$a" "$b") s, initpack resolve $(elapsed "$b" "$c") s"
  python3 -c 'import json,sys
for p in json.load(open(sys.argv[1])): print(p["name"], p["version"])' "$T/$name.json" | sort >"$T/$name.initpack"
  [ -s "$T/$name.apt" ] || fail "apt chose nothing for $*"
  diff "$T/$name.apt" "$T/$name.initpack" >"$T/$name.diff" || true
}

compare base systemd udev kmod util-linux
if [ -s "$T/base.diff" ]; then
  cat "$T/base.diff" >&2
  fail "initpack and apt differ for systemd udev kmod util-linux"
fi
echo "same $(wc -l <"$T/base.apt") packages as apt for systemd udev kmod util-linux"

# A larger set. The one known difference: lvm2, mdadm and openssh-server
# depend on "lsb-base (>= 3.0-6)", which the Essential sysvinit-utils in the
# set already provides (lsb-base = 11.1.0); apt still installs the real,
# empty transitional package lsb-base 11.6, libsolv does not.
compare large systemd udev kmod util-linux lvm2 cryptsetup mdadm dmsetup \
  e2fsprogs btrfs-progs busybox openssh-server
grep -v '^< lsb-base ' "$T/large.diff" | grep '^[<>]' >"$T/large.unexplained" || true
if [ -s "$T/large.unexplained" ]; then
  cat "$T/large.diff" >&2
  fail "unexplained differences from apt"
fi
echo "same as apt for $(wc -l <"$T/large.apt") packages except: $(grep '^[<>]' "$T/large.diff" | tr '\n' ' ')"

# Timings (noisy machine: for the report, not asserted). The first
# compare above was initpack's cold run (download + parse).
t2=$(now)
"$INITPACK" resolve --cache-dir "$T/cache" systemd udev kmod >/dev/null
t3=$(now)
echo "apt-get update (private lists): $(elapsed "$t0" "$t1") s"
echo "initpack warm resolve of systemd udev kmod: $(elapsed "$t2" "$t3") s"
du -sh "$T/cache" | sed 's/^/cache size: /'
