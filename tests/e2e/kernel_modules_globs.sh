#!/bin/bash
# mkosi's KernelModules= on a real Debian kernel, from a mkosi.conf read
# as mkosi-initrd users write it: "all of net/sched but its act_*
# modules" (ordered globs, the last match decides), the default list kept,
# a pattern naming no module a warning, and exclusions trimming the
# default list (drivers/ata, drivers/crypto).
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/debian.sh"
need zstd
debian_fixture # sets KERNEL_ROOT and KERNEL_VERSION
export INITPACK_SYSTEM_CONFIG_DIRS=$T/no-config
c=$T/mkosi
mkdir -p "$c"
cat >"$c/mkosi.conf" <<'CONF'
[Content]
KernelModules=
        default
        /net/sched/
        -/net/sched/act_*
        -drivers/crypto/
        -drivers/ata/
        no_such_module_*
CONF

"$INITPACK" modules -C "$c" --unpacked-kernel "$KERNEL_ROOT" --explain \
  --dest "$T/img" >"$T/explain" 2>"$T/log" || { cat "$T/log" >&2; fail "modules failed"; }
mods=$T/img/usr/lib/modules/$KERNEL_VERSION/kernel
count() { find "$KERNEL_ROOT/lib/modules/$KERNEL_VERSION/kernel/$1" -name '*.ko*' | wc -l; }
got() { find "$mods/$1" -name '*.ko*' 2>/dev/null | wc -l; }

# Every module below net/sched but act_* (the kernel's own list, counted
# independently).
all=$(count net/sched) act=$(find "$KERNEL_ROOT/lib/modules/$KERNEL_VERSION/kernel/net/sched" -name 'act_*' | wc -l)
[ "$act" -gt 0 ] || fail "the kernel has no net/sched/act_*: the test proves nothing"
[ "$(got net/sched)" = "$((all - act))" ] ||
  fail "net/sched/: $(got net/sched) modules in the image, expected $all - $act"
expect_in "$T/explain" "KernelModules=/net/sched/"
# None of drivers/crypto, none of drivers/ata (which the default list
# asks for), except what a chosen module needs.
for d in drivers/crypto drivers/ata; do
  for f in $(cd "$mods" && find "$d" -name '*.ko*' 2>/dev/null); do
    name=$(basename "$f"); name=${name%%.ko*}
    grep -E "^${name//-/_} +(dependency|softdep)" "$T/explain" >/dev/null ||
      fail "$f is in the image but excluded and needed by nothing"
  done
done
[ "$(count drivers/ata)" -gt 0 ] || fail "the kernel has no drivers/ata: the test proves nothing"
# The default list still applies.
for m in virtio_blk ext4; do grep -q "^$m " "$T/explain" || fail "$m (default list) missing"; done
# A pattern matching nothing: a warning naming it, not an error.
expect_in "$T/log" "warning: KernelModules=no_such_module_*: no such kernel module in"
echo "net/sched: $(got net/sched) of $all; drivers/crypto: $(got drivers/crypto); drivers/ata: $(got drivers/ata) of $(count drivers/ata)"
