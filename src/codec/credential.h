// systemd credentials for the initrd: the encrypted format systemd-creds(1)
// writes and PID 1 and LoadCredentialEncrypted= read, sealed with the
// "null" key (systemd-creds --with-key=tpm2-absent).
//
// Why our own code: Debian has no library for this format (it lives inside
// libsystemd-shared, which is private), and wrapping systemd-creds would
// tie `initpack credential` to the build host's systemd. The format is
// small and fixed; OpenSSL does the cryptography.
//
// The format (systemd v252 src/shared/creds-util.c, "struct
// encrypted_credential_header" and the comment above it;
// https://github.com/systemd/systemd/blob/v252/src/shared/creds-util.c),
// every integer little-endian, each part padded with NULs to 8 bytes:
//
//   EncryptedCredentialHeader  (32 bytes) key type id, key/block/IV/tag
//                              sizes, then the IV (12 bytes for AES-GCM)
//   [TPM2 headers]             only for TPM2-bound keys, not written here
//   --- AES-256-GCM ciphertext from here; the bytes above are its AAD ---
//   MetadataCredentialHeader   (20 bytes) timestamp and not-after in µs
//                              since the epoch (UINT64_MAX: none), the
//                              name's length, then the name
//   payload                    the credential's value
//   --- end of ciphertext ---
//   tag                        16 bytes, the GCM tag over AAD + ciphertext
//
// The key is SHA-256 over the host key and the TPM2 key, each present or
// not; the null key has neither, so it is SHA-256 of nothing. It gives no
// confidentiality and no authenticity, only the format's integrity check:
// it exists for initrds on machines without a TPM2. systemd 252 refuses it
// where a TPM2 is present and SecureBoot is on (creds-util.c,
// decrypt_credential_and_warn).
//
// On disk (a .cred file, LoadCredentialEncrypted= sources) the binary is
// Base64, as systemd-creds writes it: systemd reads encrypted credentials
// with READ_FULL_FILE_UNBASE64.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace initpack {

// systemd's USEC_INFINITY: "no timestamp" / "never expires".
inline constexpr uint64_t kCredentialNoTime = UINT64_MAX;

// systemd's CREDENTIAL_SIZE_MAX: PID 1 skips a boot credential file (the
// Base64 text) larger than this, and stops importing once all of them
// together reach it.
inline constexpr size_t kCredentialFileSizeMax = 1024 * 1024;

struct CredentialMetadata {
  std::string name; // embedded and checked against the file name; may be empty
  uint64_t timestamp_usec = kCredentialNoTime;
  uint64_t not_after_usec = kCredentialNoTime;
};

// systemd's credential_name_valid(): a valid file name (not empty, "." or
// "..", no '/', at most 255 bytes) and a valid fd name (printable ASCII, no
// ':'). On false, *why says what is wrong.
bool credential_name_valid(std::string_view name, std::string *why);

// Encrypts `value` with the null key into the binary format above. The IV
// is derived from everything the credential holds (not random): the same
// inputs give the same bytes, and since the null key is public a repeated
// IV gives nothing away that the key does not.
bool encrypt_credential_null_key(std::string_view value,
                                 const CredentialMetadata &meta,
                                 std::string *out, std::string *err);

// Decrypts a null-key credential (binary), checking the tag, the metadata
// and the order of the timestamps, as systemd does; the expiry is the
// caller's to check.
bool decrypt_credential_null_key(std::string_view binary,
                                 CredentialMetadata *meta, std::string *value,
                                 std::string *err);

// Base64 as systemd-creds writes it: lines of `line_width` characters
// (0: one line), a final newline. The decoder skips whitespace.
std::string base64_encode(std::string_view data, size_t line_width = 79);
bool base64_decode(std::string_view text, std::string *out, std::string *err);

// "@SECONDS", "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS" or "YYYY-MM-DDTHH:MM:SSZ"
// (UTC), or "infinity", as µs since the epoch (kCredentialNoTime for
// infinity).
bool parse_credential_time(std::string_view text, uint64_t *usec,
                           std::string *err);

} // namespace initpack
