# Sourced after common.sh: fetch_debian_kernel sets KERNEL_ROOT (the
# archive's linux-image package, unpacked by initpack, depmod done) and
# KERNEL_VERSION, through the shared fixture in debian.sh.
. "$(dirname "${BASH_SOURCE[0]}")/debian.sh"
fetch_debian_kernel() { debian_fixture; }
