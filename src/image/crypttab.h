// Hostonly LUKS: /etc/crypttab in the image, holding the host's crypttab(5)
// entries for the dm-crypt devices under its root (and nothing else, so the
// initrd unlocks exactly what / needs). systemd-cryptsetup-generator reads
// it in the initrd as on the host: names, devices, key files and options
// (tpm2-device=, tries=, …) carry over unchanged.
#pragma once

namespace initpack {

struct Context;

// Does nothing unless hostonly; a missing HostCrypttab= file means no
// encrypted root. A malformed one is an error naming its file and line.
void add_host_crypttab(Context &ctx);

} // namespace initpack
