// SecureBoot signing of PE images (UKIs, addons): in one step with a key
// at hand, or offline, where a signing server holds the key.
//
// Signing with a key runs sbsign (sbsigntool): the key is a PEM file, or a
// PKCS#11 URI ("pkcs11:token=…;object=…") used through OpenSSL's pkcs11
// engine. The offline flow is ours:
//   1. `initpack build --sign-later` writes the unsigned image and
//      IMAGE.sign-request.json (its size, SHA-256 and Authenticode digest):
//      what a signing server checks before it signs.
//   2. The server makes a detached Authenticode signature, a DER PKCS#7
//      SignedData (`sbsign --detached`, or any Authenticode signer).
//   3. `initpack sign IMAGE --attach SIG` checks that SIG signs exactly
//      this image's Authenticode digest and appends it as the image's
//      certificate table (output/pe.h), through a temporary file.
#pragma once

#include <string>
#include <string_view>

namespace initpack {

struct Context;
struct PeImage;

// The Authenticode digest a PKCS#7 SignedData signs: the SHA-256 in its
// SpcIndirectDataContent. Fails on other content or digest algorithms.
bool signed_authenticode_digest(std::string_view pkcs7_der, std::string *digest,
                                std::string *err);

// IMAGE.sign-request.json for the bytes of an unsigned image.
std::string sign_request_json(const std::string &image_name,
                              std::string_view image);

// Signs the PE file `in` into `out` with sbsign; `key` is a PEM file or a
// pkcs11: URI, `key_source` as SecureBootKeySource= ("" or file, or
// engine:NAME). Stops the run (Fatal) on failure, naming the setting.
void sbsign_file(Context &ctx, const std::string &in, const std::string &out,
                 const std::string &key, const std::string &key_source,
                 const std::string &cert, bool detached = false);

// Writes a laid-out image to `path` through a temporary file; signed when
// SecureBootKey= is set, and with a sign request beside it for SignLater=.
void write_pe_file(Context &ctx, const PeImage &img, const std::string &path);

// `initpack sign --attach`: the signed image at `out` (may equal `image`).
void attach_signature_file(Context &ctx, const std::string &image,
                           const std::string &signature,
                           const std::string &out);

} // namespace initpack
