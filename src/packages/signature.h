// OpenPGP checks of a suite's InRelease file, done by gpgv (GnuPG's
// verify-only tool, as apt does): we never parse signatures ourselves.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace initpack {

struct Diagnostics;

// Keys a suite is signed with: keyring files (binary or ASCII-armored) and
// inline armored key blocks (deb822 Signed-By).
struct TrustedKeys {
  std::vector<std::string> keyring_files;
  std::vector<std::string> inline_keys;
};

struct SignatureCheck {
  std::string signed_text;               // only what the signature covers
  std::vector<std::string> fingerprints; // keys with a good signature
};

// Verifies the clearsigned file at `path` (named `url` in messages) with
// `gpgv --status-fd`. Succeeds only when gpgv reports a GOODSIG and a
// VALIDSIG with a strong digest from one of `keys`, no BADSIG, and the file
// is exactly one signed message (nothing outside it is ever read).
bool verify_clearsigned(Diagnostics &diag, const std::string &path,
                        const std::string &url, const TrustedKeys &keys,
                        SignatureCheck *out, std::string *err);

// Decodes ASCII-armored OpenPGP blocks into binary packets: gpgv reads only
// binary keyrings. Text without armor is returned unchanged.
bool dearmor(std::string_view text, std::string *binary, std::string *err);

} // namespace initpack
