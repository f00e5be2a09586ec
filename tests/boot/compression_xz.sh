# An initrd compressed with xz (CRC32 check, as the kernel's decoder needs):
# the kernel unpacks it and boots the root (tests/lib/compression.sh). xz
# at its default level costs ~45 s of CPU here; the framing is what matters
# to the kernel, so the test uses level 1.
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/compression.sh"
compression_scenario xz --compression-level 1
