#!/bin/bash
# with-kernel.sh KERNEL_ROOT CMD…: runs CMD in a private mount namespace
# where /usr/lib and /boot are read-only overlays of KERNEL_ROOT/usr/lib
# (modules/KVER) and KERNEL_ROOT/boot (config-KVER, System.map-KVER) over
# the host's. dracut and mkinitramfs read the kernel from /lib/modules/KVER
# and /boot; the host has no kernel installed, and the benchmark must not
# install one or leave links behind, so the kernel package initpack
# unpacked is shown to them here only. Real directories, not symlinks:
# both tools copy a symlinked module directory by its target's path.
# Needs root (mount namespaces, overlayfs).
set -euo pipefail
kernel_root=$1
shift
# shellcheck disable=SC2016 # expanded by the inner shell
exec unshare --mount --propagation private /bin/bash -euc '
  root=$1
  shift
  mount -t overlay bench-usr-lib -o "lowerdir=$root/usr/lib:/usr/lib" /usr/lib
  mount -t overlay bench-boot -o "lowerdir=$root/boot:/boot" /boot
  exec "$@"' with-kernel "$kernel_root" "$@"
