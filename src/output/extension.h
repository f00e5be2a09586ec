// Format=sysext / Format=confext: an extension image that systemd-sysext(8)
// (or systemd-confext, systemd >= 254) merges over /usr and /opt (or /etc)
// with an overlay mount, on the host or inside an initrd.
//
// The image is a plain EROFS file system (no partition table) named
// NAME.raw, holding only the extension's own files and
// usr/lib/extension-release.d/extension-release.NAME (confext:
// etc/extension-release.d/…), whose ID= and VERSION_ID= (or SYSEXT_LEVEL=)
// must match the os-release of the system it extends. With Verity=, the
// dm-verity hash tree goes to NAME.verity and its root hash to
// NAME.roothash: the sidecar names systemd's dissect code looks for beside
// a plain image (a GPT image would carry them as partitions instead).
#pragma once

#include "image/tree.h"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace initpack {

struct Context;

// Parses os-release(5) text (KEY=VALUE, values optionally quoted with
// shell-style escapes; comments and blank lines skipped).
std::map<std::string, std::string> parse_os_release(std::string_view text);

// The extension-release file for `fields` (sorted by key), values quoted
// where os-release(5) needs it.
std::string
extension_release_text(const std::map<std::string, std::string> &fields);

// The extension-release fields: ExtensionRelease= entries (KEY=VALUE), and
// ID= and VERSION_ID= from `host_os_release` when not given. Fails with a
// message naming the entry on a malformed key or value, or when no ID= is
// known.
bool extension_release_fields(const std::vector<std::string> &entries,
                              const std::map<std::string, std::string> &host,
                              std::map<std::string, std::string> *out,
                              std::string *err);

// The extension's name: the base name of Output= without ".raw". Fails
// when Output= does not end in .raw (systemd finds images, and their
// .verity/.roothash sidecars, by that suffix).
bool extension_name(const std::string &output, std::string *name,
                    std::string *err);

// Makes `tree` an extension's: drops the merged-/usr compatibility links
// (bin -> usr/bin …) and directories with nothing in them outside the
// allowed tops (sysext: usr, opt; confext: etc), and returns in *outside
// every other path outside them ("path (origin)"), which is an error.
void prune_extension_tree(Tree &tree, bool confext,
                          std::vector<std::string> *outside);

// The pass: checks and prunes ctx.tree, adds the extension-release file
// and the manifest (codec/image_manifest.h's extension path), and writes
// Output= (+ .verity, .roothash). Fatal on any error.
void write_extension(Context &ctx);

// Fatal, before any work, on settings an extension image cannot use.
void check_extension_output(Context &ctx);

} // namespace initpack
