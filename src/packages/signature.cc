#include "packages/signature.h"

#include "util/deb822.h"
#include "util/diag.h"
#include "util/fs.h"
#include "util/subprocess.h"

#include <algorithm>
#include <openssl/evp.h>

namespace initpack {

namespace {

constexpr std::string_view kArmorBegin = "-----BEGIN PGP ";
constexpr std::string_view kSignedBegin = "-----BEGIN PGP SIGNED MESSAGE-----";
constexpr std::string_view kSigBegin = "-----BEGIN PGP SIGNATURE-----";
constexpr std::string_view kSigEnd = "-----END PGP SIGNATURE-----";

// Decodes the base64 body of one armored block starting at text[pos] (the
// BEGIN line); moves pos past its END line.
bool dearmor_block(std::string_view text, size_t *pos, std::string *out,
                   std::string *err) {
  size_t body = text.find("\n\n", *pos);
  size_t body_crlf = text.find("\n\r\n", *pos);
  if (body_crlf < body)
    body = body_crlf + 1;
  size_t end = text.find("-----END PGP ", *pos);
  if (body == std::string_view::npos || end == std::string_view::npos ||
      end < body) {
    *err = "malformed ASCII armor (no blank line after the header or no END "
           "line)";
    return false;
  }
  std::string b64;
  for (size_t i = body + 2; i < end;) {
    size_t nl = std::min(text.find('\n', i), end);
    std::string_view line = text.substr(i, nl - i);
    i = nl + 1;
    if (!line.empty() && line[0] == '=')
      break; // the CRC-24 line; gpgv checks the packets themselves
    for (char c : line)
      if (c != '\r' && c != ' ' && c != '\t')
        b64 += c;
  }
  std::string decoded(b64.size() * 3 / 4 + 3, '\0');
  EVP_ENCODE_CTX *ctx = EVP_ENCODE_CTX_new();
  EVP_DecodeInit(ctx);
  int n1 = 0, n2 = 0;
  auto *dst = reinterpret_cast<unsigned char *>(decoded.data());
  bool ok =
      EVP_DecodeUpdate(ctx, dst, &n1,
                       reinterpret_cast<const unsigned char *>(b64.data()),
                       static_cast<int>(b64.size())) >= 0 &&
      EVP_DecodeFinal(ctx, dst + n1, &n2) >= 0;
  EVP_ENCODE_CTX_free(ctx);
  if (!ok) {
    *err = "invalid base64 in ASCII armor";
    return false;
  }
  out->append(decoded.data(), n1 + n2);
  *pos = text.find('\n', end);
  return true;
}

// True when `text` is exactly one clearsigned message: the signed header
// first, one signature block, and nothing but blanks after it. apt enforces
// the same, so data outside the signature can never be mistaken for index.
bool is_single_clearsigned(std::string_view text) {
  if (!text.starts_with(kSignedBegin))
    return false;
  size_t sig = text.find(kSigBegin);
  if (sig == std::string_view::npos ||
      text.find(kSigBegin, sig + 1) != std::string_view::npos ||
      text.find(kSignedBegin, 1) != std::string_view::npos)
    return false;
  size_t end = text.find(kSigEnd, sig);
  if (end == std::string_view::npos)
    return false;
  return text.find_first_not_of(" \t\r\n", end + kSigEnd.size()) ==
         std::string_view::npos;
}

// Writes each keyring as a binary file under dir; returns their paths.
bool materialize_keys(const TrustedKeys &keys, const std::string &dir,
                      std::vector<std::string> *paths, std::string *err) {
  int n = 0;
  auto add = [&](std::string_view data, const std::string &what) {
    std::string bin, why;
    if (!dearmor(data, &bin, &why)) {
      *err = what + ": " + why;
      return false;
    }
    std::string path = dir + "/keyring" + std::to_string(n++) + ".gpg";
    if (!write_file(path, bin, err))
      return false;
    paths->push_back(path);
    return true;
  };
  for (const std::string &file : keys.keyring_files) {
    std::string data;
    if (!read_file(file, &data, err)) {
      *err = "keyring: " + *err;
      return false;
    }
    if (data.find(kArmorBegin) == std::string::npos) {
      paths->push_back(file);
      continue;
    }
    if (!add(data, file))
      return false;
  }
  for (const std::string &key : keys.inline_keys)
    if (!add(key, "inline Signed-By key"))
      return false;
  if (paths->empty()) {
    *err = "no keyring to check the signature with";
    return false;
  }
  return true;
}

// Weak digests apt refuses: MD5 (1), SHA-1 (2), RIPEMD-160 (3).
bool is_weak_digest(const std::string &algo) {
  return algo == "1" || algo == "2" || algo == "3";
}

std::string trusted_keys_text(const TrustedKeys &keys) {
  std::string r;
  for (const std::string &f : keys.keyring_files)
    r += (r.empty() ? "" : ", ") + f;
  if (!keys.inline_keys.empty())
    r += (r.empty() ? "" : ", ") + std::string("the inline Signed-By key");
  return r;
}

} // namespace

bool dearmor(std::string_view text, std::string *binary, std::string *err) {
  binary->clear();
  size_t pos = text.find(kArmorBegin);
  if (pos == std::string_view::npos) {
    *binary = std::string(text);
    return true;
  }
  while (pos != std::string_view::npos) {
    if (!dearmor_block(text, &pos, binary, err))
      return false;
    pos = text.find(kArmorBegin, pos);
  }
  return true;
}

bool verify_clearsigned(Diagnostics &diag, const std::string &path,
                        const std::string &url, const TrustedKeys &keys,
                        SignatureCheck *out, std::string *err) {
  std::string data;
  if (!read_file(path, &data, err))
    return false;
  if (!is_single_clearsigned(data)) {
    *err = url + ": not a single clearsigned message";
    return false;
  }
  std::string gpgv = find_program("gpgv");
  if (gpgv.empty()) {
    *err = "gpgv is not installed (needed to verify " + url + ")";
    return false;
  }
  TempDir tmp("initpack-gpgv");
  std::vector<std::string> keyrings;
  if (!materialize_keys(keys, tmp.path(), &keyrings, err)) {
    *err = url + ": " + *err;
    return false;
  }
  std::vector<std::string> argv = {gpgv, "--homedir", tmp.path(), "--status-fd",
                                   "2"};
  for (const std::string &k : keyrings) {
    argv.push_back("--keyring");
    argv.push_back(k);
  }
  argv.insert(argv.end(), {"--output", "-", path});
  RunOptions opts;
  opts.env["LC_ALL"] = "C";
  opts.timeout_seconds = 120;
  RunResult r = run_command(diag, argv, opts);
  if (r.exit_code < 0) {
    *err = "cannot run gpgv: " + r.err;
    return false;
  }
  // The exit status is not enough (it is non-zero when any one of several
  // signatures is from an unknown key): read what gpgv says about each.
  std::vector<std::string> problems;
  bool good = false;
  out->fingerprints.clear();
  size_t pos = 0;
  while (pos < r.err.size()) {
    size_t nl = r.err.find('\n', pos);
    std::string line = r.err.substr(pos, nl - pos);
    pos = nl == std::string::npos ? r.err.size() : nl + 1;
    if (!line.starts_with("[GNUPG:] "))
      continue;
    std::vector<std::string> w = split_words(line.substr(9));
    w.resize(std::max<size_t>(w.size(), 2)); // keyword and key id, at least
    const std::string &kw = w[0];
    if (kw == "GOODSIG") {
      good = true;
    } else if (kw == "VALIDSIG" && w.size() >= 9) {
      if (is_weak_digest(w[8]))
        problems.push_back("signature by " + w[1] + " uses a weak digest");
      else
        out->fingerprints.push_back(w[1]);
    } else if (kw == "BADSIG") {
      *err = url + ": BAD signature from key " + w[1] +
             " (the file was modified after signing)";
      return false;
    } else if (kw == "NO_PUBKEY") {
      problems.push_back("signed by key " + w[1] + ", which is not in " +
                         trusted_keys_text(keys));
    } else if (kw == "EXPKEYSIG" || kw == "REVKEYSIG") {
      problems.push_back(
          "signed by " +
          std::string(kw == "EXPKEYSIG" ? "expired" : "revoked") + " key " +
          w[1]);
    } else if (kw == "NODATA") {
      problems.push_back("no signature found");
    }
  }
  if (!good || out->fingerprints.empty()) {
    std::string why =
        problems.empty()
            ? "gpgv exited with " + std::to_string(r.exit_code) + ": " + r.err
            : problems[0];
    for (size_t i = 1; i < problems.size(); i++)
      why += "; " + problems[i];
    *err = url + ": signature check failed: " + why;
    return false;
  }
  out->signed_text = std::move(r.out);
  return true;
}

} // namespace initpack
