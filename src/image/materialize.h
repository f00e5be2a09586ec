// Writing (part of) the in-memory Tree out as real files, for the few
// tools that need a directory: ldconfig -r, systemd-hwdb --root, depmod -b.
#pragma once

#include "image/tree.h"

#include <functional>
#include <string>

namespace initpack {

// Writes every entry whose path `want` accepts (and the directories above
// it) below `dir`. Disk-backed files are hardlinked from the cache when the
// filesystem allows, copied otherwise; modes are applied, owners are not
// (the build does not need root).
bool materialize(const Tree &tree, const std::string &dir,
                 const std::function<bool(const std::string &)> &want,
                 std::string *err);

// SHA-256 of a file's content, computed (and not cached) when the Content
// does not carry it.
bool content_sha256(const Content &c, std::string *hex, std::string *err);

} // namespace initpack
