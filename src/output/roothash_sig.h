// The signed root hash of a dm-verity image, as systemd reads it from
// IMAGE.roothash.p7s (or a DDI's verity-sig partition): a detached PKCS#7
// SignedData, DER, over the root hash in lowercase hex (no newline),
// without signed attributes or certificates: the kernel's dm-verity checks
// it (root_hash_sig_key_desc) against a certificate in its keyring — the
// same bytes `openssl smime -sign -nocerts -noattr -binary -outform der`
// makes.
#pragma once

#include <string>

namespace initpack {

// Signs `root_hash_hex` with the PEM private key at `key_path` and the PEM
// certificate at `cert_path`; *der is the signature. Fails with a message
// naming the file at fault.
bool sign_root_hash(const std::string &root_hash_hex,
                    const std::string &key_path, const std::string &cert_path,
                    std::string *der, std::string *err);

} // namespace initpack
