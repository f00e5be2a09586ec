#include "codec/image_manifest.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace initpack {

std::string image_manifest_json(const ImageManifest &m) {
  std::vector<ManifestPackage> pkgs = m.packages;
  std::sort(pkgs.begin(), pkgs.end(), [](const auto &a, const auto &b) {
    return std::tie(a.name, a.architecture, a.version) <
           std::tie(b.name, b.architecture, b.version);
  });
  nlohmann::ordered_json j;
  j["format"] = kImageManifestFormat;
  j["initpack"] = m.initpack_version;
  j["kernel"] = m.kernel;
  j["architecture"] = m.architecture;
  j["config_sha256"] = m.config_sha256;
  if (m.source_date_epoch)
    j["source_date_epoch"] = *m.source_date_epoch;
  j["packages"] = nlohmann::ordered_json::array();
  for (const ManifestPackage &p : pkgs)
    j["packages"].push_back({{"name", p.name},
                             {"version", p.version},
                             {"architecture", p.architecture}});
  return j.dump(1) + "\n";
}

namespace {

bool get_string(const nlohmann::json &j, const char *key, std::string *out,
                const std::string &where, std::string *err) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) {
    *err = where + (it == j.end() ? "no " : "not a string: ") + key;
    return false;
  }
  *out = it->get<std::string>();
  return true;
}

} // namespace

bool parse_image_manifest(std::string_view json, ImageManifest *m,
                          std::string *err) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    *err = "not a JSON object";
    return false;
  }
  auto format = j.find("format");
  if (format == j.end() || !format->is_number_integer() ||
      *format != kImageManifestFormat) {
    *err = "format " + (format == j.end() ? "missing" : format->dump()) +
           ", this initpack reads format " +
           std::to_string(kImageManifestFormat);
    return false;
  }
  *m = {};
  if (!get_string(j, "initpack", &m->initpack_version, "", err) ||
      !get_string(j, "kernel", &m->kernel, "", err) ||
      !get_string(j, "architecture", &m->architecture, "", err) ||
      !get_string(j, "config_sha256", &m->config_sha256, "", err))
    return false;
  if (auto it = j.find("source_date_epoch"); it != j.end()) {
    if (!it->is_number_integer()) {
      *err = "source_date_epoch is not an integer";
      return false;
    }
    m->source_date_epoch = it->get<int64_t>();
  }
  auto pkgs = j.find("packages");
  if (pkgs == j.end() || !pkgs->is_array()) {
    *err = "no packages array";
    return false;
  }
  for (size_t i = 0; i < pkgs->size(); i++) {
    const nlohmann::json &p = (*pkgs)[i];
    std::string where = "packages[" + std::to_string(i) + "]: ";
    ManifestPackage mp;
    if (!p.is_object()) {
      *err = where + "not an object";
      return false;
    }
    if (!get_string(p, "name", &mp.name, where, err) ||
        !get_string(p, "version", &mp.version, where, err) ||
        !get_string(p, "architecture", &mp.architecture, where, err))
      return false;
    m->packages.push_back(std::move(mp));
  }
  return true;
}

std::string extension_manifest_path(bool confext, const std::string &name) {
  return std::string(confext ? "etc" : "usr/lib") + "/initpack/manifest." +
         name + ".json";
}

bool is_image_manifest_path(std::string_view path) {
  if (path == kImageManifestPath)
    return true;
  for (std::string_view dir :
       {"usr/lib/initpack/manifest.", "etc/initpack/manifest."})
    if (path.starts_with(dir) && path.ends_with(".json") &&
        path.size() > dir.size() + 5 &&
        path.find('/', dir.size()) == std::string_view::npos)
      return true;
  return false;
}

} // namespace initpack
