#include "config/dracut.h"

#include "util/strings.h"

#include <cctype>
#include <map>
#include <set>
#include <sys/stat.h>

namespace initpack {

namespace {

bool is_name_char(char c, bool first) {
  return c == '_' || std::isalpha((unsigned char)c) ||
         (!first && std::isdigit((unsigned char)c));
}

// Reads a double-quoted value from text[*i] (after the opening quote) up to
// its closing quote, across lines. *line counts the newlines passed.
bool read_double_quoted(std::string_view text, size_t *i, int *line,
                        std::string *out, std::string *err) {
  for (; *i < text.size(); ++*i) {
    char c = text[*i];
    if (c == '"') {
      ++*i;
      return true;
    }
    if (c == '\n')
      ++*line;
    if (c == '\\' && *i + 1 < text.size() &&
        std::string_view("\"\\$").find(text[*i + 1]) != std::string::npos) {
      out->push_back(text[++*i]);
      continue;
    }
    if (c == '$' || c == '`') {
      *err = "shell expansion (" + std::string(1, c) +
             ") is not supported: write the value out";
      return false;
    }
    out->push_back(c);
  }
  *err = "unterminated \"";
  return false;
}

// After a value: blanks, then a comment or the end of the line.
bool rest_is_comment(std::string_view text, size_t *i) {
  while (*i < text.size() && (text[*i] == ' ' || text[*i] == '\t'))
    ++*i;
  if (*i < text.size() && text[*i] == '#')
    while (*i < text.size() && text[*i] != '\n')
      ++*i;
  return *i >= text.size() || text[*i] == '\n';
}

bool parse_value(std::string_view text, size_t *i, int *line, std::string *out,
                 std::string *err) {
  if (*i < text.size() && text[*i] == '"') {
    ++*i;
    return read_double_quoted(text, i, line, out, err);
  }
  if (*i < text.size() && text[*i] == '\'') {
    size_t end = text.find('\'', *i + 1);
    if (end == std::string_view::npos) {
      *err = "unterminated '";
      return false;
    }
    std::string_view v = text.substr(*i + 1, end - *i - 1);
    for (char c : v)
      *line += c == '\n';
    out->assign(v);
    *i = end + 1;
    return true;
  }
  while (*i < text.size() && !std::isspace((unsigned char)text[*i]) &&
         text[*i] != '#') {
    if (std::string_view("$`\"'\\;&|()<>").find(text[*i]) !=
        std::string_view::npos) {
      *err = std::string("'") + text[*i] +
             "' in an unquoted value is not supported: quote the value";
      return false;
    }
    out->push_back(text[(*i)++]);
  }
  return true;
}

std::vector<std::string> words(std::string_view v) {
  return split_any(v, " \t\r\n");
}

bool is_yes(const std::string &v) {
  return v == "yes" || v == "y" || v == "1" || v == "true";
}

// dracut modules initpack has a profile for. Modules not listed here and
// not in kAlwaysThere have none.
const std::map<std::string, std::string> kProfileOfModule = {
    {"lvm", "lvm"},
    {"crypt", "luks"},
    {"mdraid", "raid"},
    {"btrfs", "btrfs"},
    {"nfs", "nfs"},
    {"iscsi", "iscsi"},
    {"nbd", "nbd"},
    {"nvmf", "nvme-tcp"},
    {"network", "network"},
    {"network-legacy", "network"},
    {"tpm2-tss", "tpm2"},
    {"systemd-networkd", "networkd"},
    {"network-manager", "networkmanager"},
};

// What every initpack image does already (systemd does the work dracut's
// modules do in shell).
bool always_there(const std::string &module) {
  static const std::set<std::string> kAlwaysThere = {"base",
                                                     "systemd",
                                                     "systemd-initrd",
                                                     "dracut-systemd",
                                                     "udev-rules",
                                                     "kernel-modules",
                                                     "rootfs-block",
                                                     "fs-lib",
                                                     "shutdown",
                                                     "usrmount",
                                                     "terminfo",
                                                     "dm",
                                                     "systemd-udevd",
                                                     "systemd-journald",
                                                     "systemd-tmpfiles",
                                                     "systemd-sysusers",
                                                     "systemd-modules-load",
                                                     "systemd-ask-password",
                                                     "kernel-modules-extra",
                                                     "crypt-lib",
                                                     "bash"};
  return kAlwaysThere.count(module) != 0;
}

// Options that mean nothing to initpack, with the reason said.
const std::map<std::string, std::string> kIgnored = {
    {"dracutmodules", "initpack starts from its default profile and adds "
                      "the ones named: use add_dracutmodules (or Profiles=)"},
    {"drivers", "an exact driver list: initpack adds to its list; leave "
                "modules out with KernelModules=-GLOB"},
    {"do_strip", "Debian's packages are stripped already"},
    {"aggressive_strip", "Debian's packages are stripped already"},
    {"fw_dir", "firmware comes from FirmwarePackages="},
    {"mdadmconf", "the raid profile assembles arrays from what the disks "
                  "say; no host mdadm.conf is copied"},
    {"lvmconf", "the lvm profile uses the disks' metadata; no host lvm.conf "
                "is copied"},
    {"tmpdir", "initpack uses $TMPDIR"},
    {"reproducible", "initpack images are always reproducible "
                     "(SOURCE_DATE_EPOCH)"},
    {"hostonly_cmdline", "an initpack image holds no host command line: "
                         "the boot loader passes root= and the rest"},
};

void map_compress(const std::string &value, DracutMapping *m) {
  static const std::map<std::string, std::string> kCompressors = {
      {"zstd", "zstd"}, {"xz", "xz"},    {"gzip", "gzip"}, {"pigz", "gzip"},
      {"lz4", "lz4"},   {"cat", "none"}, {"pixz", "xz"}};
  std::vector<std::string> w = words(value);
  if (w.empty())
    return;
  std::string program = w[0].substr(w[0].rfind('/') + 1);
  auto it = kCompressors.find(program);
  if (it == kCompressors.end()) {
    m->ignored.push_back("compressor '" + program +
                         "': initpack writes zstd, xz, gzip, lz4 or none");
    return;
  }
  m->settings.push_back({"CompressOutput", it->second});
  for (size_t i = 1; i < w.size(); i++) {
    const std::string &a = w[i];
    if (a.size() > 1 && a[0] == '-' &&
        a.find_first_not_of("0123456789", 1) == std::string::npos)
      m->settings.push_back({"CompressLevel", a.substr(1)});
    else
      m->ignored.push_back("compressor argument '" + a +
                           "': initpack chooses threads and options itself");
  }
}

void map_modules(const DracutAssignment &a, DracutMapping *m) {
  for (const std::string &mod : words(a.value)) {
    if (a.name == "omit_dracutmodules") {
      if (kProfileOfModule.count(mod))
        m->ignored.push_back("'" + mod + "': initpack adds profile '" +
                             kProfileOfModule.at(mod) +
                             "' only when asked; leave it out of Profiles=");
      continue;
    }
    if (auto it = kProfileOfModule.find(mod); it != kProfileOfModule.end())
      m->settings.push_back({"Profiles", it->second});
    else if (!always_there(mod))
      m->ignored.push_back("dracut module '" + mod +
                           "': initpack has no profile for it");
  }
}

} // namespace

bool parse_dracut_conf(std::string_view text,
                       std::vector<DracutAssignment> *out, std::string *err) {
  size_t i = 0;
  int line = 1;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t'))
      i++;
    if (i < text.size() && (text[i] == '#' || text[i] == '\n')) {
      while (i < text.size() && text[i] != '\n')
        i++;
      i++, line++;
      continue;
    }
    if (i >= text.size())
      break;
    DracutAssignment a;
    a.line = line;
    size_t start = i;
    while (i < text.size() && is_name_char(text[i], i == start))
      i++;
    a.name.assign(text.substr(start, i - start));
    if (i < text.size() && text[i] == '+') {
      a.append = true;
      i++;
    }
    std::string why;
    if (a.name.empty() || i >= text.size() || text[i] != '=') {
      why = "not an assignment: initpack reads name=\"value\" and "
            "name+=\" value \" lines";
    } else {
      i++;
      if (parse_value(text, &i, &line, &a.value, &why) &&
          !rest_is_comment(text, &i))
        why = "text after the value: one assignment a line";
    }
    if (!why.empty()) {
      *err = std::to_string(a.line) + ": " + why;
      return false;
    }
    out->push_back(std::move(a));
    i++, line++;
  }
  return true;
}

