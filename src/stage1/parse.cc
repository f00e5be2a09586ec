// The side-effect-free parts of stage 1 (stage1.h): its config, the
// kernel command line, locations and on-disk superblocks.
#include "stage1/stage1.h"

#include <cstring>

namespace initpack::stage1 {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' ||
                        s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

bool parse_seconds(std::string_view v, int *out) {
  if (v.empty() || v.size() > 5)
    return false;
  int n = 0;
  for (char c : v) {
    if (c < '0' || c > '9')
      return false;
    n = n * 10 + (c - '0');
  }
  *out = n;
  return true;
}

uint32_t le32(std::string_view s, size_t at) {
  uint32_t v;
  memcpy(&v, s.data() + at, 4);
  return v;
}
uint16_t le16(std::string_view s, size_t at) {
  uint16_t v;
  memcpy(&v, s.data() + at, 2);
  return v;
}

// A NUL- or space-padded label field.
std::string label_field(std::string_view s, size_t at, size_t len) {
  std::string out(s.substr(at, len));
  out.resize(strnlen(out.c_str(), out.size()));
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out;
}

} // namespace

bool is_hex_hash(std::string_view s) {
  if (s.size() != 64)
    return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
          (c >= 'A' && c <= 'F')))
      return false;
  return true;
}

bool parse_location(std::string_view text, Location *out, std::string *err) {
  *out = Location{};
  if (text == "initrd") {
    out->in_initrd = true;
    return true;
  }
  size_t colon = text.find(":/");
  out->device = std::string(text.substr(0, colon));
  if (colon != std::string_view::npos)
    out->path = std::string(text.substr(colon + 1));
  bool ok = (out->device.starts_with("/dev/") && out->device.size() > 5) ||
            (out->device.starts_with("LABEL=") && out->device.size() > 6) ||
            (out->device.starts_with("PARTLABEL=") && out->device.size() > 10);
  if (!ok)
    // append, not "'" + string: GCC 12 at -O2 with _FORTIFY_SOURCE warns
    // (-Wrestrict) about the inlined insert, a false positive.
    err->assign("'").append(text).append(
        "' is not initrd, /dev/NAME, LABEL=NAME or PARTLABEL=NAME "
        "(optionally followed by :/PATH)");
  return ok;
}

bool parse_config(std::string_view text, Config *out, std::string *err) {
  int line_no = 0;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = trim(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    line_no++;
    if (line.empty() || line[0] == '#')
      continue;
    size_t eq = line.find('=');
    std::string_view key =
        eq == std::string_view::npos ? line : line.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? "" : line.substr(eq + 1);
    std::string problem;
    if (key == "location") {
      Location loc;
      if (parse_location(value, &loc, &problem))
        out->location = std::string(value);
    } else if (key == "roothash") {
      if (is_hex_hash(value))
        out->roothash = std::string(value);
      else
        problem = "roothash is not 64 hex digits";
    } else if (key == "module") {
      if (value.empty() || value.find('/') != std::string_view::npos)
        problem = "module must be a file name";
      else
        out->modules.emplace_back(value);
    } else if (key == "timeout") {
      if (!parse_seconds(value, &out->timeout_seconds))
        problem = "timeout is not a number of seconds";
    } else {
      problem = "unknown key '" + std::string(key) + "'";
    }
    if (!problem.empty()) {
      *err = "line " + std::to_string(line_no) + ": " + problem;
      return false;
    }
  }
  return true;
}

std::string format_config(const Config &c) {
  std::string out = "# initpack-stage1 configuration (written by initpack "
                    "build)\nlocation=" +
                    c.location + "\n";
  if (!c.roothash.empty())
    out += "roothash=" + c.roothash + "\n";
  out += "timeout=" + std::to_string(c.timeout_seconds) + "\n";
  for (const std::string &m : c.modules)
    out += "module=" + m + "\n";
  return out;
}

bool apply_cmdline(std::string_view cmdline, Config *config, std::string *err) {
  while (!cmdline.empty()) {
    size_t sp = cmdline.find_first_of(" \t\n");
    std::string_view word = cmdline.substr(0, sp);
    cmdline.remove_prefix(sp == std::string_view::npos ? cmdline.size()
                                                       : sp + 1);
    size_t eq = word.find('=');
    if (eq == std::string_view::npos)
      continue;
    std::string_view key = word.substr(0, eq), value = word.substr(eq + 1);
    if (key == "initpack.stage2") {
      Location loc;
      if (!parse_location(value, &loc, err)) {
        *err = "initpack.stage2=: " + *err;
        return false;
      }
      config->location = std::string(value);
    } else if (key == "initpack.roothash") {
      if (!is_hex_hash(value)) {
        *err = "initpack.roothash= is not 64 hex digits";
        return false;
      }
      if (config->roothash.empty()) // a baked-in hash is never overridden
        config->roothash = std::string(value);
    } else if (key == "initpack.timeout") {
      if (!parse_seconds(value, &config->timeout_seconds)) {
        *err = "initpack.timeout= is not a number of seconds";
        return false;
      }
    }
  }
  return true;
}

Probe probe_superblock(std::string_view b) {
  Probe p;
  if (b.size() < 4096)
    return p;
  if (le32(b, 1024) == 0xE0F5E1E2) { // EROFS: magic, blocks, volume name
    p.type = "erofs";
    p.erofs_blocks = le32(b, 1024 + 36);
    p.label = label_field(b, 1024 + 64, 16);
  } else if (le16(b, 1024 + 0x38) == 0xEF53) { // ext2/3/4: s_magic
    p.type = "ext4";
    p.label = label_field(b, 1024 + 0x78, 16);
  } else if (le16(b, 510) == 0xAA55) { // FAT boot sector
    if (b.substr(0x52, 5) == "FAT32") {
      p.type = "vfat";
      p.label = label_field(b, 0x47, 11);
    } else if (b.substr(0x36, 4) == "FAT1") {
      p.type = "vfat";
      p.label = label_field(b, 0x2B, 11);
    }
    if (p.label == "NO NAME")
      p.label.clear();
  }
  return p;
}

bool parse_verity_superblock(std::string_view b, VeritySuper *out,
                             std::string *err) {
  if (b.size() < 512 || b.substr(0, 8) != std::string_view("verity\0\0", 8)) {
    *err = "no dm-verity superblock";
    return false;
  }
  if (le32(b, 8) != 1 || le32(b, 12) != 1) {
    *err = "dm-verity superblock of an unsupported version or hash type";
    return false;
  }
  out->algorithm = label_field(b, 32, 32);
  out->data_block_size = le32(b, 64);
  out->hash_block_size = le32(b, 68);
  memcpy(&out->data_blocks, b.data() + 72, 8);
  uint16_t salt_size = le16(b, 80);
  if (salt_size > 256 || out->algorithm != "sha256" ||
      out->data_block_size != 4096 || out->hash_block_size != 4096 ||
      out->data_blocks == 0) {
    *err = "dm-verity superblock with parameters stage 1 does not use "
           "(sha256, 4096-byte blocks)";
    return false;
  }
  static const char digits[] = "0123456789abcdef";
  out->salt_hex.clear();
  for (size_t i = 0; i < salt_size; i++) {
    unsigned char c = uint8_t(b[88 + i]);
    out->salt_hex += digits[c >> 4];
    out->salt_hex += digits[c & 15];
  }
  if (out->salt_hex.empty())
    out->salt_hex.assign(1, '-'); // the dm table's "no salt" (GCC 12
                                  // -Wrestrict false positive on = "-")
  return true;
}

} // namespace initpack::stage1
