// Reachability pruning: drop the executables and shared libraries that
// nothing in the boot can run.
//
// Packages bring whole: util-linux brings 90 programs for the three the
// initrd runs, and their libraries come along. The consistency check
// (image/consistency.h) already knows every reference from one file to a
// program or library; pruning walks those references from what the boot
// starts and removes what is never reached.
//
// Candidates are only regular files that packages brought, in the program
// directories (bin, sbin), shared libraries directly in the library
// directories and PAM modules (LIBDIR/security/*.so, reached only from the
// module names in /etc/pam.d and /usr/lib/pam.d); ExtraTrees= files are
// the user's choice and stay. All
// else (units, rules, generators, systemd's and udev's helpers, plugins in
// subdirectories, scripts, data) is a root: whatever it references is
// kept, and so on. A file is also kept when reachability cannot be proven:
// its name appears as a word in a reachable script, unit or rule (sh -c
// "…", a script calling `blkid`) or as a string in a reachable ELF
// (systemd-fsck runs "fsck", the kernel "/sbin/modprobe"), or a
// PruneKeep= glob matches it (programs found by a computed name, such as
// fsck.TYPE, mount.TYPE, and the emergency shell's tools; libraries opened
// with dlopen()).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace initpack {

struct Context;
class Tree;

struct PruneResult {
  // Kept candidates and the first reason found: "ExecStart= of
  // usr/lib/systemd/system/foo.service", "PruneKeep=/usr/bin/bash", …
  std::map<std::string, std::string> kept;
  std::vector<std::string> pruned; // files, then the symlinks left dangling
  uint64_t pruned_bytes = 0;
};

// Decides and removes; `keep` are image path globs (fnmatch, "/" not
// crossed by "*"), absolute or relative.
PruneResult prune_unreachable(Tree &tree, const std::vector<std::string> &keep);

// --explain: the kept candidates with their reason, and the pruned files.
std::string explain_pruning(const PruneResult &r);

// The pass: Prune=yes runs it before the library cache and the consistency
// check (which then proves the kept files still run).
void prune_image(Context &ctx);

} // namespace initpack
