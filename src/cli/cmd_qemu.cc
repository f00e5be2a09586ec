// `initpack qemu`: boot a kernel + initrd (+ disks) under qemu and report
// the guest's verdict. Exit 0: the marker appeared; 1: a failure text
// (or the guest stopped first); 2: timeout; 3: qemu itself failed.
#include "boot/qemu.h"
#include "cli/commands.h"
#include "context.h"

#include <cstdio>
#include <iostream>

namespace initpack {

namespace {

struct QemuArgs {
  QemuOptions opts;
  std::vector<std::string> drives, sends, appends, fail_on, credentials;
  bool no_default_fail = false;
};

int report(const QemuOptions &opts, const QemuResult &res) {
  switch (res.verdict) {
  case QemuResult::Success: {
    std::string what = opts.expect == kRootMarker
                           ? std::string("root reached")
                           : "'" + opts.expect + "' seen";
    printf("%s after %.1f s", what.c_str(), res.host_seconds);
    if (res.guest_uptime)
      printf(" (guest uptime %.2f s)", *res.guest_uptime);
    printf("\n");
    return 0;
  }
  case QemuResult::Failure:
    if (!res.matched.empty())
      printf("boot failed after %.1f s: '%s' in: %s\n", res.host_seconds,
             res.matched.c_str(), res.matched_line.c_str());
    else
      printf("boot failed after %.1f s: %s\n", res.host_seconds,
             res.detail.c_str());
    break;
  case QemuResult::Timeout:
    printf("timed out after %.1f s waiting for '%s'\n", res.host_seconds,
           opts.expect.c_str());
    break;
  case QemuResult::Error:
    printf("qemu failed: %s\n", res.detail.c_str());
    break;
  }
  fflush(stdout);
  if (!res.tail.empty())
    std::cerr << "--- last lines of the console:\n"
              << res.tail << (res.tail.ends_with('\n') ? "" : "\n") << "---\n";
  return res.verdict == QemuResult::Failure   ? 1
         : res.verdict == QemuResult::Timeout ? 2
                                              : 3;
}

void run(Context &ctx, QemuArgs &args, int *exit_code) {
  QemuOptions &opts = args.opts;
  for (const std::string &spec : args.drives) {
    DriveSpec d;
    std::string err;
    if (!parse_drive_spec(spec, &d, &err))
      Error(ctx) << "qemu: " << err;
    opts.drives.push_back(d);
  }
  for (const std::string &spec : args.sends) {
    PromptReply p;
    std::string err;
    if (!parse_send_spec(spec, &p, &err))
      Error(ctx) << "qemu: " << err;
    opts.send.push_back(p);
  }
  for (const std::string &spec : args.credentials) {
    CredentialSpec c;
    std::string err;
    if (!parse_credential_spec(spec, &c, &err))
      Error(ctx) << "qemu: " << err;
    opts.credentials.push_back(c);
  }
  checkpoint(ctx);
  for (const std::string &a : args.appends)
    opts.append += (opts.append.empty() ? "" : " ") + a;
  if (args.no_default_fail)
    opts.fail_on.erase(opts.fail_on.begin(),
                       opts.fail_on.begin() +
                           QemuOptions::default_fail_texts().size());
  opts.fail_on.insert(opts.fail_on.end(), args.fail_on.begin(),
                      args.fail_on.end());

  resolve_qemu_options(ctx, opts);
  QemuResult res = run_qemu(ctx, opts);
  if (opts.interactive) {
    *exit_code = res.verdict == QemuResult::Success ? 0 : 3;
    if (!res.detail.empty())
      std::cerr << "initpack: " << res.detail << "\n";
    return;
  }
  *exit_code = report(opts, res);
}

} // namespace

void register_qemu_command(CLI::App &app, Context &ctx, int *exit_code) {
  auto args = std::make_shared<QemuArgs>();
  QemuOptions &o = args->opts;
  CLI::App *cmd = app.add_subcommand(
      "qemu", "Boot a kernel and initrd under qemu and report whether the "
              "guest reached its root (exit 0), failed (1), timed out (2) or "
              "qemu could not run (3)");
  cmd->add_option("--kernel", o.kernel,
                  "Kernel image (default: vmlinuz beside the initrd, else "
                  "/boot/vmlinuz-$(uname -r); none for UEFI boots)");
  cmd->add_option("--initrd", o.initrd, "Initrd to boot")
      ->capture_default_str();
  cmd->add_option("--drive", args->drives,
                  "Disk: FILE[,if=virtio|scsi|nvme|ide][,format=raw|qcow2]"
                  "[,snapshot] (repeatable; the first virtio disk is "
                  "/dev/vda)");
  cmd->add_option("--append", args->appends,
                  "Kernel command line, added to '" + default_kernel_args() +
                      "' (repeatable)");
  cmd->add_option("--memory,-m", o.memory, "Guest memory")
      ->capture_default_str();
  cmd->add_option("--smp", o.smp, "Guest CPUs")->capture_default_str();
  cmd->add_option("--accel", o.accel, "qemu accelerator (KVM hangs here)")
      ->capture_default_str();
  cmd->add_option("--qemu", o.qemu, "qemu binary")->capture_default_str();
  cmd->add_option("--timeout", o.timeout_seconds, "Seconds before giving up")
      ->capture_default_str();
  cmd->add_option("--expect", o.expect, "Console text meaning success")
      ->capture_default_str();
  cmd->add_option("--fail-on", args->fail_on,
                  "Console text meaning failure (repeatable; added to "
                  "'Kernel panic', 'You are in emergency mode', 'Entering "
                  "emergency mode')");
  cmd->add_flag("--no-default-fail-on", args->no_default_fail,
                "Do not treat the default failure texts as failure");
  cmd->add_option("--send", args->sends,
                  "PROMPT=REPLY: when PROMPT appears on the console, type "
                  "REPLY and Enter (repeatable)");
  cmd->add_option("--log", o.log_path, "Write the full serial log here");
  cmd->add_flag("--console", o.echo_console,
                "Copy the console to stderr as it arrives");
  cmd->add_flag("--icount", o.icount,
                "Count instructions (-smp 1 -icount shift=0,sleep=off): "
                "guest uptimes independent of host load");
  cmd->add_option("--net", o.net,
                  "Network: user[,hostfwd=…][,guestfwd=…] (the guest reaches "
                  "the host's 127.0.0.1 as 10.0.2.2), or "
                  "socket,listen=ADDR:PORT / socket,connect=ADDR:PORT (guests "
                  "joined to each other: one listens, the others connect); "
                  "mac=MAC sets the NIC's address");
  cmd->add_flag("--tpm", o.tpm, "Give the guest a TPM 2.0 (swtpm)");
  cmd->add_flag("--uefi", o.uefi,
                "Boot through UEFI firmware (OVMF) instead of qemu's kernel "
                "loader");
  cmd->add_option("--uki", o.uki,
                  "UEFI-boot this UKI from an ESP made for it (with "
                  "UKI.extra.d/ beside it as the stub expects)");
  cmd->add_option("--esp", o.esp,
                  "UEFI-boot from this EFI system partition: a directory "
                  "(made into a FAT image) or an image");
  cmd->add_option("--firmware", o.firmware,
                  "UEFI firmware code (default: the ovmf package's "
                  "OVMF_CODE_4M, .secboot with --secure-boot)");
  cmd->add_option("--firmware-vars", o.firmware_vars,
                  "UEFI variable store, used and changed in place (default: "
                  "a fresh copy of OVMF_VARS_4M.fd)");
  cmd->add_flag("--secure-boot", o.secure_boot,
                "SecureBoot-capable firmware (q35 with SMM); enforcing once "
                "keys are enrolled in the variable store");
  cmd->add_option("--tpm-state", o.tpm_state,
                  "With --tpm: keep the TPM's state in DIR (an existing "
                  "directory), so a later boot sees the same TPM");
  cmd->add_option("--credential", args->credentials,
                  "Pass a systemd credential NAME=VALUE to the guest through "
                  "SMBIOS type 11 (repeatable)");
  cmd->add_option("--extra", o.extra_args,
                  "Raw qemu argument, e.g. --extra=-cpu --extra=max "
                  "(repeatable)")
      ->allow_extra_args(false);
  cmd->add_flag("--interactive,-i", o.interactive,
                "Attach the console to this terminal (Ctrl-A X quits); no "
                "verdict or timeout");
  cmd->callback([&ctx, args, exit_code] { run(ctx, *args, exit_code); });
}

} // namespace initpack
