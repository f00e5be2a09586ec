#include "image/record_manifest.h"

#include "config/settings.h"
#include "context.h"
#include "util/hash.h"

#include <algorithm>
#include <cstring>

namespace initpack {

std::string effective_config_text(const Config &c) {
  static const char *const kNotContent[] = {"Output", "Stage2Output"};
  std::vector<std::string> lines;
  for (const Setting &s : settings()) {
    if (strcmp(s.section, "Build") == 0 ||
        std::find_if(std::begin(kNotContent), std::end(kNotContent),
                     [&](const char *k) { return strcmp(k, s.key) == 0; }) !=
            std::end(kNotContent))
      continue;
    lines.push_back(std::string(s.key) + "=" + format_setting(c, s) + "\n");
  }
  std::sort(lines.begin(), lines.end());
  std::string text;
  for (const std::string &l : lines)
    text += l;
  return text;
}

ImageManifest make_image_manifest(const Context &ctx) {
  ImageManifest m;
  m.initpack_version = INITPACK_VERSION;
  m.kernel = ctx.kernel.version;
  m.architecture = ctx.config.architecture;
  m.config_sha256 = sha256_hex(effective_config_text(ctx.config));
  m.source_date_epoch = ctx.config.source_date_epoch;
  for (const PackageRef &p : ctx.packages)
    m.packages.push_back({p.name, p.version, p.arch});
  // The kernel's package is resolved apart from the image's set.
  const PackageRef &k = ctx.kernel.package;
  if (!k.name.empty() &&
      std::none_of(ctx.packages.begin(), ctx.packages.end(),
                   [&](const PackageRef &p) { return p.name == k.name; }))
    m.packages.push_back({k.name, k.version, k.arch});
  return m;
}

void add_image_manifest(Context &ctx, const std::string &path) {
  ctx.tree.add_file(
      path, Content::from_bytes(image_manifest_json(make_image_manifest(ctx))),
      0644, "initpack:manifest");
}

} // namespace initpack
