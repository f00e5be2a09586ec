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
  // RemovePackages=: never installed where an alternative exists; a package
  // a dependency cannot do without is installed and removed again
  // afterwards (mkosi's "remove after installation"), and listed in
  // ResolveResult::removed; what only removed packages needed goes too
  // (ResolveResult::orphaned), as apt-get autoremove would take it.
  std::vector<std::string> remove;
};

struct ResolveResult {
  std::vector<PackageRef> packages; // sorted by name, each with why
  std::vector<PackageRef> removed;  // needed, but removed per RemovePackages=
  std::vector<PackageRef> orphaned; // needed only by `removed` ones
  int rounds = 0;                   // solver runs
};

// Resolves `wanted` (names, "name=version", or a virtual name with a
// single provider) in a prepared Archive. Otherwise *err explains the
// problems in plain words.
bool resolve(Archive &archive, const std::vector<std::string> &wanted,
             const ResolveOptions &opts, ResolveResult *out, std::string *err);

// Loads the configured archive (ctx.archive; sources -> verified InRelease
// -> verified Packages -> libsolv pool; all cached) and resolves `wanted`
// minus Config::remove_packages (a warning names those that had to be
// installed and removed again), with Recommends per Config::with_recommends.
// Fatal with the explanation when unsatisfiable.
std::vector<PackageRef>
resolve_packages(Context &ctx, const std::vector<std::string> &wanted);

} // namespace initpack
