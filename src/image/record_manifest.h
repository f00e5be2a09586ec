// The build's last content pass: the image manifest
// (codec/image_manifest.h) at /usr/lib/initpack/manifest.json, made from
// the resolved package set, the kernel and the configuration.
#pragma once

#include "codec/image_manifest.h"
#include "config/config.h"

#include <string>

namespace initpack {

struct Context;

// The text the configuration hash covers: "Key=value\n" for every setting
// as `initpack summary` prints it, sorted by key, without the settings
// that say where the image goes or how packages are fetched ([Build] and
// Output=, Stage2Output=): two builds of the same image into different
// places or from different caches hash alike.
std::string effective_config_text(const Config &c);

ImageManifest make_image_manifest(const Context &ctx);
// Adds the manifest to ctx.tree at `path` (mode 0644, root-owned).
void add_image_manifest(Context &ctx,
                        const std::string &path = kImageManifestPath);

} // namespace initpack
