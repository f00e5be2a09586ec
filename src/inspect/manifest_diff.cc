#include "inspect/manifest_diff.h"

#include <map>
#include <optional>

namespace initpack {

namespace {

std::string epoch_text(const std::optional<int64_t> &e) {
  return e ? std::to_string(*e) : "";
}

} // namespace

std::vector<ManifestChange> diff_manifests(const ImageManifest &a,
                                           const ImageManifest &b) {
  std::vector<ManifestChange> out;
  auto field = [&](const char *name, const std::string &x,
                   const std::string &y) {
    if (x != y)
      out.push_back({'~', "manifest", name, x, y});
  };
  field("initpack", a.initpack_version, b.initpack_version);
  field("kernel", a.kernel, b.kernel);
  field("architecture", a.architecture, b.architecture);
  field("config_sha256", a.config_sha256, b.config_sha256);
  field("source_date_epoch", epoch_text(a.source_date_epoch),
        epoch_text(b.source_date_epoch));

  // A package is its name, plus its architecture when it differs from the
  // image's (foreign packages such as a :i386 library).
  auto key = [](const ImageManifest &m, const ManifestPackage &p) {
    return p.architecture == m.architecture || p.architecture == "all"
               ? p.name
               : p.name + ":" + p.architecture;
  };
  std::map<std::string, std::pair<std::string, std::string>> versions;
  for (const ManifestPackage &p : a.packages)
    versions[key(a, p)].first = p.version;
  for (const ManifestPackage &p : b.packages)
    versions[key(b, p)].second = p.version;
  for (const auto &[name, v] : versions) {
    char kind = v.first.empty() ? '+' : v.second.empty() ? '-' : '~';
    if (v.first != v.second)
      out.push_back({kind, "package", name, v.first, v.second});
  }
  return out;
}

std::string format_manifest_change(const ManifestChange &c) {
  std::string head = std::string(1, c.kind) + " " + c.what + " " + c.name;
  switch (c.kind) {
  case '+':
    return head + " " + c.b;
  case '-':
    return head + " " + c.a;
  default:
    return head + " " + (c.a.empty() ? "(none)" : c.a) + " -> " +
           (c.b.empty() ? "(none)" : c.b);
  }
}

} // namespace initpack
