// `initpack credential`: a systemd credential for the initrd (output/
// credential.h).
//   initpack credential INPUT -o NAME.cred        encrypted, null key
//   initpack credential INPUT --name N --smbios   the plain form for qemu's
//                                                 -smbios type=11,value=…
//   initpack credential --decrypt NAME.cred       print the value back
// INPUT is a file or "-" for standard input. An encrypted credential goes
// beside a UKI as <uki>.efi.extra.d/NAME.cred (or /loader/credentials/ on
// the ESP); systemd-stub hands it to the initrd, PID 1 imports it, and a
// unit reads it with LoadCredentialEncrypted=NAME.
#include "cli/commands.h"
#include "codec/credential.h"
#include "config/load.h"
#include "context.h"
#include "util/fs.h"

#include <ctime>
#include <iostream>

namespace initpack {

namespace {

struct CredentialArgs {
  std::string input, output, name, timestamp, not_after;
  bool smbios = false, decrypt = false;
};

std::string read_input(Context &ctx, const std::string &input) {
  std::string data, err;
  if (!read_file(input == "-" ? "/dev/stdin" : input, &data, &err))
    Fatal(ctx) << "credential: " << err;
  return data;
}

void write_output(Context &ctx, const std::string &output,
                  std::string_view data) {
  if (output.empty() || output == "-") {
    std::cout << data << std::flush;
    return;
  }
  // The value of a credential may be a secret: the file is the owner's.
  AtomicFile file;
  std::string err;
  if (!file.open(output, &err, 0600) ||
      !file.write(data.data(), data.size(), &err) || !file.commit(&err))
    Fatal(ctx) << "credential: " << err;
}

// --name, else the output's file name without ".cred", as systemd-creds
// names a credential after its file.
std::string credential_name(Context &ctx, const CredentialArgs &a) {
  std::string name = a.name;
  if (name.empty() && !a.output.empty() && a.output != "-") {
    name = basename(a.output);
    if (name.ends_with(".cred"))
      name.resize(name.size() - 5);
  }
  if (name.empty())
    Fatal(ctx) << "credential: give --name (the output is not a file to "
                  "name it after)";
  std::string why;
  if (!credential_name_valid(name, &why))
    Fatal(ctx) << "credential: invalid name '" << name << "': " << why;
  return name;
}

// --timestamp, else $SOURCE_DATE_EPOCH (reproducible builds), else now.
uint64_t credential_timestamp(Context &ctx, const std::string &option) {
  uint64_t usec = 0;
  std::string err;
  if (!option.empty()) {
    if (!parse_credential_time(option, &usec, &err))
      Fatal(ctx) << "credential: --timestamp: " << err;
    return usec;
  }
  std::optional<int64_t> sde;
  if (!source_date_epoch_from_environment(&sde, &err))
    Fatal(ctx) << "credential: " << err;
  if (sde)
    return uint64_t(*sde) * 1000000;
  return uint64_t(time(nullptr)) * 1000000;
}

void run_decrypt(Context &ctx, const CredentialArgs &a) {
  std::string text = read_input(ctx, a.input), binary, value, err;
  CredentialMetadata meta;
  if (!base64_decode(text, &binary, &err) ||
      !decrypt_credential_null_key(binary, &meta, &value, &err))
    Fatal(ctx) << "credential: " << a.input << ": " << err;
  if (!a.name.empty() && meta.name != a.name)
    Fatal(ctx) << "credential: " << a.input << ": its name is '" << meta.name
               << "', not '" << a.name << "'";
  uint64_t now = uint64_t(time(nullptr)) * 1000000;
  if (meta.not_after_usec != kCredentialNoTime && meta.not_after_usec < now)
    Warn(ctx) << "credential: " << a.input
              << ": expired (not-after has passed); systemd refuses it";
  Log(ctx) << "credential '" << meta.name << "', " << value.size() << " bytes";
  write_output(ctx, a.output, value);
}

void run_credential(Context &ctx, const CredentialArgs &a) {
  if (a.decrypt)
    return run_decrypt(ctx, a);
  std::string name = credential_name(ctx, a);
  std::string value = read_input(ctx, a.input);
  if (a.smbios) {
    // A trusted channel: the value goes as it is, Base64 so that no
    // character needs qemu's ",," escape.
    write_output(ctx, a.output,
                 "io.systemd.credential.binary:" + name + "=" +
                     base64_encode(value, 0));
    return;
  }
  CredentialMetadata meta{name, credential_timestamp(ctx, a.timestamp),
                          kCredentialNoTime};
  std::string err, binary;
  if (!a.not_after.empty() &&
      !parse_credential_time(a.not_after, &meta.not_after_usec, &err))
    Fatal(ctx) << "credential: --not-after: " << err;
  if (!encrypt_credential_null_key(value, meta, &binary, &err))
    Fatal(ctx) << "credential: " << err;
  std::string text = base64_encode(binary);
  if (text.size() > kCredentialFileSizeMax)
    Fatal(ctx) << "credential: " << a.input << ": the credential file would "
               << "be " << text.size() << " bytes; systemd imports at most "
               << kCredentialFileSizeMax << " (CREDENTIAL_SIZE_MAX)";
  write_output(ctx, a.output, text);
}

} // namespace

void register_credential_command(CLI::App &app, Context &ctx, int *exit_code) {
  auto a = std::make_shared<CredentialArgs>();
  CLI::App *cmd = app.add_subcommand(
      "credential",
      "Make a systemd credential for the initrd: encrypted in systemd-creds' "
      "format with the null key (for <uki>.efi.extra.d/NAME.cred), or plain "
      "for qemu's SMBIOS");
  cmd->add_option("input", a->input,
                  "The credential's value: a file, or - for standard input")
      ->required();
  cmd->add_option("-o,--output", a->output,
                  "Write here (NAME.cred; default: standard output)");
  cmd->add_option("--name", a->name,
                  "The credential's name (default: the output's file name "
                  "without .cred)");
  cmd->add_option("--timestamp", a->timestamp,
                  "Creation time: @SECONDS, YYYY-MM-DD[ HH:MM:SS] UTC "
                  "(default: $SOURCE_DATE_EPOCH, else now)");
  cmd->add_option("--not-after", a->not_after,
                  "Expiry time, same forms (default: infinity)");
  cmd->add_flag("--smbios", a->smbios,
                "Write io.systemd.credential.binary:NAME=BASE64 for qemu "
                "-smbios type=11,value=… (not encrypted)");
  cmd->add_flag("--decrypt", a->decrypt,
                "Decrypt INPUT, a null-key .cred, and write its value");
  cmd->callback([&ctx, a] { run_credential(ctx, *a); });
}

} // namespace initpack
