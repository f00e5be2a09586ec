// Resolutions kept from one build to the next (CACHE/resolved/DIGEST.json).
//
// A warm build used to spend most of its package stage loading the pool
// (0.15 s of a 0.7 s build for bookworm main) only to compute the same
// package set again. A resolution depends on nothing but the verified
// indexes (by SHA256, with the base URI, suite, component and priority
// each was loaded with), the architecture, the request (wanted packages,
// Recommends, RemovePackages=) and the resolver's code, which the running
// program's build ID stands for. The key holds all of them; the file is
// named by the key's SHA-256 and holds the key itself, checked on read.
// A changed index, request or initpack makes a new key, so an entry is
// never stale, only unused: entries untouched for kResolutionKeepDays are
// removed whenever a new one is written. Without a build ID nothing is
// cached.
#pragma once

#include "context.h"
#include "packages/index.h"
#include "packages/resolver.h"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace initpack {

inline constexpr int kResolutionFormat = 1;
inline constexpr int kResolutionKeepDays = 30;

// A resolved package as JSON: what the fetcher and unpacker use (not
// deb_path, which the fetcher sets). Also `initpack resolve --json`.
nlohmann::json package_ref_json(const PackageRef &p);

// The key text (compact JSON) of one resolution.
std::string resolution_key(const std::string &program_id,
                           const std::string &architecture,
                           const std::vector<PackagesIndex> &indexes,
                           const std::vector<std::string> &wanted,
                           const ResolveOptions &opts);

std::string resolution_to_json(const std::string &key, const ResolveResult &r);
// False with *err for malformed text, another format, or another key.
bool resolution_from_json(const std::string &text, const std::string &key,
                          ResolveResult *r, std::string *err);

// The key of resolving `wanted` in ctx's archive (archive_indexes), by
// this program; "" when it has no build ID (nothing is cached then).
std::string resolution_key(Context &ctx, const std::vector<std::string> &wanted,
                           const ResolveOptions &opts);
// The resolution cached under `key`, if there is one.
bool find_cached_resolution(Context &ctx, const std::string &key,
                            ResolveResult *out);
// Keeps `r` under `key` for the next run. A cache that cannot be written is
// only logged: the build does not need it.
void cache_resolution(Context &ctx, const std::string &key,
                      const ResolveResult &r);

} // namespace initpack
