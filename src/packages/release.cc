#include "packages/release.h"

#include "util/deb822.h"

#include <charconv>
#include <cstring>

namespace initpack {

const ReleaseEntry *ReleaseFile::find(std::string_view path) const {
  for (const ReleaseEntry &e : sha256)
    if (e.path == path)
      return &e;
  return nullptr;
}

static bool to_int(std::string_view s, long *out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool parse_release_date(std::string_view s, time_t *out) {
  static const char *months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::vector<std::string> w = split_words(s);
  // The weekday is optional in RFC 2822.
  if (!w.empty() && w[0].size() == 4 && w[0][3] == ',')
    w.erase(w.begin());
  if (w.size() != 5)
    return false;
  struct tm tm = {};
  long day, year, hh, mm, ss;
  int month = -1;
  for (int i = 0; i < 12; i++)
    if (w[1] == months[i])
      month = i;
  std::string_view hms = w[3];
  if (month < 0 || !to_int(w[0], &day) || !to_int(w[2], &year) ||
      hms.size() != 8 || hms[2] != ':' || hms[5] != ':' ||
      !to_int(hms.substr(0, 2), &hh) || !to_int(hms.substr(3, 2), &mm) ||
      !to_int(hms.substr(6, 2), &ss))
    return false;
  long offset = 0;
  const std::string &zone = w[4];
  if (zone == "UTC" || zone == "GMT" || zone == "Z") {
    offset = 0;
  } else if (zone.size() == 5 && (zone[0] == '+' || zone[0] == '-')) {
    long hhmm;
    if (!to_int(std::string_view(zone).substr(1), &hhmm))
      return false;
    offset = (hhmm / 100 * 3600 + hhmm % 100 * 60) * (zone[0] == '-' ? -1 : 1);
  } else {
    return false;
  }
  if (day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60)
    return false;
  tm.tm_year = year - 1900;
  tm.tm_mon = month;
  tm.tm_mday = day;
  tm.tm_hour = hh;
  tm.tm_min = mm;
  tm.tm_sec = ss;
  *out = timegm(&tm) - offset;
  return true;
}

std::string format_release_date(time_t t) {
  struct tm tm;
  gmtime_r(&t, &tm);
  char buf[64];
  strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

static bool parse_sha256_list(const Deb822Field &f, const std::string &name,
                              std::vector<ReleaseEntry> *out,
                              std::string *err) {
  int lineno = f.line;
  size_t pos = 0;
  const std::string &v = f.value;
  while (pos <= v.size()) {
    size_t nl = v.find('\n', pos);
    if (nl == std::string::npos)
      nl = v.size();
    std::vector<std::string> w = split_words(v.substr(pos, nl - pos));
    pos = nl + 1;
    if (w.empty()) {
      lineno++;
      continue;
    }
    long size;
    if (w.size() != 3 || w[0].size() != 64 ||
        w[0].find_first_not_of("0123456789abcdef") != std::string::npos ||
        !to_int(w[1], &size) || size < 0) {
      *err = name + ":" + std::to_string(lineno) +
             ": malformed SHA256 line (expected 'HEX SIZE PATH')";
      return false;
    }
    out->push_back({w[2], w[0], static_cast<uint64_t>(size)});
    lineno++;
  }
  return true;
}

bool parse_release(std::string_view text, const std::string &name,
                   ReleaseFile *out, std::string *err) {
  std::vector<Deb822Paragraph> paras;
  if (!parse_deb822(text, name, &paras, err))
    return false;
  if (paras.size() != 1) {
    *err = name + ": expected one paragraph, found " +
           std::to_string(paras.size());
    return false;
  }
  const Deb822Paragraph &p = paras[0];
  *out = ReleaseFile();
  out->origin = p.get("Origin");
  out->label = p.get("Label");
  out->suite = p.get("Suite");
  out->codename = p.get("Codename");
  out->architectures = split_words(p.get("Architectures"));
  out->components = split_words(p.get("Components"));
  out->acquire_by_hash = iequals(p.get("Acquire-By-Hash"), "yes");
  out->not_automatic = iequals(p.get("NotAutomatic"), "yes");
  for (const char *key : {"Date", "Valid-Until"}) {
    const Deb822Field *f = p.find(key);
    time_t *dest = iequals(key, "Date") ? &out->date : &out->valid_until;
    if (!f)
      continue;
    if (!parse_release_date(f->value, dest)) {
      *err = name + ":" + std::to_string(f->line) + ": cannot parse " + key +
             ": " + f->value;
      return false;
    }
  }
  const Deb822Field *sums = p.find("SHA256");
  if (!sums) {
    *err = name + ": no SHA256 checksums (older hashes are not trusted)";
    return false;
  }
  return parse_sha256_list(*sums, name, &out->sha256, err);
}

} // namespace initpack
