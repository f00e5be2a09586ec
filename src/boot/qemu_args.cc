// Option parsing and the qemu command line for run_qemu(): everything here
// is pure (no processes), so the unit tests check it without qemu.
#include "boot/qemu.h"

#include "boot/uefi.h"

#include "codec/credential.h"
#include "context.h"
#include "util/fs.h"

#include <cstdlib>
#include <sys/utsname.h>

namespace initpack {

std::vector<std::string> QemuOptions::default_fail_texts() {
  return {"Kernel panic", "You are in emergency mode",
          "Entering emergency mode"};
}

std::string default_kernel_args() {
  return "console=ttyS0 panic=-1";
}

// Splits "a,b,c" at commas; qemu's own ",," escape is not supported in our
// options (a file name with a comma is rejected with a clear message).
static std::vector<std::string> split_commas(std::string_view s) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t end = s.find(',', start);
    parts.emplace_back(s.substr(start, end - start));
    if (end == std::string_view::npos)
      return parts;
    start = end + 1;
  }
}

// --net: qemu's user network (the guest reaches the host's 127.0.0.1 as
// 10.0.2.2), or a socket network that joins guests to each other through
// one TCP stream on the host (socket,listen=ADDR:PORT in one guest,
// socket,connect=ADDR:PORT in the other). NVMe/TCP needs the latter: its
// discovery hands out the target's own address, which user networking
// hides. mac= sets the NIC's address (two guests on one socket network
// need different ones) and goes to the device, the rest to -netdev.
// romfile= drops the NIC's iPXE option ROM, which only slows a -kernel
// boot.
std::optional<std::vector<std::string>> net_args(std::string_view net,
                                                 std::string *err) {
  std::vector<std::string> parts = split_commas(net);
  std::string netdev = parts[0] + ",id=net0";
  std::string device = "virtio-net-pci,netdev=net0,romfile=";
  int endpoints = 0;
  for (size_t i = 1; i < parts.size(); i++) {
    const std::string &p = parts[i];
    if (p.starts_with("mac=")) {
      device += "," + p;
      continue;
    }
    if (p.starts_with("listen=") || p.starts_with("connect="))
      endpoints++;
    netdev += "," + p;
  }
  if (parts[0] == "user") {
    if (endpoints > 0) {
      *err = "listen= and connect= are for a socket network";
      return std::nullopt;
    }
  } else if (parts[0] == "socket") {
    if (endpoints != 1) {
      *err = "a socket network needs one listen=ADDR:PORT or "
             "connect=ADDR:PORT";
      return std::nullopt;
    }
  } else {
    *err = "expected user[,hostfwd=…][,guestfwd=…][,mac=…] or "
           "socket,listen=|connect=ADDR:PORT[,mac=…]";
    return std::nullopt;
  }
  return std::vector<std::string>{"-netdev", netdev, "-device", device};
}

bool parse_drive_spec(std::string_view spec, DriveSpec *out, std::string *err) {
  std::vector<std::string> parts = split_commas(spec);
  DriveSpec d;
  d.file = parts[0];
  if (d.file.empty()) {
    *err = "--drive " + std::string(spec) + ": no file name";
    return false;
  }
  for (size_t i = 1; i < parts.size(); i++) {
    const std::string &p = parts[i];
    if (p.starts_with("if=")) {
      d.interface = p.substr(3);
      if (d.interface != "virtio" && d.interface != "scsi" &&
          d.interface != "nvme" && d.interface != "ide") {
        *err = "--drive " + std::string(spec) + ": unknown interface '" +
               d.interface + "' (virtio, scsi, nvme or ide)";
        return false;
      }
    } else if (p.starts_with("format=")) {
      d.format = p.substr(7);
      if (d.format != "raw" && d.format != "qcow2") {
        *err = "--drive " + std::string(spec) + ": unknown format '" +
               d.format + "' (raw or qcow2)";
        return false;
      }
    } else if (p == "snapshot") {
      d.snapshot = true;
    } else {
      *err = "--drive " + std::string(spec) + ": unknown option '" + p +
             "' (if=, format=, snapshot)";
      return false;
    }
  }
  *out = d;
  return true;
}

