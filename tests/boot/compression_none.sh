# An initrd compressed with none: the kernel unpacks it and boots the root;
# inspect and the real tool check the framing (tests/lib/compression.sh).
source "$(dirname "$0")/../lib/common.sh"
source "$TESTS_LIB/boot.sh"
source "$TESTS_LIB/compression.sh"
compression_scenario none
