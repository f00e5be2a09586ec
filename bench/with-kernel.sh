#!/bin/bash
# with-kernel.sh OVERLAY CMD…: runs CMD in a private mount namespace where
# /usr/lib and /boot are read-only overlays adding OVERLAY/usr-lib (links
# to modules/KVER) and OVERLAY/boot (config-KVER, System.map-KVER) to the
# host's. dracut and mkinitramfs read the kernel from /lib/modules/KVER and
# /boot; the host has no kernel installed, and the benchmark must not
# install one or leave links behind, so the kernel initpack unpacked is
# shown to them here only. Needs root (mount namespaces, overlayfs).
set -euo pipefail
ov=$1
shift
exec unshare --mount --propagation private /bin/bash -euc '
  ov=$1
  shift
  mount -t overlay bench-usr-lib -o "lowerdir=$ov/usr-lib:/usr/lib" /usr/lib
  mount -t overlay bench-boot -o "lowerdir=$ov/boot:/boot" /boot
  exec "$@"' with-kernel "$ov" "$@"
