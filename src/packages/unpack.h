// The unpack pass: the fetched packages into the image tree, in-process
// (libarchive), through the merged-/usr links, via the unpack cache.
#pragma once

#include "context.h"

#include <string>
#include <vector>

namespace initpack {

// Unpacks the packages into ctx.tree: the merged-/usr links first (bin,
// sbin, lib, lib64 -> usr/…, see merged_usr_dirs()), then every package's
// data.tar through them, in name order. Entry::origin = package name.
// A package unpacked before is read from its cached manifest (no
// decompression); others are unpacked into the cache in parallel first.
// Unsafe member names, paths leaving the tree through a symlink and two
// packages shipping one path differently are all reported, then the pass
// stops.
void unpack_packages(Context &ctx, const std::vector<PackageRef> &pkgs);
// The same into another tree (packages that are not part of the image, such
// as CPU microcode for the early cpio).
void unpack_packages(Context &ctx, const std::vector<PackageRef> &pkgs,
                     Tree &tree);

// Unpacks one package into a real directory on disk (the kernel stage needs
// the kernel package's modules as files for libkmod and depmod), with the
// merged-/usr links, so its modules are at usr/lib/modules/<version> (and
// lib/modules/<version> through the link). Cached by the .deb's SHA-256
// under cache_root/trees/; created atomically (a temporary directory
// renamed into place). Returns the directory.
std::string unpack_to_directory(Context &ctx, const PackageRef &pkg);

} // namespace initpack