// The first '=' separates prompt from reply: prompts are console text,
// while a passphrase may well contain '='.
bool parse_send_spec(std::string_view spec, PromptReply *out,
                     std::string *err) {
  size_t eq = spec.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    *err = "--send " + std::string(spec) + ": expected PROMPT=REPLY";
    return false;
  }
  out->prompt = spec.substr(0, eq);
  out->reply = spec.substr(eq + 1);
  return true;
}

bool parse_credential_spec(std::string_view spec, CredentialSpec *out,
                           std::string *err) {
  size_t eq = spec.find('=');
  std::string why;
  if (eq == std::string_view::npos) {
    why = "expected NAME=VALUE";
  } else {
    out->name = spec.substr(0, eq);
    out->value = spec.substr(eq + 1);
    if (!credential_name_valid(out->name, &why))
      why = "invalid name: " + why;
    else if (out->name.find(',') != std::string::npos)
      why = "a name with ',' cannot pass through qemu's -smbios";
  }
  if (why.empty())
    return true;
  *err = "--credential " + std::string(spec) + ": " + why;
  return false;
}

void resolve_qemu_options(Context &ctx, QemuOptions &opts) {
  bool uefi = wants_uefi(opts);
  if (uefi)
    check_uefi_options(ctx, opts);
  if (opts.kernel.empty() && !uefi) {
    std::string beside = join_path(dirname(opts.initrd), "vmlinuz");
    struct utsname u;
    uname(&u);
    std::string host = std::string("/boot/vmlinuz-") + u.release;
    if (file_exists(beside))
      opts.kernel = beside;
    else if (file_exists(host))
      opts.kernel = host;
    else
      Fatal(ctx) << "qemu: no kernel given and neither " << beside << " nor "
                 << host << " exists; use --kernel PATH";
  }
  auto need_file = [&](const std::string &option, const std::string &path) {
    if (!file_exists(path))
      Error(ctx) << "qemu: " << option << " " << path << ": no such file";
  };
  if (!opts.kernel.empty()) {
    need_file("--kernel", opts.kernel);
    need_file("--initrd", opts.initrd);
  }
  for (const DriveSpec &d : opts.drives) {
    need_file("--drive", d.file);
    if (d.file.find(',') != std::string::npos)
      Error(ctx) << "qemu: --drive " << d.file
                 << ": file names with a comma are not supported";
  }
  if (!opts.net.empty()) {
    std::string err;
    if (!net_args(opts.net, &err))
      Error(ctx) << "qemu: --net " << opts.net << ": " << err;
  }
  if (opts.icount && opts.smp != 1)
    Error(ctx) << "qemu: --icount needs --smp 1 (qemu hangs with icount and "
                  "several CPUs)";
  if (opts.smp < 1)
    Error(ctx) << "qemu: --smp " << opts.smp << ": must be at least 1";
  if (opts.timeout_seconds <= 0 && !opts.interactive)
    Error(ctx) << "qemu: --timeout must be positive";
  if (opts.expect.empty() && !opts.interactive)
    Error(ctx) << "qemu: --expect must not be empty";
  checkpoint(ctx);
}

static std::string drive_format(const DriveSpec &d) {
  if (!d.format.empty())
    return d.format;
  return d.file.ends_with(".qcow2") ? "qcow2" : "raw";
}

