// Booting a kernel and initrd under qemu and judging the boot from the
// serial console: the `initpack qemu` subcommand, the boot tests and the
// benchmarks all go through run_qemu().
//
// The guest's verdict comes from texts on its serial console: the success
// marker (our test root's /sbin/init prints "INITPACK-ROOT-REACHED
// uptime=<guest /proc/uptime>") or a failure text (a kernel panic,
// systemd's emergency shell). qemu is killed the moment the verdict is
// known, and always before run_qemu() returns.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace initpack {

struct Context;

inline constexpr std::string_view kRootMarker = "INITPACK-ROOT-REACHED";

// One --drive FILE[,if=virtio|scsi|nvme|ide][,format=raw|qcow2][,snapshot].
struct DriveSpec {
  std::string file;
  std::string interface = "virtio";
  std::string format; // empty: qcow2 for *.qcow2, else raw
  bool snapshot = false;
};

// One --credential NAME=VALUE: a systemd credential the guest's PID 1
// imports from SMBIOS type 11 (a trusted source: /run/credentials/@system).
struct CredentialSpec {
  std::string name;
  std::string value;
};

// One --send PROMPT=REPLY: when PROMPT appears, type REPLY and Enter.
struct PromptReply {
  std::string prompt;
  std::string reply;
};

struct QemuOptions {
  std::string qemu = "qemu-system-x86_64";
  std::string kernel; // empty: vmlinuz beside the initrd, else /boot/…
  std::string initrd = "initrd.img";
  std::vector<DriveSpec> drives;
  std::string append; // added after default_kernel_args()
  std::string accel = "tcg";
  std::string memory = "1024M";
  int smp = 1; // measured: -smp 2 is no faster under TCG here, and costs a core
  bool icount = false; // -smp 1 -icount shift=0,sleep=off
  std::string net; // "", "user[,…]" or "socket,listen|connect=…" (net_args)
  bool tpm = false;      // a TPM 2.0 emulated by swtpm
  std::string tpm_state; // swtpm's state directory, kept; implies tpm
  // UEFI (boot/uefi.h): OVMF instead of qemu's -kernel loader.
  bool uefi = false;
  std::string firmware;      // OVMF code; empty: the ovmf package's
  std::string firmware_vars; // variable store used (and changed) in place
  bool secure_boot = false;  // OVMF's SecureBoot build, q35 + SMM
  std::string uki;           // an ESP is made with it as the boot program
  std::string esp;           // an ESP: a directory (made into FAT) or image
  std::vector<CredentialSpec> credentials;
  std::vector<std::string> extra_args;
  bool interactive = false; // console on the terminal, no verdict

  double timeout_seconds = 120;
  std::string expect = std::string(kRootMarker);
  std::vector<std::string> fail_on = default_fail_texts();
  std::vector<PromptReply> send;
  std::string log_path;      // full raw serial log
  bool echo_console = false; // copy the console to stderr as it arrives

  static std::vector<std::string> default_fail_texts();
};

struct QemuResult {
  enum Verdict { Success, Failure, Timeout, Error } verdict = Error;
  std::string matched;      // the marker or failure text seen
  std::string matched_line; // the console line it was on
  std::string detail;       // why, for Failure without a text and Error
  double host_seconds = 0;  // from starting qemu to the verdict
  std::optional<double> guest_uptime; // "uptime=" on the marker line
  std::string log;                    // raw serial output (capped, see qemu.cc)
  std::string tail;                   // last lines of the cleaned console
};

// Always on the kernel command line: the console on the serial port we
// read, and an immediate reboot (which -no-reboot turns into qemu exiting)
// on panic, so a panic ends the run at once instead of at the timeout.
std::string default_kernel_args();

bool parse_drive_spec(std::string_view spec, DriveSpec *out, std::string *err);
// The -netdev/-device arguments of a --net value, or nullopt with *err.
std::optional<std::vector<std::string>> net_args(std::string_view net,
                                                 std::string *err);
bool parse_send_spec(std::string_view spec, PromptReply *out, std::string *err);
bool parse_credential_spec(std::string_view spec, CredentialSpec *out,
                           std::string *err);

// Fills in the default kernel (not for UEFI boots, where the ESP has it)
// and checks that the files exist; a problem is reported naming the
// option (Fatal).
void resolve_qemu_options(Context &ctx, QemuOptions &opts);

// The qemu command line for `opts`. `tpm_socket` is swtpm's control socket
// when opts.tpm is set; `uefi` the prepared firmware and ESP of a UEFI boot.
struct UefiFiles;
std::vector<std::string> qemu_argv(const QemuOptions &opts,
                                   const std::string &tpm_socket = "",
                                   const UefiFiles *uefi = nullptr);

// Finds "uptime=<seconds>" in a marker line.
std::optional<double> parse_guest_uptime(std::string_view line);

QemuResult run_qemu(Context &ctx, const QemuOptions &opts);

} // namespace initpack
