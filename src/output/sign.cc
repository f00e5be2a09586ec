// SecureBoot signing: sbsign for signing with a key, our own code for the
// offline flow's digest checks and for attaching a detached signature.
#include "output/sign.h"

#include "context.h"
#include "output/pe.h"
#include "util/fs.h"
#include "util/hash.h"
#include "util/strings.h"
#include "util/subprocess.h"

#include <nlohmann/json.hpp>
#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>

#include <memory>

namespace initpack {

namespace {

// Authenticode's content type, SPC_INDIRECT_DATA_OBJID.
constexpr const char *kSpcIndirectData = "1.3.6.1.4.1.311.2.1.4";

// One DER element: its tag and contents; advances *p past it.
struct Der {
  int tag = 0;
  const unsigned char *data = nullptr;
  long size = 0;
};

bool der_next(const unsigned char **p, long *left, Der *out) {
  int tag, cls;
  long len;
  const unsigned char *q = *p;
  int r = ASN1_get_object(&q, &len, &tag, &cls, *left);
  if ((r & 0x80) || len > *left - (q - *p))
    return false;
  *out = {tag, q, len};
  *left -= (q - *p) + len;
  *p = q + len;
  return true;
}

} // namespace

// SpcIndirectDataContent ::= SEQUENCE {
//   data SpcAttributeTypeAndOptionalValue,  -- the PE image's description
//   messageDigest DigestInfo }              -- SEQUENCE { algorithm, OCTET }
bool signed_authenticode_digest(std::string_view der, std::string *digest,
                                std::string *err) {
  const unsigned char *p = reinterpret_cast<const unsigned char *>(der.data());
  std::unique_ptr<PKCS7, decltype(&PKCS7_free)> p7(
      d2i_PKCS7(nullptr, &p, long(der.size())), PKCS7_free);
  if (!p7 || !PKCS7_type_is_signed(p7.get())) {
    *err = "not a DER PKCS#7 SignedData";
    return false;
  }
  PKCS7 *inner = p7->d.sign->contents;
  char oid[80] = "";
  if (inner && inner->type)
    OBJ_obj2txt(oid, sizeof(oid), inner->type, 1);
  if (std::string_view(oid) != kSpcIndirectData || !inner->d.other ||
      inner->d.other->type != V_ASN1_SEQUENCE) {
    *err =
        "not an Authenticode signature (content type " + std::string(oid) + ")";
    return false;
  }
  const ASN1_STRING *seq = inner->d.other->value.sequence;
  const unsigned char *q = ASN1_STRING_get0_data(seq);
  long left = ASN1_STRING_length(seq);
  Der content, data, digest_info, algorithm, value;
  bool ok = der_next(&q, &left, &content);
  const unsigned char *c = content.data;
  long c_left = content.size;
  ok =
      ok && der_next(&c, &c_left, &data) && der_next(&c, &c_left, &digest_info);
  const unsigned char *d = digest_info.data;
  long d_left = digest_info.size;
  ok = ok && der_next(&d, &d_left, &algorithm) &&
       der_next(&d, &d_left, &value) && value.tag == V_ASN1_OCTET_STRING;
  if (!ok) {
    *err = "malformed SpcIndirectDataContent";
    return false;
  }
  const unsigned char *a = algorithm.data;
  std::unique_ptr<ASN1_OBJECT, decltype(&ASN1_OBJECT_free)> alg(
      d2i_ASN1_OBJECT(nullptr, &a, algorithm.size), ASN1_OBJECT_free);
  if (!alg || OBJ_obj2nid(alg.get()) != NID_sha256 || value.size != 32) {
    *err = "the signature's digest is not SHA-256";
    return false;
  }
  digest->assign(reinterpret_cast<const char *>(value.data), value.size);
  return true;
}

std::string sign_request_json(const std::string &image_name,
                              std::string_view image) {
  std::string digest, err;
  authenticode_sha256(image, &digest, &err);
  nlohmann::ordered_json j;
  j["image"] = image_name;
  j["size"] = image.size();
  j["sha256"] = sha256_hex(image);
  j["authenticode_sha256"] = to_hex(digest);
  j["signature"] = "detached DER PKCS#7 SignedData (Authenticode), e.g. "
                   "sbsign --detached; attach with: initpack sign " +
                   image_name + " --attach SIGNATURE";
  return j.dump(2) + "\n";
}

// The OpenSSL engine sbsign loads the key through, "" for a PEM file.
static std::string key_engine(Context &ctx, const std::string &key,
                              const std::string &source) {
  constexpr std::string_view kEngine = "engine:";
  if (source.starts_with(kEngine) && source.size() > kEngine.size())
    return source.substr(kEngine.size());
  if (source.starts_with("provider:"))
    Fatal(ctx) << "SecureBootKeySource=" << source
               << ": sbsign (sbsigntool 0.9.4) loads keys through OpenSSL "
                  "engines only; use engine:pkcs11 (package "
                  "libengine-pkcs11-openssl)";
  if (!source.empty() && source != "file")
    Fatal(ctx) << "SecureBootKeySource=" << source
               << ": expected file, engine:NAME or provider:NAME";
  if (source.empty() && key.starts_with("pkcs11:"))
    return "pkcs11";
  return "";
}

void sbsign_file(Context &ctx, const std::string &in, const std::string &out,
                 const std::string &key, const std::string &key_source,
                 const std::string &cert, bool detached) {
  if (cert.empty())
    Fatal(ctx) << "SecureBootKey= is set but SecureBootCertificate= is not";
  if (find_program("sbsign").empty())
    Fatal(ctx) << "SecureBootKey=: sbsign is not installed (package "
                  "sbsigntool)";
  std::vector<std::string> argv = {"sbsign"};
  std::string engine = key_engine(ctx, key, key_source);
  if (!engine.empty())
    argv.insert(argv.end(), {"--engine", engine});
  else if (!file_exists(key))
    Fatal(ctx) << "SecureBootKey=" << key << ": no such file";
  if (!file_exists(cert))
    Fatal(ctx) << "SecureBootCertificate=" << cert << ": no such file";
  argv.insert(argv.end(), {"--key", key, "--cert", cert, "--output", out});
  if (detached)
    argv.push_back("--detached");
  argv.push_back(in);
  RunResult r = run_command(ctx.diag, argv);
  if (!r.ok())
    Fatal(ctx) << "signing " << in << " with SecureBootKey=" << key
               << " failed: " << shell_quote(argv) << ": " << r.err << r.out;
}

void write_pe_file(Context &ctx, const PeImage &img, const std::string &path) {
  std::string bytes = write_pe(img), err;
  AtomicFile file;
  if (!file.open(path, &err))
    Fatal(ctx) << err;
  const Config &c = ctx.config;
  if (c.secure_boot_key.empty()) {
    if (!file.write(bytes.data(), bytes.size(), &err) || !file.commit(&err))
      Fatal(ctx) << "cannot write " << path << ": " << err;
    if (c.sign_later &&
        !write_file(path + ".sign-request.json",
                    sign_request_json(basename(path), bytes), &err))
      Fatal(ctx) << "SignLater=: " << err;
    return;
  }
  // sbsign reads a file and writes one: the unsigned image goes to a
  // private directory, the signed one into the temporary output file.
  TempDir tmp("initpack-sign");
  std::string unsigned_path = join_path(tmp.path(), basename(path));
  if (!write_file(unsigned_path, bytes, &err))
    Fatal(ctx) << err;
  sbsign_file(ctx, unsigned_path, file.temp_path(), c.secure_boot_key,
              c.secure_boot_key_source, c.secure_boot_certificate);
  if (!file.commit(&err))
    Fatal(ctx) << err;
  Log(ctx) << "signed " << path << " with " << c.secure_boot_certificate;
}

void attach_signature_file(Context &ctx, const std::string &image,
                           const std::string &signature,
                           const std::string &out) {
  std::string bytes, der, err, digest, signed_digest;
  if (!read_file(image, &bytes, &err))
    Fatal(ctx) << "cannot read " << image << ": " << err;
  if (!read_file(signature, &der, &err))
    Fatal(ctx) << "cannot read " << signature << ": " << err;
  if (!authenticode_sha256(bytes, &digest, &err))
    Fatal(ctx) << image << ": " << err;
  if (!signed_authenticode_digest(der, &signed_digest, &err))
    Fatal(ctx) << signature << ": " << err;
  if (signed_digest != digest)
    Fatal(ctx) << signature << " signs Authenticode digest "
               << to_hex(signed_digest) << ", but " << image << " has "
               << to_hex(digest) << ": a signature of another image";
  if (!attach_signature(bytes, der, &err))
    Fatal(ctx) << image << ": " << err;
  AtomicFile file;
  if (!file.open(out, &err) || !file.write(bytes.data(), bytes.size(), &err) ||
      !file.commit(&err))
    Fatal(ctx) << "cannot write " << out << ": " << err;
}

} // namespace initpack