// Each disk is a -drive backend plus a -device front end, so every
// interface gets a serial number (/dev/disk/by-id/…-initpackN) and the
// order of --drive options is the order the guest enumerates them.
static void add_drives(const QemuOptions &opts,
                       std::vector<std::string> &argv) {
  bool have_scsi = false;
  int ide_count = 0;
  for (size_t i = 0; i < opts.drives.size(); i++) {
    const DriveSpec &d = opts.drives[i];
    std::string id = "drive" + std::to_string(i);
    std::string serial = "initpack" + std::to_string(i);
    std::string backend =
        "file=" + d.file + ",if=none,id=" + id + ",format=" + drive_format(d);
    if (d.snapshot)
      backend += ",snapshot=on";
    argv.insert(argv.end(), {"-drive", backend});
    std::string device;
    if (d.interface == "virtio") {
      device = "virtio-blk-pci,drive=" + id + ",serial=" + serial;
    } else if (d.interface == "scsi") {
      if (!have_scsi)
        argv.insert(argv.end(), {"-device", "virtio-scsi-pci,id=scsi"});
      have_scsi = true;
      device = "scsi-hd,bus=scsi.0,drive=" + id + ",serial=" + serial;
    } else if (d.interface == "nvme") {
      device = "nvme,drive=" + id + ",serial=" + serial;
    } else { // ide: two buses of two units on the pc machine
      device = "ide-hd,bus=ide." + std::to_string(ide_count / 2) +
               ",unit=" + std::to_string(ide_count % 2) + ",drive=" + id +
               ",serial=" + serial;
      ide_count++;
    }
    argv.insert(argv.end(), {"-device", device});
  }
}

std::vector<std::string> qemu_argv(const QemuOptions &opts,
                                   const std::string &tpm_socket,
                                   const UefiFiles *uefi) {
  std::vector<std::string> argv = {
      opts.qemu, "-accel", opts.accel, "-m", opts.memory,
      // No default NIC (its option ROM costs boot time), VGA, floppy or
      // CD-ROM: the guest gets exactly the devices asked for.
      "-nodefaults", "-no-user-config", "-display", "none",
      // A reboot request (panic=-1, reboot -f) ends qemu instead.
      "-no-reboot"};
  if (opts.icount)
    argv.insert(argv.end(), {"-smp", "1", "-icount", "shift=0,sleep=off"});
  else
    argv.insert(argv.end(), {"-smp", std::to_string(opts.smp)});

  if (opts.interactive) {
    // Serial console and monitor share the terminal (Ctrl-A X quits).
    argv.insert(argv.end(),
                {"-chardev", "stdio,id=console,mux=on,signal=off", "-serial",
                 "chardev:console", "-mon", "chardev=console"});
  } else {
    argv.insert(argv.end(), {"-chardev", "stdio,id=console,signal=off",
                             "-serial", "chardev:console"});
  }

  if (uefi) {
    std::vector<std::string> u = uefi_args(opts, *uefi);
    argv.insert(argv.end(), u.begin(), u.end());
  }
  // A UEFI boot of a UKI takes its command line from the UKI.
  if (!opts.kernel.empty()) {
    std::string append = default_kernel_args();
    if (!opts.append.empty())
      append += " " + opts.append;
    argv.insert(argv.end(), {"-kernel", opts.kernel, "-initrd", opts.initrd,
                             "-append", append});
  }
  add_drives(opts, argv);

  if (!opts.net.empty()) {
    // resolve_qemu_options refused a --net that net_args cannot write.
    std::string err;
    std::vector<std::string> net = net_args(opts.net, &err).value();
    argv.insert(argv.end(), net.begin(), net.end());
  }
  if (opts.tpm || !opts.tpm_state.empty()) {
    argv.insert(argv.end(), {"-chardev", "socket,id=tpmchr,path=" + tpm_socket,
                             "-tpmdev", "emulator,id=tpm0,chardev=tpmchr",
                             "-device", "tpm-tis,tpmdev=tpm0"});
  }
  // systemd's import-creds.c reads io.systemd.credential.binary:NAME=BASE64
  // from the SMBIOS OEM strings; Base64 needs no ",," escape for qemu.
  for (const CredentialSpec &c : opts.credentials) {
    std::string value = base64_encode(c.value, 0);
    value.pop_back(); // its final newline
    argv.insert(argv.end(),
                {"-smbios", "type=11,value=io.systemd.credential.binary:" +
                                c.name + "=" + value});
  }
  argv.insert(argv.end(), opts.extra_args.begin(), opts.extra_args.end());
  return argv;
}

std::optional<double> parse_guest_uptime(std::string_view line) {
  size_t at = line.find("uptime=");
  if (at == std::string_view::npos)
    return std::nullopt;
  std::string num(line.substr(at + 7));
  char *end = nullptr;
  double v = std::strtod(num.c_str(), &end);
  if (end == num.c_str())
    return std::nullopt;
  return v;
}

} // namespace initpack
