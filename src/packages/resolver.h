// Dependency resolution with libsolv, made to choose as apt does.
//
// libsolv alone picks between the alternatives of "a | b" by name, not by
// order (FACTS.md: chrony over systemd-timesyncd). So after each solve, the
// first alternative of every dependency that the chosen set satisfies only
// with a later one is favored (SOLVER_FAVOR), and the problem solved again
// until no new favor appears (two or three rounds on bookworm).
//
// Essential packages are not added implicitly: the profile names its base.
#pragma once

#include "context.h"

#include <string>
#include <vector>

namespace initpack {

class Archive;

struct ResolveOptions {
  bool with_recommends = false;
  // Never installed (RemovePackages=): the solver takes another
  // alternative, or says why it cannot.
  std::vector<std::string> remove;
};

// Resolves `wanted` (names, "name=version", or a virtual name with a
// single provider) in a prepared Archive. On success fills *out sorted by
// name, each with why it is there; otherwise *err explains the problems in
// plain words. *rounds (optional) gets the number of solves.
bool resolve(Archive &archive, const std::vector<std::string> &wanted,
             const ResolveOptions &opts, std::vector<PackageRef> *out,
             std::string *err, int *rounds = nullptr);

// Loads the configured archive (ctx.archive; sources -> verified InRelease
// -> verified Packages -> libsolv pool; all cached) and resolves `wanted`
// minus Config::remove_packages, with Recommends per
// Config::with_recommends. Fatal with the explanation when unsatisfiable.
std::vector<PackageRef>
resolve_packages(Context &ctx, const std::vector<std::string> &wanted);

} // namespace initpack
