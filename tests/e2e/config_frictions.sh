# Everyday frictions a dracut or mkosi user met, each with its exact
# message: a command typo gets a suggestion; -v works after the command (the
# README's `initpack summary --hostonly -v`); KernelCommandLine= with a cpio
# image is said, naming file and line, and not for a UKI; --strict turns
# that warning into an error and a failed run.
source "$(dirname "$0")/../lib/common.sh"
export INITPACK_SYSTEM_CONFIG_DIRS="$T/none"

expect_fail "$INITPACK" biuld
expect_in "$T/err" "initpack: unknown command 'biuld'; did you mean build? (initpack --help lists the commands)"

"$INITPACK" summary --hostonly -v >"$T/summary" 2>"$T/verbose" ||
  fail "initpack summary --hostonly -v failed"
grep -q "^KernelModulesIncludeHost=yes .*# command line (--hostonly)" "$T/summary" ||
  fail "summary does not show --hostonly"
expect_in "$T/verbose" "config: "

mkdir -p "$T/c"
printf '[Content]\nPackages=systemd\nKernelCommandLine=console=ttyS0 quiet\n' >"$T/c/initpack.conf"
"$INITPACK" summary -C "$T/c" >/dev/null 2>"$T/warn" || fail "summary failed"
expect_in "$T/warn" "initpack: warning: $T/c/initpack.conf:3: [Content] KernelCommandLine= is not used by Format=cpio: an initrd carries no kernel command line, the boot loader gives the kernel one (kernel-install takes it from /etc/kernel/cmdline); Format=uki embeds it"
"$INITPACK" summary -C "$T/c" --format uki >/dev/null 2>"$T/warn-uki" || fail "summary --format uki failed"
expect_not_in "$T/warn-uki" "KernelCommandLine="

expect_fail "$INITPACK" summary -C "$T/c" --strict
expect_in "$T/err" "initpack: error: $T/c/initpack.conf:3: [Content] KernelCommandLine= is not used by Format=cpio:"
expect_in "$T/err" "(Strict=yes)"
echo ok
