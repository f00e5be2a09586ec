// `initpack sign`: SecureBoot signatures for UKIs and addons (output/sign.h).
//   initpack sign IMAGE --key K --cert C [-o OUT]   sign now (sbsign)
//   initpack sign IMAGE --key K --cert C --detached SIG   the server's step
//   initpack sign IMAGE --attach SIG [-o OUT]       attach a detached one
//   initpack sign IMAGE --digest                    print the Authenticode
//                                                   SHA-256 (hex)
#include "cli/commands.h"
#include "context.h"
#include "output/pe.h"
#include "output/sign.h"
#include "util/fs.h"
#include "util/strings.h"

#include <iostream>

namespace initpack {

namespace {

struct SignArgs {
  std::string image, output, key, key_source, cert, attach, detached;
  bool digest = false;
};

void print_digest(Context &ctx, const std::string &image) {
  std::string bytes, err, digest;
  if (!read_file(image, &bytes, &err) ||
      !authenticode_sha256(bytes, &digest, &err))
    Fatal(ctx) << image << ": " << err;
  std::cout << to_hex(digest) << "  " << image << "\n";
}

void run_sign(Context &ctx, const SignArgs &a) {
  std::string out = a.output.empty() ? a.image : a.output;
  if (!file_exists(a.image))
    Fatal(ctx) << "sign: " << a.image << ": no such file";
  if (a.digest) {
    print_digest(ctx, a.image);
  } else if (!a.attach.empty()) {
    attach_signature_file(ctx, a.image, a.attach, out);
  } else if (!a.key.empty()) {
    std::string dest = a.detached.empty() ? out : a.detached;
    // sbsign writes its output in place: sign into a temporary file and
    // rename, so a failure leaves `dest` as it was.
    AtomicFile file;
    std::string err;
    if (!file.open(dest, &err))
      Fatal(ctx) << err;
    sbsign_file(ctx, a.image, file.temp_path(), a.key, a.key_source, a.cert,
                !a.detached.empty());
    if (!file.commit(&err))
      Fatal(ctx) << err;
  } else {
    Fatal(ctx) << "sign: give --key and --cert, --attach SIG or --digest";
  }
}

} // namespace

void register_sign_command(CLI::App &app, Context &ctx, int *exit_code) {
  auto a = std::make_shared<SignArgs>();
  CLI::App *cmd = app.add_subcommand(
      "sign", "SecureBoot-sign a UKI or addon: with a key now, or attach a "
              "detached signature made by a signing server");
  cmd->add_option("image", a->image, "The PE image (UKI or addon)")->required();
  cmd->add_option("-o,--output", a->output,
                  "Write the signed image here (default: replace IMAGE)");
  cmd->add_option("--key", a->key, "Private key: a PEM file or a pkcs11: URI");
  cmd->add_option("--key-source", a->key_source,
                  "As SecureBootKeySource=: engine:NAME for an OpenSSL "
                  "engine (a pkcs11: key implies engine:pkcs11)");
  cmd->add_option("--cert", a->cert, "The key's X.509 certificate (PEM)");
  cmd->add_option("--detached", a->detached,
                  "With --key: write a detached PKCS#7 signature (DER) here "
                  "instead of a signed image");
  cmd->add_option("--attach", a->attach,
                  "Attach this detached PKCS#7 signature (DER); it must sign "
                  "IMAGE's Authenticode digest");
  cmd->add_flag("--digest", a->digest,
                "Print IMAGE's Authenticode SHA-256 digest");
  cmd->callback([&ctx, a] { run_sign(ctx, *a); });
}

} // namespace initpack