DracutMapping dracut_option_settings(const DracutAssignment &a) {
  DracutMapping m;
  auto each = [&](const char *key) {
    for (const std::string &w : words(a.value))
      m.settings.push_back({key, w});
  };
  const std::string &n = a.name;
  if (n == "add_drivers" || n == "filesystems")
    each("KernelModulesInclude");
  else if (n == "force_drivers")
    each("KernelModulesLoad");
  else if (n == "omit_drivers")
    each("KernelModulesExclude");
  else if (n == "install_items")
    each("ExtraTrees");
  else if (n == "install_optional_items") {
    struct stat st;
    for (const std::string &w : words(a.value))
      if (lstat(w.c_str(), &st) == 0) // optional: dracut skips missing ones
        m.settings.push_back({"ExtraTrees", w});
  } else if (n == "add_dracutmodules" || n == "omit_dracutmodules")
    map_modules(a, &m);
  else if (n == "compress")
    map_compress(a.value, &m);
  else if (n == "hostonly")
    m.settings.push_back(
        {"KernelModulesIncludeHost", is_yes(a.value) ? "yes" : "no"});
  else if (n == "early_microcode")
    m.settings.push_back({"Microcode", is_yes(a.value) ? "yes" : "no"});
  else if (n == "kernel_cmdline")
    m.settings.push_back({"KernelCommandLine", a.value});
  else if (n == "uefi") {
    if (is_yes(a.value))
      m.settings.push_back({"Format", "uki"});
  } else if (n == "uefi_stub")
    m.settings.push_back({"Stub", a.value});
  else if (n == "uefi_splash_image")
    m.settings.push_back({"Splash", a.value});
  else if (n == "uefi_secureboot_key")
    m.settings.push_back({"SecureBootKey", a.value});
  else if (n == "uefi_secureboot_cert")
    m.settings.push_back({"SecureBootCertificate", a.value});
  else if (auto it = kIgnored.find(n); it != kIgnored.end())
    m.ignored.push_back(it->second);
  else
    m.ignored.push_back("initpack has no equivalent");
  return m;
}

} // namespace initpack
